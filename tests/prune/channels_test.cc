// --channels on conv_fc_mnist (CONV_2D -> AVERAGE_POOL_2D -> RESHAPE ->
// FULLY_CONNECTED -> FULLY_CONNECTED -> SOFTMAX): which channels go (the
// smallest L2 norms, computed here), that the readers lose exactly the
// matching columns, that the removed channels' constant output is folded
// into the reader's bias, and the target: a valid model at least
// 20% smaller, with fewer MACs, that runs and whose accuracy is measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "libconvert/compare/evaluate.h"
#include "libconvert/base/file_util.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/summary/model_summary.h"
#include "libconvert/model/verify.h"
#include "prune/pruner.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge::prune {
namespace {

using testing::ModelPath;

std::vector<float> Values(const Model& m, int tensor) {
  const Span<const float> v = m.ConstantValues<float>(m.tensor(0, tensor));
  return std::vector<float>(v.begin(), v.end());
}

// The `keep` rows of a row-major [rows, cols] matrix with the largest L2
// norms, in their original order (ties: the higher index is removed last).
std::vector<int> KeptRows(const std::vector<float>& w, int rows, int keep) {
  const size_t cols = w.size() / static_cast<size_t>(rows);
  std::vector<std::pair<double, int>> norms;
  for (int r = 0; r < rows; ++r) {
    double s = 0;
    for (size_t c = 0; c < cols; ++c) s += static_cast<double>(w[static_cast<size_t>(r) * cols + c]) * w[static_cast<size_t>(r) * cols + c];
    norms.push_back({std::sqrt(s), r});
  }
  std::sort(norms.begin(), norms.end());
  std::vector<int> kept;
  for (int i = rows - keep; i < rows; ++i) kept.push_back(norms[static_cast<size_t>(i)].second);
  std::sort(kept.begin(), kept.end());
  return kept;
}

TEST(PruneChannels, QuarterOfConvFcMnistIsSmallerFasterAndRuns) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  const auto& ops = model.subgraph(0).operators;
  const int conv_w = ops[0]->inputs[1], conv_b = ops[0]->inputs[2];
  const int fc1_w = ops[3]->inputs[1], fc1_b = ops[3]->inputs[2];
  const int fc2_w = ops[4]->inputs[1];
  PruneOptions o;
  o.channels = 0.25;
  o.min_params = 0;  // the conv layer (72 weights) too
  const PruneResult r = PruneModel(model, o);
  const Model& p = r.model;
  VerifyModel(p);

