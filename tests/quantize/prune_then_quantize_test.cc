// Pruning and quantizing compose in either order (issue 6): prune a float
// model then quantize it, or quantize then prune the int8 model; both give
// valid int8 models that run and still classify digits.
#include <gtest/gtest.h>

#include "libconvert/compare/evaluate.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/verify.h"
#include "prune/pruner.h"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::ModelPath;
using testing::SharedDir;

Model Quantize(const Model& float_model) {
  ModelInputArrays calib{{ReadNpy(SharedDir() + "/data/mnist/calib_images_f32.npy")}, {"calib"}};
  quantize::CalibrationOptions c;
  c.threads = 2;
  const auto table = quantize::Calibrate(float_model, ViewModelInputs(float_model, calib), c);
  return quantize::QuantizeModel(float_model, table, {}).model;
}

Model Prune(const Model& model) {
  prune::PruneOptions options;
  options.sparsity = 0.5;
  return prune::PruneModel(model, options).model;
}

// Fraction of zeros among the int8 weights of FULLY_CONNECTED/CONV_2D with
// at least 1,024 elements (the pruner's default eligibility).
double WeightSparsity(const Model& m) {
  size_t zeros = 0, total = 0;
  for (const auto& op : m.subgraph(0).operators) {
    const std::string name = m.OpName(*op);
    if (name != "FULLY_CONNECTED" && name != "CONV_2D") continue;
    const tflite::TensorT& w = m.tensor(0, op->inputs[1]);
    if (w.type != tflite::TensorType_INT8 || ElementCount(w.shape) < 1024) continue;
    for (int8_t v : m.ConstantValues<int8_t>(w)) zeros += v == 0 ? 1 : 0;
    total += static_cast<size_t>(ElementCount(w.shape));
  }
  return total == 0 ? 0 : static_cast<double>(zeros) / static_cast<double>(total);
}

uint64_t Correct(const Model& m) {
  const NpyArray eval = testing::MnistImagesF32("eval_images.npy", 2000);
  ModelInputArrays in{{ConvertModelInput(m, 0, eval, "eval", true)}, {"eval"}};
  return EvaluateClassifier(m, ViewModelInputs(m, in), testing::MnistLabels("eval_labels.npy", 2000), 2)
      .confusion.correct();
}

TEST(PruneAndQuantize, EitherOrderGivesAValidInt8ModelThatRuns) {
  TF_REQUIRE_SHARED();
  const Model float_model = LoadModel(ModelPath("conv_fc_mnist"));
  const uint64_t float_correct = Correct(float_model);
  const Model prune_first = Quantize(Prune(float_model));
  const Model quantize_first = Prune(Quantize(float_model));
  for (const Model* m : {&prune_first, &quantize_first}) {
    EXPECT_NO_THROW(VerifyModel(*m));
    const std::vector<uint8_t> bytes = SerializeModel(*m);
    const Model reloaded = ParseModel(bytes.data(), bytes.size(), "reloaded");
    EXPECT_EQ(reloaded.tensor(0, reloaded.subgraph(0).inputs[0]).type, tflite::TensorType_INT8);
    // Half the large weights are zero either way (quantizing keeps a zero
    // weight zero; pruning int8 sets it to the zero point 0).
    EXPECT_GE(WeightSparsity(reloaded), 0.5);
    const uint64_t correct = Correct(reloaded);
    std::printf("[ accuracy ] %s: %llu of 2000 (float %llu)\n", m == &prune_first ? "prune->quantize" : "quantize->prune",
                static_cast<unsigned long long>(correct), static_cast<unsigned long long>(float_correct));
    EXPECT_GE(correct + 40, float_correct);  // within 2 points on these digits
  }
}

}  // namespace
}  // namespace tinyforge
