// Options several subcommands share, declared in apps/commands.h.
#include "apps/commands.h"

#include <cstdio>
#include <map>
#include <string>

#include "libconvert/base/error.h"

namespace tinyforge {

CLI::Option* AddThreadsOption(CLI::App& cmd, int& threads) {
  return cmd.add_option("--threads,-j", threads, "Worker threads (default 0: every core); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
}

void WriteStdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw Error("cannot write to standard output");
  }
}

CLI::Option* AddTargetOption(CLI::App& cmd, TflmTarget& target, const std::string& purpose) {
  std::map<std::string, TflmTarget> names;
  std::string help = purpose + ":";
  std::string choices;
  for (const TflmTarget t : kTflmTargets) {
    const std::string name(TflmTargetName(t));
    names[name] = t;
    help += std::string(t == kTflmTargets[0] ? " " : ", ") + name + " = " + std::string(TflmTargetDescription(t));
    choices += (choices.empty() ? "" : "|") + name;
  }
  help += "; default " + std::string(TflmTargetName(kDefaultTflmTarget)) +
          ", where firmware runs. A 32-bit build has smaller runtime structures, so its arena is smaller";
  return cmd.add_option("--target", target, help)->transform(CLI::CheckedTransformer(names))->option_text(choices);
}

}  // namespace tinyforge
