// Every quantization rule, one operator at a time: the float one-operator
// example of each operator with a rule (libconvert/interp/examples),
// quantized with --strict, becomes integer where TFLM has an int8 kernel
// for it, and is refused naming TFLM otherwise. A quantizer that quietly
// left an operator float, or a rule no example exercises, fails here.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <set>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/interp/batch.h"
#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/interp/kernel.h"
#include "quantize/calibrator.h"
#include "quantize/op_rules.h"
#include "quantize/quantizer.h"
#include "tests/op_example_inputs.h"
#include "tests/quantize/quantize_test_util.h"

namespace tinyforge::quantize {
namespace {

constexpr uint32_t kStrictSeed = 20261205;
constexpr int kStrictSamples = 16;

// Calibration on seeded random inputs from the example's ranges.
// Examples whose inputs reach values the float model cannot compute (NaN
// from SQRT of a negative, kept to hold NaN to TFLM's) have no calibration:
// nullopt.
std::optional<CalibrationTable> CalibrateExample(const interp::OpExample& example, const Model& model) {
  const std::vector<NpyArray> arrays = testing::RandomExampleInputs(example, model, kStrictSeed, kStrictSamples);
  ModelInputArrays calib;
  for (size_t k = 0; k < arrays.size(); ++k) {
    calib.arrays.push_back(arrays[k]);
    calib.names.push_back("input " + std::to_string(k));
  }
  try {
    return Calibrate(model, ViewModelInputs(model, calib), CalibrationOptions{});
  } catch (const Error& e) {
    if (std::string(e.what()).find("NaN or infinite") == std::string::npos) throw;
    return std::nullopt;
  }
}

QuantizeResult QuantizeStrict(const Model& model, const CalibrationTable& table) {
  QuantizeOptions options;
  options.strict = true;
  return QuantizeModel(model, table, options);
}

TEST(OpRulesStrict, EveryRuleQuantizesItsFloatExampleOrNamesTflm) {
  std::set<tflite::BuiltinOperator> covered;
  size_t integer = 0, refused = 0;
  for (const interp::OpExample& example : interp::OpExamples()) {
    if (example.type != tflite::TensorType_FLOAT32 || !FindOpRule(example.op)) continue;
    SCOPED_TRACE(example.name);
    const Model model = example.build();
    const std::optional<CalibrationTable> table = CalibrateExample(example, model);
    if (!table) continue;
    covered.insert(example.op);
    if (interp::FindKernel(example.op, tflite::TensorType_INT8) == nullptr) {
      try {
        QuantizeStrict(model, *table);
        ADD_FAILURE() << "--strict quantized an operator TFLM has no int8 kernel for";
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("TFLM has no int8 kernel"), std::string::npos) << e.what();
        ++refused;
      }
      continue;
    }
    std::optional<QuantizeResult> strict;
    try {
      strict.emplace(QuantizeStrict(model, *table));
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    const QuantizeResult& q = *strict;
    EXPECT_TRUE(q.warnings.empty()) << q.warnings.front();
    EXPECT_EQ(testing::FloatOperators(q.model), 0u);
    // And it runs: Prepare accepts every operand the rewrite made.
    const std::vector<NpyArray> inputs = testing::RandomExampleInputs(example, model, kStrictSeed + 1, 2);
    ModelInputArrays in;
    for (size_t k = 0; k < inputs.size(); ++k) {
      in.arrays.push_back(ConvertModelInput(q.model, k, inputs[k], "input", /*quantize_floats=*/true));
      in.names.push_back("input");
    }
    EXPECT_NO_THROW(interp::RunDataset(q.model, ViewModelInputs(q.model, in), 1));
    ++integer;
  }
  std::printf("[ strict ] %zu float examples became integer, %zu refused naming TFLM, %zu operators\n", integer,
              refused, covered.size());
  // Every rule is exercised by a float example.
  for (tflite::BuiltinOperator op : tflite::EnumValuesBuiltinOperator()) {
    if (!FindOpRule(op)) continue;
    EXPECT_TRUE(covered.count(op)) << tflite::EnumNameBuiltinOperator(op)
                                   << " has a rule but no float example that calibrates";
  }
}

}  // namespace
}  // namespace tinyforge::quantize
