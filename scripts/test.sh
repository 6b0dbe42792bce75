#!/usr/bin/env bash
# Builds tinyforge and runs the whole test suite twice: a normal build, then
# one with AddressSanitizer + UndefinedBehaviorSanitizer; then the fuzz
# targets on a fixed, bounded sequence of inputs (scripts/fuzz.sh).
# The shared corpus is found at ../shared unless TINYFORGE_SHARED_DIR is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc 2>/dev/null || echo 2)
shared=${TINYFORGE_SHARED_DIR:-$(pwd)/../shared}
# In CI the corpus must be there: without it most corpus tests would skip
# and the run would still pass. (With CI set, tests that need the corpus
# also fail instead of skipping; see tests/test_util.h.)
if [ -n "${CI:-}" ] && [ ! -d "$shared/models" ]; then
  echo "test.sh: CI is set but the shared corpus is missing at $shared (set TINYFORGE_SHARED_DIR)" >&2
  exit 1
fi

# No debug info in either build: with the 1 MB generated schema header in
# most translation units it doubles compile time, and CI has 2 cores. Unity
# builds (up to 16 files of a target per compiler run) parse the schema,
# CLI11, nlohmann-json and GoogleTest once per batch instead of once per
# file: about half the compile time of a fresh build.
run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DTINYFORGE_SHARED_DIR="$shared" \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs")
}

echo "== tests =="
run_suite build -DCMAKE_BUILD_TYPE=Release
# A bound, not a timing: peak memory of `tinyforge run` must stay within
# model file + 2 x largest activation set + 30 MB.
echo "== peak memory of tinyforge run =="
models=(synthetic:mobilenet_v2)
for m in person_detect person_detect_float conv_fc_mnist_srq_a8w8; do
  [ -f "$shared/models/$m.tflite" ] && models+=("$shared/models/$m.tflite")
done
build/tests/run_memory_bench build/apps/tinyforge "${models[@]}" --max-ratio 1
echo "== tests under ASan + UBSan =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-san -DTINYFORGE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1
# The five libFuzzer targets (clang, ASan + UBSan; tests/fuzz/README.md),
# bounded: a fixed seed and a fixed number of inputs per target (10,000;
# the model target 30,000), runs of which came back clean here before the
# landing (four of the model target's). Not quite the same inputs each time:
# the model target's coverage differs a little between runs of one seed
# (cov 16,912 to 16,994 over four), so its path drifts; a slower machine
# stops at the time cap. Budget of this step: a fresh
# build of only the fuzzers in build-fuzz (about 5 minutes on 2 cores) plus
# about 3 minutes of runs. A crash, sanitizer report, broken promise,
# timeout or memory blow-up fails CI, printed with where the input is, how to
# replay it and the input itself as base64 (CI keeps no files); keep it in
# tests/fuzz/regressions/, which fuzz_tests replays in both suites above.
# Exploring new inputs is the long campaigns' job (tests/fuzz/README.md).
echo "== fuzz targets, bounded =="
scripts/fuzz.sh --seed 1 --runs 10000 --model-runs 30000 --seconds 60 --model-seconds 150
