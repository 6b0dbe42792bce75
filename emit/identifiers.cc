#include "emit/identifiers.h"

#include <algorithm>
#include <iterator>

#include "libconvert/base/error.h"

namespace tinyforge::emit {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

// Keywords and alternative tokens of C99, C11 and C++17, sorted.
constexpr std::string_view kKeywords[] = {
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic",
    "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local", "alignas",
    "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool",
    "break", "case", "catch", "char", "char16_t", "char32_t", "char8_t",
    "class", "co_await", "co_return", "co_yield", "compl", "concept", "const",
    "const_cast", "consteval", "constexpr", "constinit", "continue",
    "decltype", "default", "delete", "do", "double", "dynamic_cast", "else",
    "enum", "explicit", "export", "extern", "false", "float", "for", "friend",
    "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
    "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq",
    "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "restrict", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t",
    "while", "xor", "xor_eq"};

std::string_view BaseName(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool IsIdentifierSyntax(std::string_view text) {
  if (text.empty() || IsAsciiDigit(text[0])) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return IsAsciiAlnum(c) || c == '_'; });
}

bool IsKeyword(std::string_view text) {
  return std::find(std::begin(kKeywords), std::end(kKeywords), text) !=
         std::end(kKeywords);
}

std::string IdentifierProblem(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (!IsIdentifierSyntax(name)) {
    return "a C identifier is letters, digits and '_', not starting with a digit";
  }
  if (IsKeyword(name)) return "it is a C/C++ keyword";
  if (name.find("__") != std::string_view::npos ||
      (name.size() > 1 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z')) {
    return "names with '__' or starting with '_' and an uppercase letter are "
           "reserved for the compiler";
  }
  return "";
}

void CheckIdentifier(std::string_view name, std::string_view flag) {
  const std::string problem = IdentifierProblem(name);
  if (!problem.empty()) {
    throw Error("invalid --" + std::string(flag) + " '" + std::string(name) +
                "': " + problem);
  }
}

std::string XxdArrayName(std::string_view path) {
  std::string name;
  if (!path.empty() && IsAsciiDigit(path[0])) name = "__";
  for (char c : path) name += IsAsciiAlnum(c) ? c : '_';
  return name;
}

std::string DefaultArrayName(std::string_view path, Format format, bool is_model) {
  std::string_view stem = BaseName(path);
  const std::size_t dot = stem.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) stem = stem.substr(0, dot);

  // Letters and digits kept, every run of anything else becomes one '_'.
  std::string core;
  for (char c : stem) {
    if (IsAsciiAlnum(c)) {
      core += c;
    } else if (!core.empty() && core.back() != '_') {
      core += '_';
    }
  }
  while (!core.empty() && core.back() == '_') core.pop_back();

  std::string name = IsCxxFormat(format) ? "g_" : "";
  if (core.empty()) {
    name += is_model ? "model_data" : "data";
    return name;
  }
  if (name.empty() && IsAsciiDigit(core[0])) name = "g_";
  name += core;
  name += is_model ? "_model_data" : "_data";
  return name;
}

std::string IncludeGuard(std::string_view name, std::string_view suffix) {
  std::string guard;
  for (char c : name) {
    if (guard.empty() && c == '_') continue;  // no reserved leading '_'
    guard += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (!guard.empty() && IsAsciiDigit(guard[0])) guard.insert(0, "G_");
  guard += '_';
  guard += suffix;
  return guard;
}

std::vector<std::string> ParseNamespace(std::string_view text) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t sep = text.find("::", start);
    const std::string_view part =
        text.substr(start, sep == std::string_view::npos ? std::string_view::npos
                                                         : sep - start);
    const std::string problem = IdentifierProblem(part);
    if (!problem.empty()) {
      throw Error("invalid --namespace '" + std::string(text) + "': component '" +
                  std::string(part) + "': " + problem);
    }
    parts.emplace_back(part);
    if (sep == std::string_view::npos) break;
    start = sep + 2;
  }
  return parts;
}

}  // namespace tinyforge::emit
