#!/usr/bin/env bash
# The main job end to end on the bundled default model (testdata/shapes, a
# float classifier tinyforge trained itself): prune, quantize to int8,
# compare against the float model on held-out data with an accuracy budget,
# and emit the C++ sources firmware compiles in. Every artifact goes to
# demo-out/ (or $1); open demo-out/compare.html in a browser.
# With the shared corpus present (../shared), it also quantizes the real
# conv_fc_mnist and compares it with Google's own int8 version.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

out=${1:-demo-out}
shared=${TINYFORGE_SHARED_DIR:-$(pwd)/../shared}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTINYFORGE_SHARED_DIR="$shared" >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target tinyforge
tf=build/apps/tinyforge
data=testdata/shapes
rm -rf "$out"
mkdir -p "$out"

echo "== the model =="
"$tf" inspect "$data/shapes_float.tflite"

echo "== pipeline: prune 50% -> quantize int8 -> compare (budget 2 points) -> emit =="
"$tf" pipeline "$data/shapes_float.tflite" --calib "$data/calib.npy" \
  --data "$data/eval.npy" --labels "$data/eval_labels.npy" \
  --sparsity 0.5 --max-drop 2 --out-dir "$out"

if [ -f "$shared/models/conv_fc_mnist.tflite" ]; then
  echo "== the real thing: conv_fc_mnist, quantized here vs by Google's AI Edge Quantizer =="
  "$tf" quantize "$shared/models/conv_fc_mnist.tflite" -o "$out/conv_fc_mnist_int8.tflite" \
    --calib "$shared/data/mnist/calib_images_f32.npy" --report "$out/conv_fc_mnist_quantize.json"
  "$tf" compare "$shared/models/conv_fc_mnist_srq_a8w8.tflite" "$out/conv_fc_mnist_int8.tflite" \
    --data "$shared/data/mnist/eval_images_f32_first1000.npy" --html "$out/conv_fc_mnist_vs_google.html" || true
fi
echo "== artifacts in $out =="
ls -l "$out"
