// The precision search (quantize --max-drop): on a model whose one hostile
// layer costs accuracy in int8, it changes that layer (or the activation
// type), never the healthy one, and the model it returns meets the budget
// when run on its own. Accuracy is against labels the float model gives
// itself (its argmax), so the float accuracy is 100% by construction.
#include <gtest/gtest.h>

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
  Model model = testing::HostileModel();
  NpyArray data = testing::UniformSamples(testing::kHostileSamples, {1, testing::kHostileIn});
  ModelInputArrays inputs{{data}, {"data"}};
  std::vector<int64_t> labels;
  CalibrationTable table;

  SearchFixture() {
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
              chosen.options.activations == ActivationType::kInt16)
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
  options.keep_float = {"^logits$", "softmax"};
  QuantizeOptions read;
  ApplyRecipe(RecipeToJson(options), "r.json", read);
  EXPECT_EQ(read.activations, ActivationType::kInt16);
  EXPECT_EQ(read.per_channel_fc_layers, options.per_channel_fc_layers);
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
