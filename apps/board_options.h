// --board NAME, --ram SIZE and --flash SIZE: the "will it fit" check shared
// by inspect and pipeline (apps/board_options.cc; the arithmetic is
// libconvert/tflm/board_fit.h).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace tinyforge {

// The flags as typed.
struct BoardFlags {
  std::string board;
  std::string ram;
  std::string flash;
  bool Given() const { return !board.empty() || !ram.empty() || !flash.empty(); }
};

// The three flags with the same help on every command that checks a model
// against a board.
void AddBoardOptions(CLI::App& cmd, BoardFlags& flags);
// What the check prints and means, with the known boards: for footers.
std::string BoardHelpText();
// Checks the model in the .tflite file `path` against the board the flags
// give: writes the report as text when `print_text`, returns it as JSON and
// sets `failures` to one line per budget exceeded (empty when it fits), for
// the caller to pass to ThrowIfDoesNotFit once it has written its output.
nlohmann::ordered_json CheckBoard(const BoardFlags& flags, const std::string& path, bool print_text,
                                  std::vector<std::string>* failures);

// Exit 1 (an Error with ErrorCode::kCheckFailed) with the failures on one
// line when there are any.
void ThrowIfDoesNotFit(const std::vector<std::string>& failures);

}  // namespace tinyforge
