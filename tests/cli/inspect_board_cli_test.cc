// `tinyforge inspect --board/--ram/--flash` end to end: exit 0 when the model
// fits, 1 with the largest items named when it does not, 2 (one line) for
// bad flags; the figures printed are the file's size and the arena TFLM
// needed on the M4 (../shared/golden), not the command's own arithmetic.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "libconvert/base/text_format.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::ModelPath;
using testing::RunResult;
using testing::RunTinyforge;

int64_t BoardCliArenaMin(const std::string& name) {
  std::ifstream in(testing::GoldenDir(name) + "/tflm.json");
  return nlohmann::json::parse(in).at("cortex_m4").at("arena_min_bytes").get<int64_t>();
}

// person_detect (300 KB of weights, an 82 KB arena) fits the Nano 33 BLE.
TEST(InspectBoardCli, PersonDetectFitsTheNano) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("inspect_board_fits");
  const RunResult r = RunTinyforge(dir, {"inspect", ModelPath("person_detect"), "--board", "nano33ble"});
  EXPECT_EQ(r.status, 0) << r.err;
  const int64_t file = static_cast<int64_t>(std::filesystem::file_size(ModelPath("person_detect")));
  EXPECT_NE(r.out.find("model " + Thousands(file) + " B"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tensor arena " + Thousands(BoardCliArenaMin("person_detect")) + " B"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  fits\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("per inference at 64 MHz"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("models it was not fitted to"), std::string::npos) << r.out;
}

// 64 KB of RAM is less than its arena alone: exit 1, the arena named.
TEST(InspectBoardCli, TooLittleRamExitsOneNamingTheArena) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("inspect_board_ram");
  const RunResult r = RunTinyforge(dir, {"inspect", ModelPath("person_detect"), "--ram", "64K", "--flash", "1M"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("DOES NOT FIT"), std::string::npos);
  EXPECT_NE(r.err.find("RAM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("largest: tensor arena " + Thousands(BoardCliArenaMin("person_detect")) + " B"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("not estimated for an unknown core"), std::string::npos) << r.out;
}

// 256 KB of flash is less than the model file: exit 1, the model named; the
// JSON report says the same.
TEST(InspectBoardCli, TooLittleFlashExitsOneNamingTheModel) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("inspect_board_flash");
  const RunResult r =
      RunTinyforge(dir, {"inspect", ModelPath("person_detect"), "--board", "nano33ble", "--flash", "256K", "--json"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("flash"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("largest: model"), std::string::npos) << r.err;
  const nlohmann::json fit = nlohmann::json::parse(r.out).at("board_fit");
  EXPECT_FALSE(fit.at("fits").get<bool>());
  EXPECT_EQ(fit.at("flash").at("model").get<int64_t>(),
            static_cast<int64_t>(std::filesystem::file_size(ModelPath("person_detect"))));
  EXPECT_EQ(fit.at("ram").at("arena").get<int64_t>(), BoardCliArenaMin("person_detect"));
}

TEST(InspectBoardCli, BadFlagsExitTwoOnOneLine) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("inspect_board_bad");
  const std::string model = ModelPath("hello_world_int8");
  const RunResult unknown = RunTinyforge(dir, {"inspect", model, "--board", "uno"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(testing::CountLines(unknown.err), 1u) << unknown.err;
  for (const char* name : {"nano33ble", "stm32f4disco", "esp32", "pico", "edgebadge"}) {
    EXPECT_NE(unknown.err.find(name), std::string::npos) << unknown.err;
  }
  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"--ram", "lots", "--flash", "1M"}, {"--ram", "96K"}, {"--ram", "0", "--flash", "1M"}}) {
    std::vector<std::string> args = {"inspect", model};
    args.insert(args.end(), flags.begin(), flags.end());
    const RunResult r = RunTinyforge(dir, args);
    EXPECT_EQ(r.status, 2) << flags[0] << " " << flags[1];
    EXPECT_EQ(testing::CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(flags.size() == 2 ? "--flash" : "--ram"), std::string::npos) << r.err;
  }
}

// The Pico is a Cortex-M0+: a lower bound, said to be one; the ESP32 no estimate.
TEST(InspectBoardCli, LatencyOnlyWhereTheModelApplies) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string dir = testing::TempDir("inspect_board_latency");
  const RunResult pico = RunTinyforge(dir, {"inspect", ModelPath("hello_world_int8"), "--board", "pico"});
  EXPECT_EQ(pico.status, 0) << pico.err;
  EXPECT_NE(pico.out.find("latency: more than"), std::string::npos) << pico.out;
  EXPECT_NE(pico.out.find("a lower bound"), std::string::npos) << pico.out;
  const RunResult esp = RunTinyforge(dir, {"inspect", ModelPath("hello_world_int8"), "--board", "esp32"});
  EXPECT_EQ(esp.status, 0) << esp.err;
  EXPECT_NE(esp.out.find("not estimated for Xtensa LX6"), std::string::npos) << esp.out;
}

TEST(InspectBoardCli, HelpListsTheBoards) {
  TF_REQUIRE_BINARY();
  const std::string dir = testing::TempDir("inspect_board_help");
  const RunResult r = RunTinyforge(dir, {"inspect", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* text : {"Arduino Nano 33 BLE Sense", "STM32F4 Discovery", "ESP32", "Raspberry Pi Pico",
                           "Adafruit EdgeBadge", "Exit 0 fits, 1 does not fit"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace tinyforge
