#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time at the lowest CPU priority; fails on any crash, sanitizer
# report, broken promise (fuzz_entry.h), timeout or memory blow-up.
#
#   scripts/fuzz.sh [--seconds N] [--model-seconds N] [--work DIR] [--build DIR] [TARGET...]
#
# TARGET: model npy image calibration reverse (default: all). --seconds is
# each target's time (default 25), --model-seconds the model target's
# (default: 2 x --seconds). Corpora and crash inputs go under --work (default
# a fresh temporary folder, removed afterwards unless something was found);
# keep a corpus across runs by passing the same --work. A crash input to keep
# goes to tests/fuzz/regressions/<target>/ (fuzz_tests replays it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=25
model_seconds=""
work=""
build=build-fuzz
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --model-seconds) model_seconds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=(model npy image calibration reverse)
model_seconds=${model_seconds:-$((2 * seconds))}
shared=${TINYFORGE_SHARED_DIR:-$(pwd)/../shared}
jobs=$(nproc 2>/dev/null || echo 2)
temporary=""
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/tinyforge-fuzz.XXXXXX")
  temporary=$work
fi
work=$(cd "$work" 2>/dev/null && pwd || { mkdir -p "$work" && cd "$work" && pwd; })

# Only the fuzz targets and the seed writer; -O1 as the sanitizer suite, unity
# batches for compile time, line tables for readable stacks.
CC=clang CXX=clang++ cmake -S . -B "$build" -DTINYFORGE_FUZZ=ON -DTINYFORGE_SHARED_DIR="$shared" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DTINYFORGE_PCH=OFF \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
nice -n 19 cmake --build "$build" -j "$jobs" --target fuzzers

seeds=$work/seeds
rm -rf "$seeds"
"$build/tests/make_fuzz_seeds" "$seeds"
# The small real models of the corpus (per-input time stays in milliseconds).
if [ -d "$shared/models" ]; then
  find "$shared/models" -maxdepth 1 -name '*.tflite' -size -24k -exec cp {} "$seeds/model/" \;
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  secs=$seconds
  [ "$t" = model ] && secs=$model_seconds
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  regressions=()
  [ -d "tests/fuzz/regressions/$t" ] && regressions=("tests/fuzz/regressions/$t")
  echo "== fuzz $t for ${secs}s ==" >&2
  if ! nice -n 19 "$build/tests/${t}_fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "$seeds/$t" "${regressions[@]}" >"$work/$t.log" 2>&1; then
    echo "fuzz.sh: ${t}_fuzzer found a problem; its input is in $artifacts, the log in $work/$t.log:" >&2
    grep -E "ERROR|broken promise|SUMMARY" "$work/$t.log" | head -5 >&2 || true
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$work/$t.log" | tr '\n' ' ' >&2
  grep -E "^#[0-9]+.*(DONE|cov:)" "$work/$t.log" | tail -1 >&2 || true
done
if [ $status -eq 0 ] && [ -n "$temporary" ]; then rm -rf "$temporary"; fi
exit $status
