#!/usr/bin/env bash
# tinyforge against the newest XNNPACK (../shared/peers/xnnpack/xnn_bench_latest)
# on MobileNetV2 224, int8 and float, in one run on this machine:
#
#   tests/bench/xnnpack_compare.sh [--rounds N] [--seconds S] [--threads T]
#                                  [--tinyforge BIN] [--baseline BIN] [--no-per-op]
#
# Each round times every model once in each engine, interleaved, so that
# whatever else the machine does disturbs both alike; the table gives each
# one's minimum over the rounds, their ratio and GMAC/s (300.8 M MACs),
# with the load average before and after. XNNPACK's int8 MobileNetV2 has
# per-channel weights (qc8) and the synthetic ones are tinyforge's
# (libconvert/model/synthetic_models.h): the same 300.8 M MACs and layer
# shapes with random weights. mobilenet_v2_pt is laid out as PyTorch exports
# are (NCHW input + TRANSPOSE, 18 explicit PADs, MEAN); XNNPACK has no such
# variant, so it is set beside the same XNNPACK model. person_detect
# (../shared/models) has no XNNPACK twin: its time is printed alone.
#
# Then the per-operator classes (1x1 conv + FC, depthwise, first 3x3 conv,
# ADD, PAD, TRANSPOSE, MEAN/pool, other): the sum over the operators of a
# class of each operator's minimum (xnn_bench_latest --per-op, tinyforge
# bench --profile), in microseconds.
#
# --baseline BIN adds a column for another tinyforge binary (an older build,
# say) timed in the same rounds. --threads T > 1 also times both engines
# with T threads on one inference and tinyforge's dataset throughput on T
# threads against one.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=3
seconds=2
threads=1
per_op=1
tinyforge=build/apps/tinyforge
baseline=
# The corpus: $TINYFORGE_SHARED_DIR, else the build's, else ../shared.
shared=${TINYFORGE_SHARED_DIR:-$(sed -n 's/^TINYFORGE_SHARED_DIR:[A-Z]*=//p' build/CMakeCache.txt 2>/dev/null)}
shared=${shared:-$(pwd)/../shared}
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --tinyforge) tinyforge=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --no-per-op) per_op=0; shift ;;
    *) echo "usage: $0 [--rounds N] [--seconds S] [--threads T] [--tinyforge BIN] [--baseline BIN] [--no-per-op]" >&2
       exit 2 ;;
  esac
