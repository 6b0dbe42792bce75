#!/bin/bash
# Measures TFLM's instructions per inference on the emulated Cortex-M4
# (../shared/tflm-m4, reference kernels, QEMU -icount: exact counts) for every
# model of ../shared/golden, on its golden inputs. Prints "model<TAB>insns",
# the table tests/tools/fit_m4_cost.cc fits libconvert/tflm/latency_data.inc
# from:
#   scripts/measure_m4_insns.sh [SHARED_DIR] > m4_insns.tsv
#   build/tests/fit_m4_cost m4_insns.tsv SHARED_DIR/models > libconvert/tflm/latency_data.inc
# One run takes 0.1-3 s (person_detect, 526 M instructions, the longest).
# EXTRA_DIR (optional): more models, X.tflite with inputs X_input_K.npy, as
# `fit_m4_cost --write-synthetic EXTRA_DIR` writes them:
#   scripts/measure_m4_insns.sh SHARED_DIR EXTRA_DIR > m4_insns.tsv
#   build/tests/fit_m4_cost m4_insns.tsv SHARED_DIR/models:EXTRA_DIR HELD_OUT,... > latency_data.inc
set -uo pipefail
shared=${1:-${TINYFORGE_SHARED_DIR:-/work/shared}}
extra=${2:-}
run=$shared/tflm-m4/tflm_run_m4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# measure NAME MODEL INPUT...: prints "NAME<TAB>instructions of the first Invoke".
measure() {
  local name=$1 model=$2
  shift 2
  rm -f "$out/tflm.json"
  if TFLM_M4_ICOUNT=0 nice -n 10 "$run" "$model" "$out" "$@" > /dev/null 2>&1; then
    printf '%s\t%s\n' "$name" "$(grep -o '"invoke_insns": *\[[0-9]*' "$out/tflm.json" | grep -o '[0-9]*$')"
  else
    echo "$name: tflm_run_m4 failed" >&2
  fi
}
for dir in "$shared"/golden/*/; do
  name=$(basename "$dir")
  model=$shared/models/$name.tflite
  [[ -f $model ]] || continue
  inputs=()
  for ((i = 0; ; i++)); do
    [[ -f $dir/input_$i.npy ]] || break
    inputs+=("$dir/input_$i.npy")
  done
  measure "$name" "$model" "${inputs[@]}"
done
[[ -n $extra ]] || exit 0
for model in "$extra"/*.tflite; do
  name=$(basename "$model" .tflite)
  measure "$name" "$model" "$extra/${name}"_input_*.npy
done
