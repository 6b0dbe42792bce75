// The accuracy targets on the 9000 MNIST eval digits, with the
// reference numbers of ../shared/README.md (measured with TFLM): each pruned
// model is evaluated once. Also the --max-drop search, on the first 600.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "libconvert/compare/evaluate.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "prune/pruner.h"
#include "prune/search.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge::prune {
namespace {

using testing::ModelPath;

constexpr int kThreads = 2;
// ../shared/README.md, "Reference numbers": top-1 on the 9000 eval digits.
constexpr double kFloatTop1 = 0.9667;
constexpr double kInt8Top1 = 0.9608;

double Top1Of(const Model& model, const NpyArray& images, const std::vector<int64_t>& labels) {
  ModelInputArrays arrays;
  arrays.arrays.push_back(ConvertModelInput(model, 0, images, "eval_images", /*quantize_floats=*/true));
  arrays.names.push_back("eval_images");
  return EvaluateClassifier(model, ViewModelInputs(model, arrays), labels, kThreads).confusion.accuracy();
}

// Top-1 on the 9000 eval digits of shared model `name` pruned per layer to
// `sparsity` (default eligibility: FC1, 50,176 weights).
double PrunedTop1(const std::string& name, double sparsity) {
  const Model model = LoadModel(ModelPath(name));
  PruneOptions o;
  o.sparsity = sparsity;
  const double top1 = Top1Of(PruneModel(model, o).model, testing::MnistImagesF32("eval_images.npy"),
                             testing::MnistLabels("eval_labels.npy"));
  std::printf("%s at %.0f%% per layer: top-1 %.2f%%\n", name.c_str(), 100 * sparsity, 100 * top1);
  return top1;
}

TEST(PruneAccuracy, FloatAtHalfSparsityPerLayerDropsAtMostHalfAPoint) {
  TF_REQUIRE_SHARED();
  EXPECT_GE(PrunedTop1("conv_fc_mnist", 0.5), kFloatTop1 - 0.005);
}

TEST(PruneAccuracy, Int8AtHalfSparsityDropsAtMostOnePoint) {
  TF_REQUIRE_SHARED();
  EXPECT_GE(PrunedTop1("conv_fc_mnist_srq_a8w8", 0.5), kInt8Top1 - 0.01);
}

TEST(PruneSearch, MaxDropFindsTheBoundaryItMeasured) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  const NpyArray images = testing::MnistImagesF32("eval_images.npy", 600);
  const std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy", 600);
  ModelInputArrays arrays;
  arrays.arrays.push_back(ConvertModelInput(model, 0, images, "eval", false));
  arrays.names.push_back("eval");
  const std::vector<DatasetView> data = ViewModelInputs(model, arrays);

  PruneOptions o;
  o.scope = Scope::kGlobal;
  o.min_params = 0;
  size_t calls = 0;
  const SearchResult s = SearchMaxDrop(model, o, 1.0, data, labels, kThreads, [&](const CurvePoint&) { ++calls; });
  EXPECT_EQ(calls, s.curve.size());
  EXPECT_LE(static_cast<int>(s.curve.size()) + 1, EvaluationsBound());  // + the baseline
  ASSERT_TRUE(s.best.has_value());
  // The baseline and the chosen model, measured here.
  const double baseline = Top1Of(model, images, labels);
  const double chosen = Top1Of(s.best->model, images, labels);
  EXPECT_DOUBLE_EQ(s.baseline, baseline);
  EXPECT_LE(baseline - chosen, 0.01 + 1e-12);
  EXPECT_GT(s.sparsity, 0.3);  // a 50k-weight MNIST classifier tolerates far more than 30%
  EXPECT_LT(s.sparsity, 1.0);
  // One grid step further was measured and lost more than a point.
  const auto next = std::find_if(s.curve.begin(), s.curve.end(),
                                 [&](const CurvePoint& p) { return std::fabs(p.sparsity - (s.sparsity + 0.01)) < 1e-9; });
  ASSERT_NE(next, s.curve.end());
  EXPECT_GT(baseline - next->accuracy, 0.01);
  EXPECT_TRUE(std::is_sorted(s.curve.begin(), s.curve.end(),
                             [](const CurvePoint& a, const CurvePoint& b) { return a.sparsity < b.sparsity; }));
  // The chosen model holds the sparsity it claims over the pool.
  EXPECT_EQ(s.best->report.after.eligible_zeros,
            static_cast<int64_t>(std::floor(s.sparsity * static_cast<double>(s.best->report.after.eligible_elements) + 0.5)));
}

}  // namespace
}  // namespace tinyforge::prune
