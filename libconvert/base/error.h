// The one exception type of the project. Libraries throw it at their
// boundaries (loading, verification, Prepare, CLI argument checks); only main()
// catches it, prints what() and exits with the code's value.
#pragma once

#include <stdexcept>
#include <string>

namespace tinyforge {

// Values are the process exit codes the CLI uses.
enum class ErrorCode : int {
  kCheckFailed = 1,  // a gate the user asked for did not hold (accuracy, lint)
  kBadInput = 2,     // malformed file, wrong shape, bad flag: the user can fix it
  kInternal = 3,     // a bug in tinyforge
};

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, ErrorCode code = ErrorCode::kBadInput)
      : std::runtime_error(std::move(message)), code_(code) {}
  ErrorCode code() const { return code_; }
  int exit_code() const { return static_cast<int>(code_); }

 private:
  ErrorCode code_;
};

}  // namespace tinyforge
