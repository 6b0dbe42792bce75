// The one exception type of the project. Libraries throw it at their
// boundaries (loading, verification, Prepare, CLI argument checks); only main()
// catches it, prints what() and exits with the code's value.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace tinyforge {

// Values are the process exit codes the CLI uses.
enum class ErrorCode : int {
  kCheckFailed = 1,  // a gate the user asked for did not hold (accuracy, lint)
  kBadInput = 2,     // malformed file, wrong shape, bad flag: the user can fix it
  kInternal = 3,     // a bug in tinyforge
};

// `text` with every control character (C0, DEL, and C1 as UTF-8 encodes it)
// written as \xNN: text from a file (tensor names, custom op codes, paths)
// can then neither split a message into lines nor send a terminal escape
// sequence. Other bytes, UTF-8 included, pass unchanged.
std::string EscapeControl(const std::string& text);

class Error : public std::runtime_error {
 public:
  // Every message goes through EscapeControl here, the one place, so it is
  // always one inert line whatever model text it quotes.
  explicit Error(const std::string& message, ErrorCode code = ErrorCode::kBadInput)
      : std::runtime_error(EscapeControl(message)), code_(code) {}
  // Several lines (e.g. every failed check), each escaped on its own and
  // joined so that the CLI prints each as a "tinyforge: " line.
  Error(const std::vector<std::string>& lines, ErrorCode code);
  ErrorCode code() const { return code_; }
  int exit_code() const { return static_cast<int>(code_); }

 private:
  ErrorCode code_;
};

}  // namespace tinyforge
