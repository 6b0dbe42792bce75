// The precision search (quantize --max-drop): on a model whose one hostile
// layer costs accuracy in int8, it changes that layer (or the activation
// type), never the healthy one, and the model it returns meets the budget
// when run on its own. Accuracy is against labels the float model gives
// itself (its argmax), so the float accuracy is 100% by construction.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <regex>

#include "libconvert/compare/evaluate.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "quantize/calibrator.h"
#include "quantize/precision_search.h"
#include "quantize/recipe.h"
#include "tests/quantize/hostile_fc_model.h"

namespace tinyforge::quantize {
namespace {

constexpr double kSearchBudgetPoints = 2.0;

struct SearchFixture {
  Model model;
  NpyArray data = testing::UniformSamples(testing::kHostileSamples, {1, testing::kHostileIn});
  ModelInputArrays inputs{{data}, {"data"}};
  std::vector<int64_t> labels;
  CalibrationTable table;

  explicit SearchFixture(Model m = testing::HostileModel()) : model(std::move(m)) {
    labels = EvaluateClassifier(model, ViewModelInputs(model, inputs), {}, 2).predictions;
    CalibrationOptions c;
    c.threads = 2;
    table = Calibrate(model, ViewModelInputs(model, inputs), c);
  }

  // Top-1 accuracy of `candidate` on the data, computed apart from the search.
  double Accuracy(const Model& candidate) const {
    const ModelInputArrays converted = ConvertModelInputs(candidate, {data}, {"data"}, /*quantize_floats=*/true);
    return EvaluateClassifier(candidate, ViewModelInputs(candidate, converted), labels, 2).confusion.accuracy();
  }
};

bool Touches(const std::vector<std::string>& patterns, const std::string& name) {
  for (const std::string& p : patterns) {
    if (std::regex_search(name, std::regex(p))) return true;
  }
  return false;
}

TEST(PrecisionSearch, ChangesOnlyTheHostileLayerAndMeetsTheBudget) {
  const SearchFixture f;
  CompareThresholds budget;
  budget.max_drop_points = kSearchBudgetPoints;
  const SearchData data{f.inputs.arrays, f.inputs.names, f.labels, 2};
  const SearchResult r = SearchPrecision(f.model, f.table, QuantizeOptions{}, data, budget);
  std::printf("%s", SearchTable(r).c_str());

  // Plain int8 misses the budget, measured apart from the search too.
  ASSERT_GE(r.trials.size(), 2u);
  EXPECT_FALSE(r.trials[0].meets);
  EXPECT_LT(f.Accuracy(QuantizeModel(f.model, f.table, {}).model), 1.0 - kSearchBudgetPoints / 100);

  ASSERT_TRUE(r.met);
  const SearchTrial& chosen = r.trials[r.chosen];
  EXPECT_TRUE(chosen.meets);
  // The change is about the hostile layer (or the activation type), never the
  // healthy one before it; and it is the first trial that met.
  EXPECT_FALSE(Touches(chosen.options.keep_float, "hidden")) << chosen.change;
  EXPECT_FALSE(Touches(chosen.options.per_channel_fc_layers, "hidden")) << chosen.change;
  EXPECT_TRUE(Touches(chosen.options.keep_float, "logits") || Touches(chosen.options.per_channel_fc_layers, "logits") ||
              Touches(chosen.options.int16_layers, "logits"))
      << chosen.change;
  for (size_t k = 0; k < r.chosen; ++k) EXPECT_FALSE(r.trials[k].meets) << k;

  // The returned model meets the budget when evaluated on its own, and the
  // same configuration through a recipe gives the same model.
  ASSERT_TRUE(r.model.has_value());
  EXPECT_GE(f.Accuracy(r.model->model), 1.0 - kSearchBudgetPoints / 100);
  QuantizeOptions from_recipe;
  ApplyRecipe(RecipeToJson(chosen.options), "recipe", from_recipe);
  EXPECT_EQ(SerializeModel(QuantizeModel(f.model, f.table, from_recipe).model), SerializeModel(r.model->model));
}

// When the output's range, not a weight, is what int8 gets wrong, per-channel
// weights are tried and miss, and int16 activations for that one layer (its
// float output read from int16 by DEQUANTIZE) meet the budget, before any
// layer is kept float.
TEST(PrecisionSearch, GivesOneLayerInt16WhenItsRangeIsTheProblem) {
  const SearchFixture f(testing::WideOutputModel());
  CompareThresholds budget;
  budget.max_drop_points = kSearchBudgetPoints;
  QuantizeOptions base;
  base.io = IoType::kFloat;
  const SearchData data{f.inputs.arrays, f.inputs.names, f.labels, 2};
  const SearchResult r = SearchPrecision(f.model, f.table, base, data, budget);
  std::printf("%s", SearchTable(r).c_str());

  EXPECT_LT(f.Accuracy(QuantizeModel(f.model, f.table, base).model), 1.0 - kSearchBudgetPoints / 100);
  ASSERT_TRUE(r.met);
  const SearchTrial& chosen = r.trials[r.chosen];
  EXPECT_EQ(chosen.options.int16_layers, std::vector<std::string>{"^logits$"}) << chosen.change;
  EXPECT_TRUE(chosen.options.keep_float.empty()) << chosen.change;
  EXPECT_EQ(chosen.float_macs, 0) << chosen.change;
  for (size_t k = 0; k < r.chosen; ++k) EXPECT_FALSE(r.trials[k].meets) << k;

  // Measured apart from the search: FC2 reads and writes int16, FC1 int8.
  ASSERT_TRUE(r.model.has_value());
  EXPECT_GE(f.Accuracy(r.model->model), 1.0 - kSearchBudgetPoints / 100);
  std::vector<tflite::TensorType> fc_outputs;
  for (const auto& op : r.model->model.subgraph(0).operators) {
    if (r.model->model.OpName(*op) == "FULLY_CONNECTED") {
      fc_outputs.push_back(r.model->model.tensor(0, op->outputs[0]).type);
    }
  }
  EXPECT_EQ(fc_outputs, (std::vector<tflite::TensorType>{tflite::TensorType_INT8, tflite::TensorType_INT16}));
}

// What the report's flags suggest is measured, not guessed: one trial per
// change the flagged layer's suggestion names, each accuracy the same as
// evaluating that configuration apart from the search.
TEST(PrecisionSearch, MeasuresWhatTheFlagsSuggest) {
  const SearchFixture f;
  const QuantizeResult q = QuantizeModel(f.model, f.table, {});
  CompareOptions compare;
  compare.threads = 2;
  compare.layers = true;
  const CompareResult comparison = CompareModelsOnArrays(f.model, q.model, f.inputs.arrays, f.inputs.names, f.labels, compare);
  const SearchData data{f.inputs.arrays, f.inputs.names, f.labels, 2};
  const std::vector<SearchTrial> tried = MeasureSuggestions(f.model, f.table, {}, q, comparison.layers, data);
  std::printf("%s", TrialsTable(tried, SIZE_MAX, false).c_str());

  std::vector<std::string> changes;
  for (const SearchTrial& t : tried) changes.push_back(t.change);
  EXPECT_EQ(changes, (std::vector<std::string>{"as given", "per-channel weights for 'logits'",
                                               "int16 activations (16x8) for 'logits'", "keep 'logits' float"}));
  for (const SearchTrial& t : tried) {
    EXPECT_DOUBLE_EQ(t.accuracy, f.Accuracy(QuantizeModel(f.model, f.table, t.options).model)) << t.change;
  }
  // A model with no flagged layer gets no trial.
  QuantizeOptions keep;
  keep.keep_float = {"^logits$"};
  const QuantizeResult kept = QuantizeModel(f.model, f.table, keep);
  const CompareResult healthy = CompareModelsOnArrays(f.model, kept.model, f.inputs.arrays, f.inputs.names, f.labels, compare);
  EXPECT_TRUE(MeasureSuggestions(f.model, f.table, keep, kept, healthy.layers, data).empty());
}

TEST(PrecisionSearch, ReportsTheBestWhenNothingMeetsTheBudget) {
  const SearchFixture f;
  CompareThresholds budget;
  budget.min_cosine = 1.0000001;  // unreachable: a cosine is at most 1
  const SearchData data{f.inputs.arrays, f.inputs.names, f.labels, 2};
  const SearchResult r = SearchPrecision(f.model, f.table, QuantizeOptions{}, data, budget);
  EXPECT_FALSE(r.met);
  for (const SearchTrial& t : r.trials) EXPECT_FALSE(t.failed.empty()) << t.change;
  // The best is the trial closest to the budget.
  for (const SearchTrial& t : r.trials) EXPECT_LE(t.min_cosine, r.trials[r.chosen].min_cosine + 1e-12) << t.change;
}

TEST(Recipe, RoundTripsAndRejectsMistakes) {
  QuantizeOptions options;
  options.activations = ActivationType::kInt16;
  options.per_channel_fc_layers = {"^fc2$"};
  options.int16_layers = {"^conv3$"};
  options.keep_float = {"^logits$", "softmax"};
  QuantizeOptions read;
  ApplyRecipe(RecipeToJson(options), "r.json", read);
  EXPECT_EQ(read.activations, ActivationType::kInt16);
  EXPECT_EQ(read.per_channel_fc_layers, options.per_channel_fc_layers);
  EXPECT_EQ(read.int16_layers, options.int16_layers);
  EXPECT_EQ(read.keep_float, options.keep_float);

  const auto message = [](const char* text) {
    QuantizeOptions o;
    try {
      ApplyRecipe(nlohmann::json::parse(text), "r.json", o);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(R"({"keep_float": []})").find("not a recipe"), std::string::npos);
  EXPECT_NE(message(R"({"schema": "tinyforge.recipe/1", "keep_flaot": []})").find("unknown recipe key 'keep_flaot'"),
            std::string::npos);
  EXPECT_NE(message(R"({"schema": "tinyforge.recipe/1", "keep_float": ["("]})").find("not a valid regular"),
            std::string::npos);
  EXPECT_NE(message(R"({"schema": "tinyforge.recipe/1", "activations": "int4"})").find("\"int8\" or \"int16\""),
            std::string::npos);
  EXPECT_NE(message(R"({"schema": "tinyforge.recipe/1", "per_channel_fc": "fc"})").find("must be a list"),
            std::string::npos);
}

}  // namespace
}  // namespace tinyforge::quantize
