#include "quantize/recipe.h"

#include <regex>

#include "libconvert/base/error.h"

namespace tinyforge::quantize {
namespace {

constexpr char kRecipeSchema[] = "tinyforge.recipe/1";

std::vector<std::string> PatternList(const nlohmann::json& recipe, const char* key, const std::string& source) {
  if (!recipe.contains(key)) return {};
  const nlohmann::json& list = recipe.at(key);
  if (!list.is_array()) throw Error(source + ": recipe key '" + key + "' must be a list of regular expressions");
  std::vector<std::string> patterns;
  for (const nlohmann::json& item : list) {
    if (!item.is_string()) throw Error(source + ": recipe key '" + key + "' holds a non-string entry");
    const std::string pattern = item.get<std::string>();
    try {
      std::regex check(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw Error(source + ": recipe key '" + key + "': '" + pattern + "' is not a valid regular expression (" +
                  e.what() + ")");
    }
    patterns.push_back(pattern);
  }
  return patterns;
}

}  // namespace

nlohmann::ordered_json RecipeToJson(const QuantizeOptions& options) {
  nlohmann::ordered_json recipe;
  recipe["schema"] = kRecipeSchema;
  recipe["activations"] = options.activations == ActivationType::kInt16 ? "int16" : "int8";
  std::vector<std::string> per_channel = options.per_channel_fc_layers;
  if (options.per_channel_fc) per_channel = {".*"};
  recipe["per_channel_fc"] = per_channel;
  recipe["int16_layers"] = options.int16_layers;
  recipe["keep_float"] = options.keep_float;
  return recipe;
}

void ApplyRecipe(const nlohmann::json& recipe, const std::string& source, QuantizeOptions& options) {
  if (!recipe.is_object()) throw Error(source + ": a recipe is a JSON object (see quantize --help)");
  if (!recipe.contains("schema") || recipe.at("schema") != kRecipeSchema) {
    throw Error(source + ": not a recipe: \"schema\" must be \"" + kRecipeSchema + "\"");
  }
  for (const auto& [key, value] : recipe.items()) {
    if (key != "schema" && key != "activations" && key != "per_channel_fc" && key != "int16_layers" &&
        key != "keep_float") {
      throw Error(source + ": unknown recipe key '" + key +
                  "' (known: activations, per_channel_fc, int16_layers, keep_float)");
    }
  }
  if (recipe.contains("activations")) {
    const nlohmann::json& a = recipe.at("activations");
    if (a == "int8") {
      options.activations = ActivationType::kInt8;
    } else if (a == "int16") {
      options.activations = ActivationType::kInt16;
    } else {
      throw Error(source + ": recipe key 'activations' must be \"int8\" or \"int16\"");
    }
  }
  options.per_channel_fc = false;
  options.per_channel_fc_layers = PatternList(recipe, "per_channel_fc", source);
  options.int16_layers = PatternList(recipe, "int16_layers", source);
  options.keep_float = PatternList(recipe, "keep_float", source);
}

}  // namespace tinyforge::quantize
