#include "libconvert/tflm/boards.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

constexpr int64_t kBoardKiB = 1024;
constexpr int64_t kBoardMHz = 1000 * 1000;

// Clocks: the default core clock of each board's usual Arduino/SDK setup.
constexpr std::array<Board, 5> kBoards = {{
    {"nano33ble", "Arduino Nano 33 BLE Sense", "nRF52840", BoardCore::kCortexM4F, 64 * kBoardMHz,
     256 * kBoardKiB, 1024 * kBoardKiB},
    {"stm32f4disco", "STM32F4 Discovery", "STM32F407VG", BoardCore::kCortexM4F, 168 * kBoardMHz,
     192 * kBoardKiB, 1024 * kBoardKiB},
    {"esp32", "ESP32 (DevKitC)", "ESP32", BoardCore::kXtensaLx6, 240 * kBoardMHz, 520 * kBoardKiB,
     4096 * kBoardKiB},
    {"pico", "Raspberry Pi Pico", "RP2040", BoardCore::kCortexM0Plus, 133 * kBoardMHz,
     264 * kBoardKiB, 2048 * kBoardKiB},
    {"edgebadge", "Adafruit EdgeBadge", "ATSAMD51J19", BoardCore::kCortexM4F, 120 * kBoardMHz,
     192 * kBoardKiB, 1024 * kBoardKiB},
}};

std::string LowerBoardName(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string BoardSizeText(int64_t bytes) {
  return bytes % (1024 * kBoardKiB) == 0 ? std::to_string(bytes / (1024 * kBoardKiB)) + " MB"
                                         : std::to_string(bytes / kBoardKiB) + " KB";
}

}  // namespace

Span<const Board> KnownBoards() { return Span<const Board>(kBoards.data(), kBoards.size()); }

const Board& FindBoard(const std::string& name) {
  const std::string wanted = LowerBoardName(name);
  for (const Board& board : kBoards) {
    if (board.name == wanted) return board;
  }
  std::string known;
  for (const Board& board : kBoards) known += (known.empty() ? "" : ", ") + std::string(board.name);
  throw Error("--board " + name + ": unknown board; known boards: " + known +
              " (or give --ram and --flash for any other)");
}

std::string_view BoardCoreName(BoardCore core) {
  switch (core) {
    case BoardCore::kCortexM4F:
      return "Cortex-M4F";
    case BoardCore::kCortexM0Plus:
      return "Cortex-M0+";
    case BoardCore::kXtensaLx6:
      return "Xtensa LX6";
    case BoardCore::kOther:
      break;
  }
  return "unknown core";
}

std::string KnownBoardsHelp() {
  std::string text;
  for (const Board& board : kBoards) {
    std::string name(board.name);
    name.resize(14, ' ');
    text += "  " + name + std::string(board.title) + " (" + std::string(board.chip) + ", " +
            std::string(BoardCoreName(board.core)) + " " + std::to_string(board.clock_hz / kBoardMHz) +
            " MHz): " + BoardSizeText(board.ram_bytes) + " RAM, " + BoardSizeText(board.flash_bytes) +
            " flash\n";
  }
  return text;
}

}  // namespace tinyforge
