#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time at the lowest CPU priority; fails on any crash, sanitizer
# report, broken promise (fuzz_entry.h), timeout or memory blow-up.
#
#   scripts/fuzz.sh [--seconds N] [--model-seconds N] [--runs N] [--model-runs N] [--seed S]
#                   [--work DIR] [--build DIR] [TARGET...]
#
# TARGET: model npy image calibration reverse (default: all). --seconds is
# each target's time (default 25), --model-seconds the model target's
# (default: 2 x --seconds). --runs / --model-runs also stop a target after
# N inputs, and --seed fixes libFuzzer's random seed: with both, runs stay
# close to one another (CI's, checked clean before each landing; the model
# target's coverage still varies a little between runs, so its path drifts).
# Corpora and crash inputs go under --work (default
# a fresh temporary folder, removed afterwards unless something was found);
# keep a corpus across runs by passing the same --work. A crash input to keep
# goes to tests/fuzz/regressions/<target>/ (fuzz_tests replays it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=25
model_seconds=""
runs=0
model_runs=0
seed=0
work=""
build=build-fuzz
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --model-seconds) model_seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --model-runs) model_runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
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
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
build_start=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$build" -DTINYFORGE_FUZZ=ON -DTINYFORGE_SHARED_DIR="$shared" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DTINYFORGE_PCH=OFF \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
nice -n 19 cmake --build "$build" -j "$jobs" --target fuzzers
build_seconds=$(($(date +%s) - build_start))

seeds=$work/seeds
rm -rf "$seeds"
"$build/tests/make_fuzz_seeds" "$seeds"
# The small real models of the corpus (per-input time stays in milliseconds).
if [ -d "$shared/models" ]; then
  find "$shared/models" -maxdepth 1 -name '*.tflite' -size -24k -exec cp {} "$seeds/model/" \;
fi

# The figure of libFuzzer's last status line ("#N DONE cov: C ft: F corp: U/S ...").
status_field() { sed -n "s|.* $1: \([^ ]*\).*|\1|p" <<<"$2"; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
rows=()
for t in "${targets[@]}"; do
  secs=$seconds
  limit=$runs
  [ "$t" = model ] && secs=$model_seconds && limit=$model_runs
  bounds=(-max_total_time="$secs")
  [ "$limit" -gt 0 ] && bounds+=(-runs="$limit")
  [ "$seed" -gt 0 ] && bounds+=(-seed="$seed")
  corpus=$work/corpus/$t
  artifacts=$work/artifacts/$t
  log=$work/$t.log
  mkdir -p "$corpus" "$artifacts"
  regressions=()
  [ -d "tests/fuzz/regressions/$t" ] && regressions=("tests/fuzz/regressions/$t")
  echo "== fuzz $t for ${secs}s ==" >&2
  result=ok
  started=$(date +%s)
  if ! nice -n 19 "$build/tests/${t}_fuzzer" "${bounds[@]}" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "$seeds/$t" "${regressions[@]}" >"$log" 2>&1; then
    result=FOUND
    status=1
    input=$(sed -n 's/.*Test unit written to //p' "$log" | head -1)
    {
      echo "fuzz.sh: ${t}_fuzzer found a problem."
      echo "  input: ${input:-(none written; see the log)}"
      echo "  log:   $log"
      echo "  replay: $build/tests/${t}_fuzzer ${input:-INPUT}"
      echo "  keep it minimized: $build/tests/${t}_fuzzer -minimize_crash=1 -runs=10000 \\"
      echo "      -exact_artifact_path=tests/fuzz/regressions/$t/WHAT-IT-FOUND ${input:-INPUT}"
      grep -E "runtime error|ERROR:|broken promise|SUMMARY:" "$log" | head -6 | sed 's/^/  | /'
      # CI keeps no files: the input itself, when small enough to print.
      if [ -n "$input" ] && [ -f "$input" ] && [ "$(stat -c %s "$input")" -le 32768 ]; then
        echo "  input as base64 (base64 -d > input):"
        base64 -w 0 "$input"
        echo
      fi
    } >&2
  fi
  elapsed=$(($(date +%s) - started))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -1 || true)
  files=$(find "$corpus" -type f | wc -l)
  rows+=("$(printf '%-12s %-6s %5s %11s %7s %7s %7s %16s %7s' "$t" "$result" "$elapsed" "${execs:-?}" \
    "$(status_field exec/s "$last")" "$(status_field cov "$last")" "$(status_field ft "$last")" \
    "$(status_field corp "$last")" "$files")")
done

{
  kept="corpora in $work/corpus"
  [ $status -eq 0 ] && [ -n "$temporary" ] && kept="corpora discarded (no --work)"
  echo "== fuzz summary: build ${build_seconds}s (load average before it: $load), $kept =="
  printf '%-12s %-6s %5s %11s %7s %7s %7s %16s %7s\n' target result secs executions exec/s cov ft \
    "corpus units/sz" files
  printf '%s\n' "${rows[@]}"
} >&2
if [ $status -eq 0 ] && [ -n "$temporary" ]; then rm -rf "$temporary"; fi
exit $status
