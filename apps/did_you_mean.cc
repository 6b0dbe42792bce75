#include "apps/did_you_mean.h"

#include <algorithm>
#include <vector>

namespace tinyforge {
namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The subcommand the user chose (the deepest one parsed), or `app`.
const CLI::App& Chosen(const CLI::App& app) {
  const CLI::App* at = &app;
  for (;;) {
    const std::vector<const CLI::App*> chosen = at->get_subcommands([](const CLI::App* s) { return s->parsed(); });
    if (chosen.empty()) return *at;
    at = chosen.front();
  }
}

// What `word` could have meant in `command`: its long options ("--name"),
// and its subcommands' names.
std::vector<std::string> KnownWords(const CLI::App& command) {
  std::vector<std::string> words;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) words.push_back("--" + name);
  }
  for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
    words.push_back(sub->get_name());
  }
  return words;
}

}  // namespace

std::string DidYouMean(const CLI::App& app) {
  const CLI::App& command = Chosen(app);
  // With fallthrough, a subcommand's unknown arguments end up with its parent.
  const std::vector<std::string> unexpected = app.remaining(/*recurse=*/true);
  if (unexpected.empty()) return "";
  std::string word = unexpected.front();
  for (const std::string& w : unexpected) {
    if (w.rfind("--", 0) == 0) word = w;  // an option rather than its value
  }
  word = word.substr(0, word.find('='));  // --max-dorp=1
  const std::vector<std::string> known = KnownWords(command);
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const std::string& candidate : known) {
    const size_t d = EditDistance(word, candidate);
    if (best == nullptr || d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  // A typo: at most 2 edits, and fewer than a third of the word.
  if (best == nullptr || best_distance == 0 || best_distance > 2 || 3 * best_distance > word.size()) return "";
  return " (did you mean " + *best + "?)";
}

}  // namespace tinyforge
