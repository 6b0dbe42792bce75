// Options several subcommands share, declared in apps/commands.h.
#include "apps/commands.h"

namespace tinyforge {

CLI::Option* AddThreadsOption(CLI::App& cmd, int& threads) {
  return cmd.add_option("--threads,-j", threads, "Worker threads (default 0: every core); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace tinyforge
