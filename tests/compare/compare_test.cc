// CompareModels: accuracy against TFLM's numbers for the corpus's MNIST
// pair, output error against an independent computation, layer matching,
// thresholds, JSON, and the same result for any thread count.
#include "libconvert/compare/compare.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <set>

#include "libconvert/interp/batch.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::ModelPath;

// Loading and comparing the 9000 eval digits once for every test below.
struct MnistComparison {
  Model reference = LoadModel(ModelPath("conv_fc_mnist"));
  Model candidate = LoadModel(ModelPath("conv_fc_mnist_srq_a8w8"));
  NpyArray images = testing::MnistImagesF32("eval_images.npy");
  std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy");
  CompareResult result;

  MnistComparison() {
    CompareOptions options;
    options.threads = 2;
    options.layers = true;
    result = CompareModelsOnArrays(reference, candidate, {images}, {"eval_images"}, labels, options);
  }
};

// Two threads, the first `samples` samples.
CompareOptions Options(size_t samples, bool layers) {
  CompareOptions options;
  options.threads = 2;
  options.samples = samples;
  options.layers = layers;
  return options;
}

const MnistComparison& Mnist() {
  static const auto* comparison = new MnistComparison();
  return *comparison;
}

TEST(CompareTest, MnistAccuracyIsWhatTflmGives) {
  TF_REQUIRE_SHARED();
  const CompareResult& r = Mnist().result;
  ASSERT_EQ(r.samples, 9000u);
  ASSERT_TRUE(r.classifier.has_value());
  // ../shared/README.md: 96.67% (8700) float, 96.08% (8647) int8.
  EXPECT_EQ(r.classifier->reference.correct(), 8700u);
  EXPECT_EQ(r.classifier->candidate.correct(), 8647u);
  EXPECT_EQ(r.classifier->reference.total(), 9000u);
  EXPECT_NEAR(r.classifier->drop_points(), 100.0 * (8700 - 8647) / 9000.0, 1e-9);
  EXPECT_EQ(r.classifier->reference.classes(), 10u);
}

TEST(CompareTest, ThresholdsGiveOneLineEach) {
  TF_REQUIRE_SHARED();
  const CompareResult& r = Mnist().result;
  CompareThresholds t;
  t.max_drop_points = 0.5;
  std::vector<std::string> failed = CheckThresholds(r, t);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].find("--max-drop 0.5"), std::string::npos) << failed[0];
  t.max_drop_points = 1.0;
  EXPECT_TRUE(CheckThresholds(r, t).empty());

  t = {};
  t.min_agreement = 1.0;  // the int8 model disagrees on some digits
  t.min_cosine = 1.0;
  t.max_rmse = 0.0;
  failed = CheckThresholds(r, t);
  EXPECT_EQ(failed.size(), 3u);
  t = {};
  t.min_agreement = 0.9;
  t.min_cosine = 0.9;
  t.max_rmse = 0.1;
  EXPECT_TRUE(CheckThresholds(r, t).empty());
}

// Output error and agreement computed here from each model's outputs alone.
TEST(CompareTest, OutputErrorMatchesAnIndependentComputation) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  constexpr size_t kSamples = 300;
  ModelInputArrays ref_in, cand_in;
  NpyArray first = testing::MnistImagesF32("eval_images.npy", kSamples);
  ref_in.arrays.push_back(first);
  ref_in.names.push_back("first");
  cand_in.arrays.push_back(ConvertModelInput(m.candidate, 0, first, "first", true));
  cand_in.names.push_back("first");
  const NpyArray ref_out = interp::RunDataset(m.reference, ViewModelInputs(m.reference, ref_in), 2)[0];
  const NpyArray cand_out = interp::RunDataset(m.candidate, ViewModelInputs(m.candidate, cand_in), 2)[0];
  const auto rv = ref_out.View<float>();
  const auto cv = cand_out.View<int8_t>();
  // The output's quantization, from the model file: 1/256, -128.
  double max_abs = 0, sum_sq = 0;
  size_t agree = 0;
  for (size_t s = 0; s < kSamples; ++s) {
    size_t ra = 0, ca = 0;
    for (size_t i = 0; i < 10; ++i) {
      const double r = rv[s * 10 + i];
      const double c = (cv[s * 10 + i] + 128) / 256.0;
      max_abs = std::max(max_abs, std::fabs(c - r));
      sum_sq += (c - r) * (c - r);
      if (rv[s * 10 + i] > rv[s * 10 + ra]) ra = i;
      if (cv[s * 10 + i] > cv[s * 10 + ca]) ca = i;
    }
    agree += ra == ca;
  }
  CompareOptions options = Options(kSamples, false);
  const CompareResult r = CompareModelsOnArrays(m.reference, m.candidate, {m.images}, {"eval"}, {}, options);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.samples, kSamples);
  EXPECT_FALSE(r.classifier.has_value());
  EXPECT_NEAR(r.outputs[0].error.max_abs(), max_abs, 1e-6);
  EXPECT_NEAR(r.outputs[0].error.rmse(), std::sqrt(sum_sq / (kSamples * 10)), 1e-6);
  EXPECT_EQ(r.outputs[0].top1_agree, agree);
  EXPECT_EQ(r.outputs[0].error.count(), kSamples * 10);
  EXPECT_GT(r.outputs[0].error.cosine(), 0.9);
  EXPECT_TRUE(r.layers.empty());
}

