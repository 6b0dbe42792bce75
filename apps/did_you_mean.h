// "did you mean" for a mistyped option or subcommand: the closest name the
// command knows, by edit distance, when it is close enough to be a typo.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace tinyforge {

// For an unexpected argument of `app`'s parse: " (did you mean --max-drop?)",
// or "" when no known name is close. Looks at the deepest subcommand given.
std::string DidYouMean(const CLI::App& app);

}  // namespace tinyforge
