// C/C++ identifiers for generated code: validating user-given names, deriving
// default array names from file names, include guards and namespaces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emit/format.h"

namespace tinyforge::emit {

// [A-Za-z_][A-Za-z0-9_]*
bool IsIdentifierSyntax(std::string_view text);

// A keyword or alternative token of C99/C11 or C++17 ("int", "class",
// "_Alignas", "and", ...).
bool IsKeyword(std::string_view text);

// Why `name` cannot name a generated array or namespace, or "" when it can:
// not an identifier, a keyword, or reserved for the implementation (contains
// "__" or starts with "_" and an uppercase letter).
std::string IdentifierProblem(std::string_view name);

// Throws tinyforge::Error "invalid --FLAG 'name': <problem>" when
// IdentifierProblem(name) is not empty.
void CheckIdentifier(std::string_view name, std::string_view flag);

// The array name `xxd -i PATH` uses: PATH as given with every byte that is not
// an ASCII letter or digit replaced by '_', and "__" in front when PATH starts
// with a digit.
std::string XxdArrayName(std::string_view path);

// The default array name for `path` in `format` (not used for kXxd):
// the file name without its last extension, made an identifier, with
// "_model_data" (a .tflite model) or "_data" appended, and "g_" in front for
// the C++ formats, as TFLM's examples name their arrays
// (person_detect.tflite -> g_person_detect_model_data).
std::string DefaultArrayName(std::string_view path, Format format, bool is_model);

// Include guard for the header declaring `name`: "G_MODEL_DATA_H_".
std::string IncludeGuard(std::string_view name, std::string_view suffix = "H_");

// Splits "a::b" into {"a", "b"}; throws tinyforge::Error naming --namespace
// when a component is not a valid identifier. "" gives {}.
std::vector<std::string> ParseNamespace(std::string_view text);

}  // namespace tinyforge::emit
