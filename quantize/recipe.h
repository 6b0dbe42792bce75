// A quantization recipe: which precision each layer gets, as a JSON file a
// user can keep, edit and pass again (`quantize --recipe-in`), the form
// `quantize --max-drop` writes its choice in (`--recipe-out`). Layers are
// named by regular expressions (ECMAScript, searched) over the operator's
// output tensor name, like --keep-float:
//   {"schema": "tinyforge.recipe/1",
//    "activations": "int8",                       optional: int8 | int16
//    "per_channel_fc": ["^dense_2/BiasAdd$"],     FULLY_CONNECTED layers with
//                                                 per-channel weights (".*": all)
//    "int16_layers": ["^conv3$"],                 layers with int16 activations
//                                                 (16x8) in an int8 model
//    "keep_float": ["^logits$"]}                  layers left float
// Every key but "schema" is optional; unknown keys are an error (a typo must
// not pass silently).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "quantize/quantizer.h"

namespace tinyforge::quantize {

// The recipe part of `options` (activations, per-channel FC layers, int16
// layers, float layers).
nlohmann::ordered_json RecipeToJson(const QuantizeOptions& options);

// Sets the recipe part of `options` from `recipe`; throws Error (bad input)
// naming `source` and the key when the recipe is malformed or a pattern is
// not a valid regular expression.
void ApplyRecipe(const nlohmann::json& recipe, const std::string& source, QuantizeOptions& options);

}  // namespace tinyforge::quantize