TEST(CompareTest, LayerReportNamesEveryLayerRankedWorstFirst) {
  TF_REQUIRE_SHARED();
  const CompareResult& r = Mnist().result;
  // Six operators, each with one activation, all int8 in the candidate.
  ASSERT_EQ(r.layers.size(), 6u) << CompareToJson(r).dump(2);
  EXPECT_TRUE(r.unmatched_layers.empty());
  std::multiset<std::string> ops;
  for (const LayerComparison& l : r.layers) {
    ops.insert(l.op_name);
    EXPECT_FALSE(l.tensor_name.empty());
    EXPECT_FALSE(l.reference_tensor_name.empty());
    EXPECT_EQ(l.type, "int8");
    EXPECT_GT(l.scale, 0.0f);
    EXPECT_EQ(l.matched_by, "name");
    EXPECT_EQ(l.error.count() % 9000, 0u);
    // Every int8 activation carries at least its own rounding error (the
    // two files are separately trained models, so the layers differ by far
    // more: the report flags them).
    EXPECT_GT(l.rmse_steps(), 0.2) << l.tensor_name;
  }
  EXPECT_EQ(ops, (std::multiset<std::string>{"CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED",
                                             "FULLY_CONNECTED", "SOFTMAX"}));
  // Ranked by the error each layer adds by itself.
  for (size_t i = 1; i < r.layers.size(); ++i) {
    ASSERT_TRUE(r.layers[i].has_isolated) << r.layers[i].tensor_name;
    EXPECT_GE(r.layers[i - 1].isolated_rmse_steps(), r.layers[i].isolated_rmse_steps());
  }
}

TEST(CompareTest, ModelAgainstItselfHasNoError) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  CompareOptions options = Options(100, true);
  const CompareResult r = CompareModelsOnArrays(m.candidate, m.candidate, {m.images}, {"eval"}, m.labels, options);
  EXPECT_EQ(r.outputs[0].error.max_abs(), 0.0);
  EXPECT_EQ(r.outputs[0].error.cosine(), 1.0);
  EXPECT_EQ(r.outputs[0].top1_agree, 100u);
  EXPECT_EQ(r.classifier->drop_points(), 0.0);
  ASSERT_EQ(r.layers.size(), 6u);
  for (const LayerComparison& l : r.layers) {
    EXPECT_EQ(l.matched_by, "name");
    EXPECT_EQ(l.tensor, l.reference_tensor);
    EXPECT_EQ(l.error.max_abs(), 0.0);
    EXPECT_FALSE(l.unhealthy);
  }
  const nlohmann::ordered_json j = CompareToJson(r);
  EXPECT_EQ(j["schema"], "tinyforge.compare/2");
  EXPECT_TRUE(j["outputs"][0]["error"]["snr_db"].is_null());  // +inf
  EXPECT_EQ(j["accuracy"]["drop_points"], 0.0);
}

