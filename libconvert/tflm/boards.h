// The boards people start TFLM projects on: their memory and processor, for
// `inspect --board` (board_fit.h). Sizes are the chip's on-board SRAM and
// program flash as the vendors state them (KB = 1024 B, MB = 1024 KB);
// what the board's own firmware (bootloader, BLE or Wi-Fi stack, RTOS) takes
// is not subtracted: the margin a fit reports is what is left for all of it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "libconvert/base/span.h"

namespace tinyforge {

enum class BoardCore {
  kCortexM4F,     // Arm Cortex-M4 with FPU: what the latency model measures
  kCortexM0Plus,  // Arm Cortex-M0+: no FPU, no DSP instructions
  kXtensaLx6,     // Tensilica Xtensa LX6 (ESP32)
  kOther,         // --ram/--flash: unknown
};

struct Board {
  std::string_view name;         // the --board spelling: "nano33ble"
  std::string_view title;        // "Arduino Nano 33 BLE Sense"
  std::string_view chip;         // "nRF52840"
  BoardCore core = BoardCore::kOther;
  int64_t clock_hz = 0;          // the core clock the latency estimate assumes (0: unknown)
  int64_t ram_bytes = 0;
  int64_t flash_bytes = 0;
};

// Every known board, in the order --help lists them.
Span<const Board> KnownBoards();

// The board called `name` (case-insensitive); an Error listing the known
// boards when there is none.
const Board& FindBoard(const std::string& name);

// "Cortex-M4F", "Cortex-M0+", "Xtensa LX6", "unknown core".
std::string_view BoardCoreName(BoardCore core);

// One line per board for --help: "nano33ble  Arduino Nano 33 BLE Sense (nRF52840, Cortex-M4F 64 MHz): 256 KB RAM, 1 MB flash".
std::string KnownBoardsHelp();

}  // namespace tinyforge
