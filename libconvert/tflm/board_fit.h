// Will a model fit a board: flash (the model's bytes plus TFLM's code for
// exactly the operators it uses, code_size.h) and RAM (the exact Cortex-M4
// tensor arena, arena.h, plus TFLM's static data), each against the board's
// budget, with the margin; and, on a Cortex-M4F board, roughly how long one
// inference takes with the reference kernels (latency.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/model/model.h"
#include "libconvert/tflm/boards.h"
#include "libconvert/tflm/code_size.h"

namespace tinyforge {

// The budget to check against: a known board, or --ram/--flash.
struct BoardBudget {
  std::optional<Board> board;  // empty: only the sizes are known
  int64_t ram_bytes = 0;
  int64_t flash_bytes = 0;

  std::string Title() const;  // "Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F 64 MHz)" or "custom budget"
};

// A budget from --board and/or --ram/--flash: --ram and --flash override the
// board's figures. An Error when neither a board nor both sizes are given.
BoardBudget MakeBoardBudget(const std::string& board, const std::string& ram, const std::string& flash);

// One thing that takes memory, for the "largest items" of a report.
struct FitItem {
  std::string what;  // "tensor arena", "model", "TFLM kernel AddConv2D"
  int64_t bytes = 0;
};

struct BoardFit {
  BoardBudget budget;
  int64_t model_bytes = 0;
  TflmCodeSize code;
  int64_t arena_bytes = 0;
  std::vector<FitItem> flash_items;  // largest first
  std::vector<FitItem> ram_items;    // largest first
  int64_t m4_instructions = 0;       // the latency model's estimate (always computed)
  std::vector<std::string> unfitted_kinds;

  int64_t FlashBytes() const;
  int64_t RamBytes() const;
  bool FlashFits() const { return FlashBytes() <= budget.flash_bytes; }
  bool RamFits() const { return RamBytes() <= budget.ram_bytes; }
  bool Fits() const { return FlashFits() && RamFits(); }
  // Seconds per inference at the board's clock, when the board is a
  // Cortex-M4F (1 instruction per cycle assumed).
  std::optional<double> Seconds() const;

  std::string ToText() const;
  nlohmann::ordered_json ToJson() const;
  // One line per budget exceeded, naming the largest items: for the error.
  std::vector<std::string> FailureLines() const;
};

// `model_bytes`: the .tflite file's size (what the firmware's array holds).
BoardFit FitBoard(const Model& model, int64_t model_bytes, const BoardBudget& budget);

}  // namespace tinyforge
