#!/usr/bin/env bash
# The main job end to end on the default model: inspect it, run it on real
# data, and emit the C++ sources firmware compiles in. Artifacts go to
# demo-out/ (or $1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

out=${1:-demo-out}
shared=${TINYFORGE_SHARED_DIR:-$(pwd)/../shared}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTINYFORGE_SHARED_DIR="$shared" >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target tinyforge
tf=build/apps/tinyforge
mkdir -p "$out"

model="$shared/models/person_detect.tflite"
if [ ! -f "$model" ]; then
  echo "demo: the default model $model is missing (set TINYFORGE_SHARED_DIR)" >&2
  exit 2
fi

echo "== inspect =="
"$tf" inspect "$model"
"$tf" inspect "$model" --json > "$out/person_detect.json"

echo "== run on the two test images =="
"$tf" run "$model" --input "$shared/data/person/person_input_int8.npy" --output-dir "$out/person"
"$tf" run "$model" --input "$shared/data/person/no_person_input_int8.npy" --output-dir "$out/no_person"
echo "(scores are [no_person, person]; TFLM gives [-113, 113] and [57, -57])"

echo "== re-pack aligned and emit for firmware =="
"$tf" rewrite "$model" -o "$out/person_detect.tflite" --align
"$tf" emit "$out/person_detect.tflite" -o "$out/person_detect_model_data.cc" \
  --header "$out/person_detect_model_data.h" --resolver "$out/person_detect_ops.h"
ls -l "$out"
