// --board/--ram/--flash: the "will it fit" check shared by inspect and
// pipeline (libconvert/tflm/board_fit.h does the arithmetic).
#include <filesystem>

#include "apps/board_options.h"
#include "apps/commands.h"
#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/tflm/board_fit.h"
#include "libconvert/tflm/boards.h"

namespace tinyforge {

void AddBoardOptions(CLI::App& cmd, BoardFlags& flags) {
  std::string names;
  for (const Board& board : KnownBoards()) names += (names.empty() ? "" : ", ") + std::string(board.name);
  cmd.add_option("--board", flags.board,
                 "Check that the model fits this board's RAM and flash and estimate its latency: " + names +
                     " (see below)")
      ->option_text("NAME");
  cmd.add_option("--ram", flags.ram,
                 "RAM budget in bytes, or with K/M (powers of 1024): for a board not listed, or to override "
                 "--board's (e.g. what your application leaves free)")
      ->option_text("SIZE");
  cmd.add_option("--flash", flags.flash, "Flash budget in bytes, or with K/M; as --ram")->option_text("SIZE");
}

std::string BoardHelpText() {
  return "Will it fit (--board, or --ram and --flash):\n" + KnownBoardsHelp() +
         "  flash = the model's bytes + TFLM's runtime core + the kernels of exactly the operators\n"
         "          the model uses (sizes measured on a Cortex-M4F -O2 build of TFLM, reference kernels)\n"
         "  RAM   = the exact tensor arena of a 32-bit Cortex-M build + TFLM's static data (.data/.bss);\n"
         "          the board's own stack, heap and libraries come out of the margin\n"
         "  latency (Cortex-M4F boards) = instructions from a cost model fitted to TFLM runs on a\n"
         "          Cortex-M4F, at the board's clock and 1 instruction per cycle; its stated error is\n"
         "          measured on models it was not fitted to\n"
         "Exit 0 fits, 1 does not fit (the largest items named), 2 bad input.\n";
}

nlohmann::ordered_json CheckBoard(const BoardFlags& flags, const std::string& path, bool print_text,
                                  std::vector<std::string>* failures) {
  const BoardBudget budget = MakeBoardBudget(flags.board, flags.ram, flags.flash);
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) throw Error(path + ": cannot read its size: " + ec.message());
  const BoardFit fit = FitBoard(LoadModel(path), static_cast<int64_t>(bytes), budget);
  if (print_text) WriteStdout(fit.ToText());
  *failures = fit.FailureLines();
  return fit.ToJson();
}

void ThrowIfDoesNotFit(const std::vector<std::string>& failures) {
  if (failures.empty()) return;
  std::string message = failures[0];
  for (size_t i = 1; i < failures.size(); ++i) message += "; " + failures[i];
  throw Error(message, ErrorCode::kCheckFailed);
}

}  // namespace tinyforge
