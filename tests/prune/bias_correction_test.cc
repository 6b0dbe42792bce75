// --bias-correct: after correction, the mean pre-activation output of each
// channel of a pruned layer over the calibration digits equals the unpruned
// model's. The means are computed here directly: FULLY_CONNECTED as W * x + b
// on the inputs the interpreter fed it, CONV_2D by a naive zero-padded
// convolution of the input digits. With --channels, the readers of removed
// channels keep their mean output the same way.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "libconvert/interp/interpreter.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "prune/pruner.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge::prune {
namespace {

using testing::ModelPath;

std::vector<DatasetView> Views(const Model& model, ModelInputArrays& arrays, const NpyArray& images) {
  arrays.arrays = {ConvertModelInput(model, 0, images, "calib", false)};
  arrays.names = {"calib"};
  return ViewModelInputs(model, arrays);
}

// Mean over samples of W * x + b for FULLY_CONNECTED operator `index` of
// conv_fc_mnist, x being what the interpreter gives it (b = 0 when absent).
std::vector<double> FcPreActivationMeans(const Model& m, size_t index, const NpyArray& images, size_t samples) {
  const auto& op = *m.subgraph(0).operators[index];
  const tflite::TensorT& wt = m.tensor(0, op.inputs[1]);
  const Span<const float> w = m.ConstantValues<float>(wt);
  const auto outs = static_cast<size_t>(wt.shape[0]), ins = static_cast<size_t>(wt.shape[1]);
  interp::Interpreter in(m);
  in.Prepare();
  std::vector<double> mean_x(ins, 0.0);
  for (size_t s = 0; s < samples; ++s) {
    std::memcpy(in.input(0).data, images.View<float>().data() + s * 784, 784 * sizeof(float));
    in.Invoke();
    const float* x = in.tensor(op.inputs[0]).Data<float>();
    for (size_t i = 0; i < ins; ++i) mean_x[i] += x[i];
  }
  std::vector<double> out(outs, 0.0);
  for (size_t c = 0; c < outs; ++c) {
    for (size_t i = 0; i < ins; ++i) out[c] += static_cast<double>(w[c * ins + i]) * mean_x[i] / samples;
    if (op.inputs.size() > 2 && op.inputs[2] >= 0) out[c] += m.ConstantValues<float>(m.tensor(0, op.inputs[2]))[c];
  }
  return out;
}

// Mean over samples and positions of the 3x3 SAME convolution (stride 1,
// zero padding) of the digits, plus the bias: CONV_2D operator 0.
std::vector<double> ConvPreActivationMeans(const Model& m, const NpyArray& images, size_t samples) {
  const auto& op = *m.subgraph(0).operators[0];
  const Span<const float> w = m.ConstantValues<float>(m.tensor(0, op.inputs[1]));  // [8,3,3,1]
  const Span<const float> b = m.ConstantValues<float>(m.tensor(0, op.inputs[2]));
  const float* px = images.View<float>().data();
  std::vector<double> out(8, 0.0);
  for (size_t s = 0; s < samples; ++s) {
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) {
        for (int c = 0; c < 8; ++c) {
          double acc = b[static_cast<size_t>(c)];
          for (int ky = 0; ky < 3; ++ky) {
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = y + ky - 1, ix = x + kx - 1;
              if (iy < 0 || iy >= 28 || ix < 0 || ix >= 28) continue;
              acc += static_cast<double>(w[static_cast<size_t>(c * 9 + ky * 3 + kx)]) * px[s * 784 + iy * 28 + ix];
            }
          }
          out[static_cast<size_t>(c)] += acc;
        }
      }
    }
  }
  for (double& v : out) v /= static_cast<double>(samples) * 784;
  return out;
}

double MaxDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

TEST(BiasCorrection, MeanOutputPerChannelMatchesTheUnprunedModel) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  constexpr size_t kSamples = 200;
  const NpyArray images = testing::MnistImagesF32("calib_images.npy", kSamples);
  ModelInputArrays arrays;
  PruneOptions o;
  o.sparsity = 0.8;
  o.min_params = 0;  // the conv layer too, so FC1's input changes as well
  o.threads = 2;
  const PruneResult plain = PruneModel(model, o);
  o.bias_calibration = Views(model, arrays, images);
  const PruneResult corrected = PruneModel(model, o);
  EXPECT_TRUE(corrected.report.bias_corrected);

  const std::vector<double> conv0 = ConvPreActivationMeans(model, images, kSamples);
  EXPECT_GT(MaxDiff(conv0, ConvPreActivationMeans(plain.model, images, kSamples)), 1e-3);
  EXPECT_LT(MaxDiff(conv0, ConvPreActivationMeans(corrected.model, images, kSamples)), 1e-5);

  const std::vector<double> fc0 = FcPreActivationMeans(model, 3, images, kSamples);
  EXPECT_GT(MaxDiff(fc0, FcPreActivationMeans(plain.model, 3, images, kSamples)), 1e-2);
  EXPECT_LT(MaxDiff(fc0, FcPreActivationMeans(corrected.model, 3, images, kSamples)), 1e-4);

  // FC2 has no bias: it is listed as skipped by bias correction.
  bool listed = false;
  for (const SkippedLayer& s : corrected.report.skipped) {
    listed = listed || (s.stage == "bias-correct" && s.op_index == 4 && s.reason.find("bias") != std::string::npos);
  }
  EXPECT_TRUE(listed);
  // The result does not depend on the thread count.
  o.threads = 1;
  EXPECT_EQ(SerializeModel(PruneModel(model, o).model), SerializeModel(corrected.model));
}

TEST(BiasCorrection, RemovedChannelsAreFoldedIntoTheReaderByTheirMeasuredMean) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  constexpr size_t kSamples = 200;
  const NpyArray images = testing::MnistImagesF32("calib_images.npy", kSamples);
  ModelInputArrays arrays;
  PruneOptions o;
  o.channels = 0.25;  // FC1 loses 8 of its 32 outputs; FC2 reads them
  o.bias_calibration = Views(model, arrays, images);
  const PruneResult r = PruneModel(model, o);
  // FC2's mean output (its logits) over the calibration digits is kept.
  EXPECT_LT(MaxDiff(FcPreActivationMeans(model, 4, images, kSamples), FcPreActivationMeans(r.model, 4, images, kSamples)),
            1e-4);
}

}  // namespace
}  // namespace tinyforge::prune
