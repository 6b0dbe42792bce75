// Options several subcommands share, declared in apps/commands.h.
#include "apps/commands.h"

#include <cstdio>
#include <map>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/base/memory_budget.h"

namespace tinyforge {

CLI::Option* AddThreadsOption(CLI::App& cmd, int& threads) {
  return cmd.add_option("--threads,-j", threads, "Worker threads (default 0: every core); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
}

CLI::Option* AddMaxMemoryOption(CLI::App& cmd) {
  return cmd
      .add_option_function<std::string>(
          "--max-memory",
          [](const std::string& value) { SetMemoryBudget(ParseMemorySize(value, "--max-memory")); },
          "Most memory for tensors and outputs whose size the model claims, e.g. 512M or 16G (default 4G); "
          "a model that needs more is refused with the tensor and its size")
      ->type_name("SIZE");
}

CLI::Option* AddForceOption(CLI::App& cmd, bool& force) {
  return cmd.add_flag("--force", force,
                      "Allow an output to be an input file itself (it is replaced atomically); refused otherwise");
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
