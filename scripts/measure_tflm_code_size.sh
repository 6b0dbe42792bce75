#!/bin/bash
# Regenerates libconvert/tflm/code_size_data.inc: the Cortex-M4 flash and
# static RAM TFLM's runtime core and each operator's kernel take.
#
#   scripts/measure_tflm_code_size.sh TFLM_SRC_DIR [WORK_DIR] > libconvert/tflm/code_size_data.inc
#
# TFLM_SRC_DIR: a tflite-micro checkout at the commit of libconvert/tflm/ops.h
# (git archive 90b983c2b3f1480642e040bbd2ddb37b998f3424 | tar -x). The third
# party headers (flatbuffers, gemmlowp, ruy) come from $SHARED/tflm/include.
#
# Why compile: ../shared/tflm-m4/tflm_m4.elf is stripped (no symbols), so its
# code cannot be split by kernel. This builds the same sources with the same
# compiler (arm-none-eabi-gcc 12) and flags as that elf (its README: Cortex-M4F,
# thumb, hard float, -O2, reference kernels; ../shared/tflm/cxxflags.txt), adds
# -ffunction-sections/-fdata-sections and links with --gc-sections, as a
# firmware would, and measures linked programs (arm-none-eabi-size):
#   core      a MicroInterpreter that allocates and invokes a model, with an
#             empty MicroMutableOpResolver;
#   op X      the same with resolver.AddX(): its size minus the core's.
# Each op's figure includes everything its kernel pulls in (reference
# kernels, the flatbuffer parse function, libm); two ops that share helpers
# both count them, so summing ops over-estimates slightly. Static RAM is the
# linked .data + .bss (newlib's included; no heap, no stack).
set -euo pipefail
src=${1:?usage: $0 TFLM_SRC_DIR [WORK_DIR]}
src=$(cd "$src" && pwd)
work=${2:-$(mktemp -d)}
mkdir -p "$work/obj"
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${TINYFORGE_SHARED_DIR:-$here/../shared}
[[ -d $shared/tflm/include ]] || shared=/work/shared
arch=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
read -r -a flags < "$shared/tflm/cxxflags.txt"
# The TFLM build has ruy's profiler off; its one header TFLM includes is not
# in $shared/tflm/include, so an equivalent that does nothing stands in.
mkdir -p "$work/stub/ruy/profiler"
cat > "$work/stub/ruy/profiler/instrumentation.h" <<'H'
#pragma once
namespace ruy {
namespace profiler {
class ScopeLabel {
 public:
  template <typename... Args>
  explicit ScopeLabel(Args...) {}
};
}  // namespace profiler
}  // namespace ruy
H
cxx=(arm-none-eabi-g++ "${arch[@]}" "${flags[@]}" -ffunction-sections -fdata-sections
     -I"$src" -I"$shared/tflm/include" -I"$work/stub")

