// inspect --board's arithmetic (libconvert/tflm/board_fit.h): the board
// table, the budget flags, and flash/RAM sums checked against independent
// figures: the .tflite size from the file system, the arena TFLM needed on the
// M4 by bisection (../shared/golden/*/tflm.json), the kernel sizes of the
// operators the model is known to use; and the latency model's data.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/tflm/board_fit.h"
#include "libconvert/tflm/boards.h"
#include "libconvert/tflm/code_size.h"
#include "libconvert/tflm/latency.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::GoldenDir;
using testing::ModelPath;

int64_t BoardFitM4ArenaMin(const std::string& name) {
  std::ifstream in(GoldenDir(name) + "/tflm.json");
  return nlohmann::json::parse(in).at("cortex_m4").at("arena_min_bytes").get<int64_t>();
}

int64_t BoardFitFileBytes(const std::string& name) {
  return static_cast<int64_t>(std::filesystem::file_size(ModelPath(name)));
}

TEST(Boards, TheIssuesBoardsWithTheirSizes) {
  // The figures of issue #20 (KB = 1024 B).
  EXPECT_EQ(FindBoard("nano33ble").ram_bytes, 256 * 1024);
  EXPECT_EQ(FindBoard("nano33ble").flash_bytes, 1024 * 1024);
  EXPECT_EQ(FindBoard("stm32f4disco").ram_bytes, 192 * 1024);
  EXPECT_EQ(FindBoard("esp32").ram_bytes, 520 * 1024);
  EXPECT_EQ(FindBoard("esp32").flash_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(FindBoard("PICO").ram_bytes, 264 * 1024);  // names are case-insensitive
  EXPECT_EQ(FindBoard("pico").flash_bytes, 2 * 1024 * 1024);
  EXPECT_EQ(FindBoard("edgebadge").ram_bytes, 192 * 1024);
  EXPECT_EQ(KnownBoards().size(), 5u);
}

TEST(Boards, AnUnknownNameListsTheKnownOnes) {
  try {
    FindBoard("uno");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.exit_code(), 2);
    for (const Board& board : KnownBoards()) EXPECT_NE(message.find(board.name), std::string::npos) << message;
  }
}

TEST(BoardBudget, FlagsParseAndOverride) {
  const BoardBudget custom = MakeBoardBudget("", "96K", "1M");
  EXPECT_FALSE(custom.board.has_value());
  EXPECT_EQ(custom.ram_bytes, 96 * 1024);
  EXPECT_EQ(custom.flash_bytes, 1024 * 1024);
  const BoardBudget less_ram = MakeBoardBudget("nano33ble", "200000", "");
  EXPECT_EQ(less_ram.ram_bytes, 200000);
  EXPECT_EQ(less_ram.flash_bytes, 1024 * 1024);
  EXPECT_THROW(MakeBoardBudget("", "96K", ""), Error);      // no flash budget
  EXPECT_THROW(MakeBoardBudget("", "lots", "1M"), Error);   // not a size
  EXPECT_THROW(MakeBoardBudget("", "0", "1M"), Error);      // zero
}

// hello_world_int8 is three FULLY_CONNECTED operators: flash is the file,
// the core and the one FullyConnected kernel; RAM the M4 arena TFLM needed
// and the static data.
TEST(BoardFit, SumsIndependentFigures) {
  TF_REQUIRE_SHARED();
  const std::string name = "hello_world_int8";
  const Model model = LoadModel(ModelPath(name));
  const BoardFit fit = FitBoard(model, BoardFitFileBytes(name), MakeBoardBudget("nano33ble", "", ""));
  const int64_t kernel = TflmKernelFlashBytes("AddFullyConnected");
  ASSERT_GT(kernel, 0);
  ASSERT_EQ(fit.code.kernels.size(), 1u);
  EXPECT_EQ(fit.FlashBytes(), BoardFitFileBytes(name) + fit.code.core_flash_bytes + kernel);
  EXPECT_EQ(fit.arena_bytes, BoardFitM4ArenaMin(name));
  EXPECT_EQ(fit.RamBytes(), BoardFitM4ArenaMin(name) + fit.code.StaticRamBytes());
  EXPECT_TRUE(fit.Fits());
  EXPECT_TRUE(fit.FailureLines().empty());
  EXPECT_TRUE(fit.Seconds().has_value());  // a Cortex-M4F board
}

// A budget exactly the size needed fits; one byte less does not, and the
// failure names the largest item.
TEST(BoardFit, OneByteShortDoesNotFit) {
  TF_REQUIRE_SHARED();
  const std::string name = "person_detect";
  const Model model = LoadModel(ModelPath(name));
  const BoardFit exact = FitBoard(model, BoardFitFileBytes(name), MakeBoardBudget("", "1M", "4M"));
  const int64_t ram = exact.RamBytes(), flash = exact.FlashBytes();
  EXPECT_EQ(ram, BoardFitM4ArenaMin(name) + exact.code.StaticRamBytes());
  EXPECT_TRUE(FitBoard(model, BoardFitFileBytes(name),
                       MakeBoardBudget("", std::to_string(ram), std::to_string(flash)))
                  .Fits());
  const BoardFit short_ram =
      FitBoard(model, BoardFitFileBytes(name), MakeBoardBudget("", std::to_string(ram - 1), std::to_string(flash)));
  ASSERT_EQ(short_ram.FailureLines().size(), 1u);
  EXPECT_NE(short_ram.FailureLines()[0].find("RAM 1 B over; largest: tensor arena"), std::string::npos)
      << short_ram.FailureLines()[0];
  const BoardFit short_flash =
      FitBoard(model, BoardFitFileBytes(name), MakeBoardBudget("", std::to_string(ram), std::to_string(flash - 1)));
  ASSERT_EQ(short_flash.FailureLines().size(), 1u);
  EXPECT_NE(short_flash.FailureLines()[0].find("flash 1 B over; largest: model"), std::string::npos)
      << short_flash.FailureLines()[0];
}

// The committed held-out rows are what the committed coefficients give for
// those models today (no drift between the fit's features and the
// evaluator's), and the
// error the output states is the largest of them.
TEST(LatencyModel, HeldOutRowsMatchTheEvaluator) {
  TF_REQUIRE_SHARED();
  ASSERT_GE(CostModelHeldOutCount(), 5);
  double worst = 0;
  for (const CostModelCheck& check : CostModelChecks()) {
    if (!check.held_out) continue;
    const Model model = LoadModel(ModelPath(std::string(check.model)));
    // The table holds the coefficients to 6 significant digits.
    EXPECT_NEAR(EstimateM4Instructions(model).instructions, check.estimate, 1e-5 * check.estimate + 1)
        << check.model;
    worst = std::max(worst, std::fabs(100.0 * (check.estimate - check.measured) / check.measured));
  }
  EXPECT_DOUBLE_EQ(CostModelHeldOutMaxErrorPercent(), worst);
}

// The measured counts in the table agree with the ones ../shared/tflm-m4's
// README states (QEMU counts in blocks of 40 instructions).
TEST(LatencyModel, MeasurementsAgreeWithTheOraclesReadme) {
  for (const CostModelCheck& check : CostModelChecks()) {
    if (check.model == "person_detect") {
      EXPECT_NEAR(check.measured, 525844400, 40);
    } else if (check.model == "conv_fc_mnist_srq_a8w8") {
      EXPECT_NEAR(check.measured, 7077760, 40);
    } else if (check.model == "hello_world_int8") {
      EXPECT_EQ(check.measured, 5440);
    }
  }
}

}  // namespace
}  // namespace tinyforge
