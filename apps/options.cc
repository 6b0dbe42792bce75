// Options several subcommands share, declared in apps/commands.h.
#include "apps/commands.h"

#include <cstdio>

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

}  // namespace tinyforge