# The library's sources, as TFLM's Makefile gathers them (reference kernels,
# no signal or frontend custom ops, no tests).
cd "$src"
{
  ls tensorflow/lite/micro/*.cc tensorflow/lite/micro/kernels/*.cc \
     tensorflow/lite/micro/memory_planner/*.cc tensorflow/lite/micro/arena_allocator/*.cc \
     tensorflow/lite/micro/tflite_bridge/*.cc tensorflow/lite/core/api/*.cc \
     tensorflow/lite/core/c/common.cc tensorflow/lite/kernels/kernel_util.cc \
     tensorflow/lite/kernels/internal/*.cc tensorflow/lite/kernels/internal/reference/*.cc \
     tensorflow/compiler/mlir/lite/schema/schema_utils.cc \
     tensorflow/compiler/mlir/lite/core/api/error_reporter.cc 2>/dev/null || true
} | grep -v -e '_test\.cc$' -e 'test_helper' -e 'fake_micro_context' -e 'kernel_runner' \
      -e 'recording_' -e 'mock_micro_graph' -e '_generated_data' -e 'test_util' > "$work/all_sources"
# The runtime core first, then the kernels of the common operators, then the
# rest: a partial build already answers for the common operators (an
# operator whose objects are missing fails to link and gets no row).
{
  set +e  # a pattern without a match is fine
  grep -v '/kernels/' "$work/all_sources"
  grep '/kernels/[a-z_]*util' "$work/all_sources"
  for k in conv depthwise_conv fully_connected add mul sub softmax reshape pooling logistic \
           activations tanh quantize dequantize pad concatenation reduce strided_slice \
           maximum_minimum comparisons div elementwise gather pack unpack split slice transpose \
           space_to_depth resize_nearest_neighbor select squared_difference broadcast_to mirror_pad \
           unidirectional_sequence_lstm lstm_eval micro_tensor_utils; do
    grep "/kernels/${k}\(_common\)\?\.cc$" "$work/all_sources"
  done
  cat "$work/all_sources"
} | awk '!seen[$0]++' > "$work/sources"
if [[ -z ${LINK_ONLY:-} ]]; then
  while read -r f; do
    o=$work/obj/$(echo "${f%.cc}" | tr / _).o
    if [[ ! -f $o ]]; then
      if nice -n 10 "${cxx[@]}" -c "$f" -o "$o.tmp" 2>/dev/null; then mv "$o.tmp" "$o"; else echo "skip $f" >&2; fi
    fi
  done < "$work/sources"
fi
rm -f "$work/libtflm_m4.a"
arm-none-eabi-ar rcs "$work/libtflm_m4.a" "$work"/obj/*.o

# One program per operator.
link() {  # link NAME METHOD|"" -> prints "text data bss"
  local method=$2 add=""
  [[ -n $method ]] && add="resolver.$method();"
  cat > "$work/$1.cc" <<CC
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
// The model and the arena come from outside (volatile): nothing is
// optimized away, and the arena (the firmware's, counted apart) adds no .bss.
const unsigned char* volatile g_model = nullptr;
uint8_t* volatile g_arena = nullptr;
volatile size_t g_arena_bytes = 0;
int main() {
  static tflite::MicroMutableOpResolver<1> resolver;
  $add
  tflite::MicroInterpreter interpreter(tflite::GetModel(g_model), resolver, g_arena, g_arena_bytes);
  if (interpreter.AllocateTensors() != kTfLiteOk) return 1;
  return interpreter.Invoke() == kTfLiteOk ? 0 : 2;
}
CC
  "${cxx[@]}" "$work/$1.cc" "$work/libtflm_m4.a" --specs=nosys.specs -Wl,--gc-sections \
      -lm -o "$work/$1.elf" 2>"$work/$1.log" || { echo "link $1 failed" >&2; return 1; }
  arm-none-eabi-size -A "$work/$1.elf" | awk '
    $1 ~ /^\.(text|rodata|ARM\.extab|ARM\.exidx|init_array|fini_array)/ { t += $2 }
    $1 == ".data" { d += $2 } $1 == ".bss" { b += $2 }
    END { print t, d, b }'
}

read -r core_text core_data core_bss < <(link core "")
echo "// Generated by scripts/measure_tflm_code_size.sh from tflite-micro $(cd "$src"; git rev-parse HEAD 2>/dev/null || echo 90b983c2b3f1480642e040bbd2ddb37b998f3424)"
echo "// built for Cortex-M4F with $(arm-none-eabi-g++ --version | head -1), ${arch[*]} ${flags[*]}"
echo "// -ffunction-sections -fdata-sections, linked with --gc-sections (newlib nosys)."
echo "// TFLM_CODE_SIZE(resolver method, flash bytes, static RAM bytes): flash is"
echo "// text + rodata + exception tables + .data's initial values, static RAM .data + .bss."
echo "// The core first (an empty resolver), then what each AddXxx adds to it."
echo "TFLM_CODE_SIZE(\"core\", $((core_text + core_data)), $((core_data + core_bss)))"
# METHODS="AddConv2D AddFullyConnected ..." measures only those.
methods=${METHODS:-$(grep -o '{tflite::BuiltinOperator_[A-Z0-9_]*, "Add[A-Za-z0-9]*"}' "$here/libconvert/tflm/ops.cc" |
                     sed 's/.*"\(Add[A-Za-z0-9]*\)".*/\1/' | sort -u)}
for m in $methods; do
  if r=$(link "$m" "$m"); then
    read -r t d b <<< "$r"
    echo "TFLM_CODE_SIZE(\"$m\", $((t + d - core_text - core_data)), $((d + b - core_data - core_bss)))"
  fi
done