// Candidate tensors renamed: every activation is matched by its place in
// the graph instead.
TEST(CompareTest, LayersMatchByPositionWhenNamesDiffer) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  Model renamed = m.reference.Clone();
  for (auto& t : renamed.subgraph(0).tensors) t->name = "renamed_" + t->name;
  CompareOptions options = Options(20, true);
  const CompareResult r = CompareModelsOnArrays(m.reference, renamed, {m.images}, {"eval"}, {}, options);
  ASSERT_EQ(r.layers.size(), 6u);
  EXPECT_TRUE(r.unmatched_layers.empty());
  for (const LayerComparison& l : r.layers) {
    EXPECT_EQ(l.matched_by, "position") << l.tensor_name;
    EXPECT_EQ(l.tensor, l.reference_tensor);
    EXPECT_EQ(l.error.max_abs(), 0.0);
    EXPECT_EQ(l.type, "float32");
    EXPECT_TRUE(std::isnan(l.rmse_steps()));
  }
}

// Changing the last FULLY_CONNECTED's weights changes only that layer and
// the SOFTMAX after it (accumulated); only that layer adds error by itself
// (isolated), and it ranks first.
TEST(CompareTest, ChangedWeightsShowFromTheirLayerOn) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  Model changed = m.reference.Clone();
  const tflite::OperatorT& last_fc = *changed.subgraph(0).operators[4];
  ASSERT_EQ(changed.OpName(last_fc), "FULLY_CONNECTED");
  Span<float> weights = changed.MutableConstantValues<float>(0, last_fc.inputs[1]);
  for (size_t i = 0; i < weights.size(); i += 3) weights[i] *= 0.5f;
  CompareOptions options = Options(50, true);
  const CompareResult r = CompareModelsOnArrays(m.reference, changed, {m.images}, {"eval"}, {}, options);
  ASSERT_EQ(r.layers.size(), 6u);
  EXPECT_EQ(r.layers[0].op_index, 4u);
  for (const LayerComparison& l : r.layers) {
    ASSERT_TRUE(l.has_isolated) << l.op_name;
    EXPECT_EQ(l.error.max_abs() > 0.0, l.op_index >= 4) << l.op_name;
    EXPECT_EQ(l.isolated.max_abs() > 0.0, l.op_index == 4) << l.op_name;
  }
}

TEST(CompareTest, SameResultForAnyThreadCount) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  CompareOptions options;
  options.samples = 250;  // not a multiple of the block size
  options.layers = true;
  std::string first;
  for (int threads : {1, 2, 3, 7}) {
    options.threads = threads;
    const std::string dump =
        CompareToJson(CompareModelsOnArrays(m.reference, m.candidate, {m.images}, {"eval"}, m.labels, options)).dump();
    if (first.empty()) first = dump;
    EXPECT_EQ(dump, first) << threads << " threads";
  }
}

TEST(CompareTest, OnSampleIsCalledOncePerSample) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  std::atomic<size_t> calls{0};
  CompareOptions options = Options(40, false);
  options.on_sample = [&calls] { ++calls; };
  CompareModelsOnArrays(m.reference, m.candidate, {m.images}, {"eval"}, {}, options);
  EXPECT_EQ(calls.load(), 40u);
}

TEST(CompareTest, BadInputIsAnError) {
  TF_REQUIRE_SHARED();
  const MnistComparison& m = Mnist();
  const Model other = LoadModel(ModelPath("hello_world_float"));
  CompareOptions options;
  options.samples = 4;
  // Labels must be one per sample of the data.
  try {
    CompareModelsOnArrays(m.reference, m.candidate, {m.images}, {"eval"}, {1, 2, 3}, options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("labels"), std::string::npos) << e.what();
  }
  // The other model's input does not take MNIST digits.
  EXPECT_THROW(CompareModelsOnArrays(m.reference, other, {m.images}, {"eval"}, {}, options), Error);
  // max_drop needs labels.
  const CompareResult r = CompareModelsOnArrays(m.reference, m.candidate, {m.images}, {"eval"}, {}, options);
  CompareThresholds t;
  t.max_drop_points = 1;
  EXPECT_THROW(CheckThresholds(r, t), Error);
}

TEST(CompareTest, HistogramCountsEveryValue) {
  const Histogram h = HistogramOf({0.0f, 0.5f, 1.0f, 0.26f, 0.24f}, 4);
  ASSERT_EQ(h.counts.size(), 4u);
  EXPECT_EQ(h.hi, 1.0);
  EXPECT_EQ(h.counts, (std::vector<uint64_t>{2, 1, 1, 1}));
  EXPECT_EQ(HistogramOf({0.0f, 0.0f}, 4).counts, std::vector<uint64_t>{2});
  EXPECT_EQ(HistogramOf({}, 4).counts, std::vector<uint64_t>{0});
}

}  // namespace
}  // namespace tinyforge
