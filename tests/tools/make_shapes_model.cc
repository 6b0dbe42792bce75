// Makes the bundled demo model and its data (testdata/shapes/): a small float
// classifier of 8x8 line drawings, trained here from scratch so the project
// ships a real, working float model without TensorFlow or borrowed files.
//
//   make_shapes_model OUT_DIR
//
// writes shapes_float.tflite, calib.npy (float32 [128,8,8,1]), eval.npy
// (float32 [512,8,8,1]) and eval_labels.npy (uint8 [512]). The classes are
// 0 horizontal line, 1 vertical line, 2 diagonal "\", 3 diagonal "/", each
// drawn at a random place and brightness over uniform noise. The model is
// RESHAPE -> FULLY_CONNECTED(64->32, RELU) -> FULLY_CONNECTED(32->4) ->
// SOFTMAX, trained by full-batch gradient descent on cross-entropy.
//
// Everything is deterministic: mt19937 (whose output the standard fixes)
// with our own conversion to floats, double arithmetic, one thread, so the
// same bytes come out on every run; a test checks that against the
// committed files.
#include <cmath>
#include <cstdio>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"

namespace tinyforge {
namespace {

constexpr int kSide = 8;
constexpr int kPixels = kSide * kSide;
constexpr int kHidden = 32;
constexpr int kClasses = 4;

// Uniform in [0, 1) from the raw generator output (std::uniform_real_distribution
// is free to differ between standard libraries).
double Uniform(std::mt19937& rng) { return static_cast<double>(rng()) / 4294967296.0; }
int UniformInt(std::mt19937& rng, int n) { return static_cast<int>(Uniform(rng) * n); }

struct Dataset {
  std::vector<float> images;  // [n, 8, 8]
  std::vector<uint8_t> labels;
};

Dataset MakeDataset(std::mt19937& rng, int n) {
  Dataset d;
  d.images.resize(static_cast<size_t>(n) * kPixels);
  d.labels.resize(static_cast<size_t>(n));
  for (int s = 0; s < n; ++s) {
    float* img = &d.images[static_cast<size_t>(s) * kPixels];
    for (int p = 0; p < kPixels; ++p) img[p] = static_cast<float>(0.5 * Uniform(rng));
    const int label = s % kClasses;
    const float ink = static_cast<float>(0.6 + 0.4 * Uniform(rng));
    const int offset = UniformInt(rng, kSide);
    const int length = 4 + UniformInt(rng, 5);  // 4..8 pixels
    const int start = UniformInt(rng, kSide - length + 1);
    for (int k = start; k < start + length; ++k) {
      int row = 0, col = 0;
      switch (label) {
        case 0: row = offset; col = k; break;
        case 1: row = k; col = offset; break;
        case 2: row = k; col = k; break;
        default: row = k; col = kSide - 1 - k; break;
      }
      img[row * kSide + col] = ink;
    }
    d.labels[static_cast<size_t>(s)] = static_cast<uint8_t>(label);
  }
  return d;
}

struct Weights {
  std::vector<double> w1 = std::vector<double>(kHidden * kPixels);  // [out, in] as TFLite stores FC weights
  std::vector<double> b1 = std::vector<double>(kHidden);
  std::vector<double> w2 = std::vector<double>(kClasses * kHidden);
  std::vector<double> b2 = std::vector<double>(kClasses);
};

// Forward pass of one image: hidden activations and class probabilities.
void Forward(const Weights& m, const float* x, double* hidden, double* probs) {
  for (int j = 0; j < kHidden; ++j) {
    double a = m.b1[j];
    for (int i = 0; i < kPixels; ++i) a += m.w1[j * kPixels + i] * x[i];
    hidden[j] = a > 0 ? a : 0;
  }
  double mx = -1e300;
  for (int c = 0; c < kClasses; ++c) {
    double z = m.b2[c];
    for (int j = 0; j < kHidden; ++j) z += m.w2[c * kHidden + j] * hidden[j];
    probs[c] = z;
    mx = std::max(mx, z);
  }
  double sum = 0;
  for (int c = 0; c < kClasses; ++c) sum += (probs[c] = std::exp(probs[c] - mx));
  for (int c = 0; c < kClasses; ++c) probs[c] /= sum;
}

Weights Train(const Dataset& d, std::mt19937& rng) {
  Weights m;
  // He-style initialization scaled from uniform noise.
  for (double& w : m.w1) w = (Uniform(rng) - 0.5) * 2 * std::sqrt(6.0 / kPixels);
  for (double& w : m.w2) w = (Uniform(rng) - 0.5) * 2 * std::sqrt(6.0 / kHidden);
  const int n = static_cast<int>(d.labels.size());
  const double rate = 0.5;
  for (int epoch = 0; epoch < 300; ++epoch) {
    Weights g;
    double hidden[kHidden], probs[kClasses];
    for (int s = 0; s < n; ++s) {
      const float* x = &d.images[static_cast<size_t>(s) * kPixels];
      Forward(m, x, hidden, probs);
      double dz[kClasses];
      for (int c = 0; c < kClasses; ++c) dz[c] = probs[c] - (c == d.labels[static_cast<size_t>(s)] ? 1 : 0);
      for (int c = 0; c < kClasses; ++c) {
        g.b2[c] += dz[c];
        for (int j = 0; j < kHidden; ++j) g.w2[c * kHidden + j] += dz[c] * hidden[j];
      }
      for (int j = 0; j < kHidden; ++j) {
        if (hidden[j] <= 0) continue;
        double dh = 0;
        for (int c = 0; c < kClasses; ++c) dh += dz[c] * m.w2[c * kHidden + j];
        g.b1[j] += dh;
        for (int i = 0; i < kPixels; ++i) g.w1[j * kPixels + i] += dh * x[i];
      }
    }
    auto step = [&](std::vector<double>& w, const std::vector<double>& grad) {
      for (size_t k = 0; k < w.size(); ++k) w[k] -= rate * grad[k] / n;
    };
    step(m.w1, g.w1);
    step(m.b1, g.b1);
    step(m.w2, g.w2);
    step(m.b2, g.b2);
  }
  return m;
}

std::vector<float> ToFloat(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

Model BuildModel(const Weights& m) {
  ModelBuilder b;
  const auto f32 = tflite::TensorType_FLOAT32;
  const int input = b.AddTensor("image", f32, {1, kSide, kSide, 1});
  const int shape = b.AddConstant<int32_t>("flatten/shape", {2}, {1, kPixels});
  const int flat = b.AddTensor("flatten", f32, {1, kPixels});
  const int w1 = b.AddConstant<float>("dense/weights", {kHidden, kPixels}, ToFloat(m.w1));
  const int b1 = b.AddConstant<float>("dense/bias", {kHidden}, ToFloat(m.b1));
  const int hidden = b.AddTensor("dense/relu", f32, {1, kHidden});
  const int w2 = b.AddConstant<float>("logits/weights", {kClasses, kHidden}, ToFloat(m.w2));
  const int b2 = b.AddConstant<float>("logits/bias", {kClasses}, ToFloat(m.b2));
  const int logits = b.AddTensor("logits", f32, {1, kClasses});
  const int probs = b.AddTensor("probabilities", f32, {1, kClasses});

  tflite::ReshapeOptionsT reshape;
  reshape.new_shape = {1, kPixels};
  b.AddOperator(tflite::BuiltinOperator_RESHAPE, {input, shape}, {flat}, reshape);
  tflite::FullyConnectedOptionsT relu;
  relu.fused_activation_function = tflite::ActivationFunctionType_RELU;
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {flat, w1, b1}, {hidden}, relu);
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {hidden, w2, b2}, {logits}, tflite::FullyConnectedOptionsT());
  tflite::SoftmaxOptionsT softmax;
  softmax.beta = 1.0f;
  b.AddOperator(tflite::BuiltinOperator_SOFTMAX, {logits}, {probs}, softmax);
  b.SetInputs({input});
  b.SetOutputs({probs});
  Model model = b.Build("shapes_float.tflite");
  model.raw().description = "tinyforge demo: 8x8 line drawings (horizontal, vertical, \\, /), trained by tests/tools/make_shapes_model";
  return model;
}

NpyArray Images(const Dataset& d) {
  NpyArray a = NpyArray::Zeros(DType::kFloat32, {static_cast<int64_t>(d.labels.size()), kSide, kSide, 1});
  std::copy(d.images.begin(), d.images.end(), a.MutableView<float>().begin());
  return a;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_shapes_model OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::mt19937 rng(20261122);
  const Dataset train = MakeDataset(rng, 1024);
  const Dataset calib = MakeDataset(rng, 128);
  const Dataset eval = MakeDataset(rng, 512);
  const Weights weights = Train(train, rng);

  int correct = 0;
  double hidden[kHidden], probs[kClasses];
  for (size_t s = 0; s < eval.labels.size(); ++s) {
    Forward(weights, &eval.images[s * kPixels], hidden, probs);
    int best = 0;
    for (int c = 1; c < kClasses; ++c) best = probs[c] > probs[best] ? c : best;
    correct += best == eval.labels[s] ? 1 : 0;
  }

  SaveModel(BuildModel(weights), dir + "/shapes_float.tflite", SaveOptions{});
  WriteNpy(dir + "/calib.npy", Images(calib));
  WriteNpy(dir + "/eval.npy", Images(eval));
  NpyArray labels = NpyArray::Zeros(DType::kUInt8, {static_cast<int64_t>(eval.labels.size())});
  std::copy(eval.labels.begin(), eval.labels.end(), labels.MutableView<uint8_t>().begin());
  WriteNpy(dir + "/eval_labels.npy", labels);
  std::printf("trained: %d of %zu eval drawings right (double precision)\n", correct, eval.labels.size());
  return 0;
}

}  // namespace
}  // namespace tinyforge

int main(int argc, char** argv) {
  try {
    return tinyforge::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_shapes_model: %s\n", e.what());
    return 2;
  }
}