done
xnn=$shared/peers/xnnpack/xnn_bench_latest
for f in "$tinyforge" "$xnn" ${baseline:+"$baseline"}; do
  [ -x "$f" ] || { echo "$0: $f is missing or not executable" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
macs=300.77

# label | xnnpack model | tinyforge model
pairs=(
  "MobileNetV2 int8 (synthetic)|qc8-mobilenet-v2|synthetic:mobilenet_v2"
  "MobileNetV2 int8 (PyTorch-like)|qc8-mobilenet-v2|synthetic:mobilenet_v2_pt"
  "MobileNetV2 float (synthetic)|fp32-mobilenet-v2|synthetic:mobilenet_v2_float"
  "MobileNetV2 float (PyTorch-like)|fp32-mobilenet-v2|synthetic:mobilenet_v2_pt_float"
)
person=$shared/models/person_detect.tflite

# An older binary may not know synthetic:NAME or --fast-only: it gets the
# models as files, written by the binary under test, and times both kernel
# sets (only its fast line is read).
tf_model() {  # binary model -> the argument to pass
  local bin=$1 model=$2
  if [ "$bin" = "$tinyforge" ] || [[ $model != synthetic:* ]]; then echo "$model"; return; fi
  local file=$work/${model#synthetic:}.tflite
  [ -f "$file" ] || "$tinyforge" bench "$model" --fast-only --seconds 0.01 --save "$file" >/dev/null
  echo "$file"
}
tf_min_ms() {  # binary model threads -> min ms of the fast kernels
  local bin=$1 model extra=()
  model=$(tf_model "$1" "$2")
  [ "$bin" = "$tinyforge" ] && extra=(--fast-only --threads "$3")
  # The row "fast" is one thread's; "fast xT" the split inference's (a
  # binary given --threads T > 1 prints both).
  "$bin" bench "$model" --seconds "$seconds" "${extra[@]}" |
    awk -v t="$3" '$1 == "fast" && ((t == 1 && $2 ~ /^[0-9.]+$/) || $2 == "x" t) { printf "%.3f\n", $(NF - 3) / 1000; exit }'
}
xnn_min_ms() {  # model threads -> min ms
  "$xnn" "$1" --seconds "$seconds" --threads "$2" | sed -n 's/.*min_ms=\([0-9.]*\).*/\1/p'
}
keep_min() {  # key value: remember the smaller value per key
  local file=$work/min.$1
  if [ ! -f "$file" ] || awk -v a="$2" -v b="$(cat "$file")" 'BEGIN { exit !(a < b) }'; then echo "$2" >"$file"; fi
}
get_min() { cat "$work/min.$1" 2>/dev/null || echo nan; }

echo "xnnpack_compare: $rounds rounds, ${seconds}s per measurement, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "tinyforge: $tinyforge ($("$tinyforge" bench synthetic:mobilenet_v2_tiny --fast-only --seconds 0.01 | sed -n 's/.*cpu kernels: //p'))"
echo "load average before: $(loadavg)"
thread_counts=(1)
[ "$threads" -gt 1 ] && thread_counts+=("$threads")
for ((r = 1; r <= rounds; ++r)); do
  for t in "${thread_counts[@]}"; do
    for i in "${!pairs[@]}"; do
      IFS='|' read -r _ xmodel tmodel <<<"${pairs[$i]}"
      keep_min "xnn.$i.$t" "$(xnn_min_ms "$xmodel" "$t")"
      keep_min "tf.$i.$t" "$(tf_min_ms "$tinyforge" "$tmodel" "$t")"
      [ -n "$baseline" ] && [ "$t" = 1 ] && keep_min "base.$i" "$(tf_min_ms "$baseline" "$tmodel" 1)"
    done
    if [ -f "$person" ]; then
      keep_min "tf.person.$t" "$(tf_min_ms "$tinyforge" "$person" "$t")"
      [ -n "$baseline" ] && [ "$t" = 1 ] && keep_min base.person "$(tf_min_ms "$baseline" "$person" 1)"
    fi
  done
  echo "round $r/$rounds done, load average $(loadavg)"
done

for t in "${thread_counts[@]}"; do
  echo
  echo "== minimum ms per inference, $t thread(s) on one inference =="
  printf "%-34s %10s %12s %7s %13s %13s" model "XNNPACK" "tinyforge" "ratio" "XNN GMAC/s" "tf GMAC/s"
  [ -n "$baseline" ] && [ "$t" = 1 ] && printf " %12s %7s" "baseline" "speedup"
  echo
  for i in "${!pairs[@]}"; do
    IFS='|' read -r label _ _ <<<"${pairs[$i]}"
    x=$(get_min "xnn.$i.$t") f=$(get_min "tf.$i.$t")
    awk -v l="$label" -v x="$x" -v f="$f" -v m="$macs" \
      'BEGIN { printf "%-34s %10.3f %12.3f %6.2fx %13.1f %13.1f", l, x, f, f / x, m / x, m / f }'
    [ -n "$baseline" ] && [ "$t" = 1 ] && awk -v b="$(get_min "base.$i")" -v f="$f" 'BEGIN { printf " %12.3f %6.2fx", b, b / f }'
    echo
  done
  if [ -f "$person" ]; then
    printf "%-34s %10s %12.3f" "person_detect int8" "-" "$(get_min "tf.person.$t")"
    [ -n "$baseline" ] && [ "$t" = 1 ] && printf " %7s %13s %13s %12.3f" "" "" "" "$(get_min base.person)"
    echo
  fi
done

if [ "$threads" -gt 1 ]; then
  echo
  echo "== dataset throughput (tinyforge bench --threads $threads) =="
  for m in synthetic:mobilenet_v2 synthetic:mobilenet_v2_float ${person:+$person}; do
    [ -e "$m" ] || [[ $m == synthetic:* ]] || continue
    echo "$m: $("$tinyforge" bench "$m" --fast-only --seconds "$seconds" --threads "$threads" | grep 'dataset throughput')"
  done
  echo "load average: $(loadavg)"
fi

[ "$per_op" = 1 ] || exit 0
# Per-operator classes. XNNPACK names its operators by kind: its 1x1
# convolutions run as Fully Connected, the first 3x3 convolution as IGEMM.
xnn_classes() {
  awk '/^op / { name = ""; for (i = 5; i <= NF; ++i) name = name " " $i
         c = "other"
         if (name ~ /Fully Connected/ || name ~ /\) GEMM/) c = "conv1x1+fc"
         else if (name ~ /DWConv/) c = "depthwise"
         else if (name ~ /IGEMM/) c = "conv"
         else if (name ~ /^ Add/) c = "add"
         else if (name ~ /Pad/) c = "pad"
         else if (name ~ /Transpose/) c = "transpose"
         else if (name ~ /Mean|Average Pooling/) c = "mean/pool"
         sum[c] += $3 }
       END { for (c in sum) print c, sum[c] }'
}
# tinyforge's profile lines: "INDEX NAME CLASS TIME us" (a binary older than
# the classes prints "INDEX NAME TIME us": the class is taken from the
# binary under test's profile of the same model, the operators being the
# same).
tf_profile() {  # binary model -> "INDEX CLASS US" per operator
  local bin=$1 model=$2 map=$work/classes.${2//[^a-zA-Z0-9]/_}
  if [ "$bin" = "$tinyforge" ]; then
    "$bin" bench "$model" --fast-only --seconds "$seconds" --profile | awk '$5 == "us" { print $1, $3, $4 }' |
      tee "$map.tmp"
    awk '{ print $1, $2 }' "$map.tmp" >"$map"
  else
    "$bin" bench "$(tf_model "$bin" "$model")" --seconds "$seconds" --profile |
      awk -v map="$map" 'BEGIN { while ((getline line < map) > 0) { split(line, f, " "); c[f[1]] = f[2] } }
                         $5 == "us" { print $1, $3, $4; next }
                         $NF == "us" && NF == 4 { print $1, c[$1], $3 }'
  fi
}
sum_classes() { awk '{ sum[$2] += $3 } END { for (c in sum) print c, sum[c] }'; }

echo
echo "== per operator class: sum of each operator's minimum, us (load average $(loadavg)) =="
columns=()
for group in "0 1|qc8-mobilenet-v2|int8" "2 3|fp32-mobilenet-v2|float"; do
  IFS='|' read -r indices xmodel kind <<<"$group"
  "$xnn" "$xmodel" --seconds "$seconds" --per-op | xnn_classes >"$work/xnn.$kind"
  columns+=("XNNPACK $kind|$work/xnn.$kind")
  for i in $indices; do
    IFS='|' read -r label _ tmodel <<<"${pairs[$i]}"
    short=$([[ $tmodel == *_pt* ]] && echo "$kind PT" || echo "$kind")
    tf_profile "$tinyforge" "$tmodel" | sum_classes >"$work/tf.$i"
    columns+=("tf $short|$work/tf.$i")
    if [ -n "$baseline" ]; then
      tf_profile "$baseline" "$tmodel" | sum_classes >"$work/base.$i"
      columns+=("before $short|$work/base.$i")
    fi
  done
done
printf "%-12s" class
for c in "${columns[@]}"; do printf " %14s" "${c%%|*}"; done
echo
for class in conv1x1+fc depthwise conv add pad transpose mean/pool other total; do
  printf "%-12s" "$class"
  for c in "${columns[@]}"; do
    awk -v c="$class" '{ total += $2 } $1 == c { v = $2 }
      END { if (c == "total") v = total; if (v == "") printf " %14s", "-"; else printf " %14.0f", v }' "${c#*|}"
  done
  echo
done
echo "(conv: the first 3x3 convolution; other: SOFTMAX, RESHAPE, XNNPACK's Convert and Clamp)"
echo "load average after: $(loadavg)"