  // CONV_2D: 8 -> 6 channels, FC1: 32 -> 24 rows and 1568 -> 1176 columns,
  // FC2 (feeds SOFTMAX, the model output) keeps its 10 rows and loses the 8
  // columns of FC1's removed rows.
  const std::vector<int> conv_kept = KeptRows(Values(model, conv_w), 8, 6);
  const std::vector<int> fc1_kept = KeptRows(Values(model, fc1_w), 32, 24);
  EXPECT_EQ(p.tensor(0, conv_w).shape, (std::vector<int32_t>{6, 3, 3, 1}));
  EXPECT_EQ(p.tensor(0, fc1_w).shape, (std::vector<int32_t>{24, 1176}));
  EXPECT_EQ(p.tensor(0, fc2_w).shape, (std::vector<int32_t>{10, 24}));
  const std::vector<float> w0 = Values(model, fc1_w), w1 = Values(p, fc1_w);
  for (size_t i = 0; i < fc1_kept.size(); ++i) {
    // Row i of the result is original row fc1_kept[i] without the columns
    // of removed conv channels (column j holds conv channel j % 8).
    std::vector<float> expected;
    for (size_t j = 0; j < 1568; ++j) {
      if (std::binary_search(conv_kept.begin(), conv_kept.end(), static_cast<int>(j % 8))) {
        expected.push_back(w0[static_cast<size_t>(fc1_kept[i]) * 1568 + j]);
      }
    }
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), w1.begin() + static_cast<std::ptrdiff_t>(i * 1176)))
        << "row " << i;
  }
  // Biases follow their channels.
  const std::vector<float> b0 = Values(model, conv_b), b1 = Values(p, conv_b);
  for (size_t i = 0; i < conv_kept.size(); ++i) EXPECT_EQ(b1[i], b0[static_cast<size_t>(conv_kept[i])]);
  // FC2 had no bias: it now holds the removed FC1 channels' output with zero
  // weights, relu(bias), times FC2's weights for them.
  const int fc2_b = p.subgraph(0).operators[4]->inputs.at(2);
  ASSERT_GE(fc2_b, 0);
  const std::vector<float> fc1_bias = Values(model, fc1_b), w2 = Values(model, fc2_w), b2 = Values(p, fc2_b);
  for (size_t out = 0; out < 10; ++out) {
    double expected = 0;
    for (int c = 0; c < 32; ++c) {
      if (!std::binary_search(fc1_kept.begin(), fc1_kept.end(), c)) {
        expected += static_cast<double>(w2[out * 32 + static_cast<size_t>(c)]) * std::max(0.0f, fc1_bias[static_cast<size_t>(c)]);
      }
    }
    EXPECT_NEAR(b2[out], expected, 1e-5);
  }

  // The target (default --min-params: FC1 alone loses channels) and
  // the report.
  PruneOptions def;
  def.channels = 0.25;
  const PruneResult d = PruneModel(model, def);
  const int64_t file = static_cast<int64_t>(ReadFileBytes(ModelPath("conv_fc_mnist")).size());
  for (const PruneResult* res : {&r, &d}) {
    const int64_t bytes = static_cast<int64_t>(SerializeModel(res->model).size());
    EXPECT_LE(bytes, file * 8 / 10) << "not 20% smaller";
    EXPECT_LT(Summarize(res->model).macs, Summarize(model).macs);
    EXPECT_LT(res->report.after.parameters, res->report.before.parameters);
    EXPECT_EQ(res->report.after.file_bytes, bytes);
    // FC2 is listed: as too small by default, else as feeding SOFTMAX.
    const std::string why = res == &r ? "SOFTMAX" : "--min-params";
    bool fc2_listed = false;
    for (const SkippedLayer& s : res->report.skipped) {
      fc2_listed = fc2_listed || (s.op_index == 4 && s.reason.find(why) != std::string::npos);
    }
    EXPECT_TRUE(fc2_listed) << why;
  }
  // It runs, and is still a classifier (accuracy printed for the record).
  // 2000 digits keep the sanitizer build fast; `tinyforge prune --data`
  // reports the full set.
  const NpyArray images = testing::MnistImagesF32("eval_images.npy", 2000);
  const std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy", 2000);
  ModelInputArrays arrays;
  arrays.arrays.push_back(ConvertModelInput(d.model, 0, images, "eval", false));
  arrays.names.push_back("eval");
  const double top1 = EvaluateClassifier(d.model, ViewModelInputs(d.model, arrays), labels, 2).confusion.accuracy();
  std::printf("conv_fc_mnist --channels 0.25: %lld -> %lld bytes, top-1 %.2f%% on 2000 digits\n",
              static_cast<long long>(file), static_cast<long long>(d.report.after.file_bytes), 100 * top1);
  EXPECT_GT(top1, 0.5);
}

TEST(PruneChannels, Int8ModelStaysValidAndRuns) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist_srq_a8w8"));
  PruneOptions o;
  o.channels = 0.25;
  o.min_params = 0;
  const PruneResult r = PruneModel(model, o);
  const Model reloaded = ParseModel(SerializeModel(r.model).data(), SerializeModel(r.model).size(), "pruned");
  const auto& conv_w = reloaded.tensor(0, reloaded.subgraph(0).operators[0]->inputs[1]);
  EXPECT_EQ(conv_w.shape[0], 6);
  EXPECT_EQ(conv_w.quantization->scale.size(), 6u);  // per-channel scales follow their channels
  const NpyArray images = testing::MnistImagesF32("eval_images.npy", 500);
  ModelInputArrays arrays;
  arrays.arrays.push_back(ConvertModelInput(reloaded, 0, images, "eval", true));
  arrays.names.push_back("eval");
  const double top1 = EvaluateClassifier(reloaded, ViewModelInputs(reloaded, arrays),
                                         testing::MnistLabels("eval_labels.npy", 500), 2)
                          .confusion.accuracy();
  EXPECT_GT(top1, 0.5);
}

}  // namespace
}  // namespace tinyforge::prune
