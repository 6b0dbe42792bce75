#include "libconvert/tflm/arena.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/model/model_io.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::GoldenDir;
using testing::ModelPath;
using testing::SharedModelNames;

// --- the greedy planner on hand-made lifetimes ------------------------------------

TEST(PlanGreedy, NoBuffersNeedNoBytes) {
  const PlannerResult r = PlanGreedy({});
  EXPECT_EQ(r.total_bytes, 0);
  EXPECT_TRUE(r.offsets.empty());
}

TEST(PlanGreedy, BuffersLiveAtTheSameTimeAreStacked) {
  // All three overlap at time 1: 0..96, 96..160, 160..192 by size.
  const PlannerResult r = PlanGreedy({{32, 0, 1}, {96, 1, 2}, {64, 1, 1}});
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{160, 0, 96}));
  EXPECT_EQ(r.total_bytes, 192);
}

TEST(PlanGreedy, AChainReusesMemory) {
  // A linear graph: t0 [0,1], t1 [1,2], t2 [2,3]. Largest first: t1 at 0;
  // t0 overlaps t1, goes at 64; t2 overlaps t1 only (t0 ended at 1), and
  // the gap 64..(t0 is not live) -> it fits right after t1 at 64.
  const PlannerResult r = PlanGreedy({{48, 0, 1}, {64, 1, 2}, {48, 2, 3}});
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{64, 0, 64}));
  EXPECT_EQ(r.total_bytes, 112);
}

TEST(PlanGreedy, SmallBufferFillsAGapBetweenLargerOnes) {
  // a [0,4] 100 at 0; b [0,1] 50 at 100; c [3,4] 60: overlaps a only, so it
  // goes at 100 (b is dead by then); d [2,2] 30 overlaps a only -> 100;
  // e [3,3] 20 overlaps a, c, d? d ends at 2, so a and c: gap after c at 160.
  const PlannerResult r =
      PlanGreedy({{100, 0, 4}, {50, 0, 1}, {60, 3, 4}, {30, 2, 2}, {20, 3, 3}});
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{0, 100, 100, 100, 160}));
  EXPECT_EQ(r.total_bytes, 180);
}

TEST(PlanGreedy, FirstFitTakesTheLowestGapThatIsLargeEnough) {
  // Placed by size: x 80 [0,9] at 0, y 64 [0,9] at 80, z 48 [5,9] at 144,
  // w 40 [0,1] at 144 (z does not overlap it in time), v 32 [0,9]: gaps
  // between live x, y, z, w are all zero -> after z at 192.
  // Then u 16 [6,9]: live x, y, z, v -> after v at 224.
  const PlannerResult r = PlanGreedy(
      {{80, 0, 9}, {64, 0, 9}, {48, 5, 9}, {40, 0, 1}, {32, 0, 9}, {16, 6, 9}});
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{0, 80, 144, 144, 192, 224}));
  EXPECT_EQ(r.total_bytes, 240);
}

TEST(PlanGreedy, EqualSizesArePlacedLaterAddedFirst) {
  // Two equal buffers live together: TFLM places the one added last at 0.
  const PlannerResult r = PlanGreedy({{16, 0, 1}, {16, 0, 1}, {16, 5, 6}});
  // Order: #2, #1, #0. #2 at 0; #1 does not overlap #2 in time -> 0; #0
  // overlaps #1 -> 16.
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{16, 0, 0}));
  EXPECT_EQ(r.total_bytes, 32);
}

TEST(PlanGreedy, OfflineBuffersKeepTheirOffsetsAndOnlineOnesFitAround) {
  // Offline: a at 64 [0,3]. Online: b 64 [0,3] fits in the gap 0..64;
  // c 32 [0,3] goes after a at 128.
  const PlannerResult r = PlanGreedy({{64, 0, 3, 64}, {64, 0, 3}, {32, 1, 2}});
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{64, 0, 128}));
  EXPECT_EQ(r.total_bytes, 160);
}

TEST(PlanGreedy, UnmarkedLifetimesOverlapOnlyEachOther) {
  // [-1,-1] is how TFLM leaves tensors of subgraphs nothing calls.
  const PlannerResult r = PlanGreedy({{64, 0, 2}, {32, -1, -1}, {32, -1, -1}});
  EXPECT_EQ(r.offsets, (std::vector<int64_t>{0, 32, 0}));
  EXPECT_EQ(r.total_bytes, 64);
}

// --- the estimate against TFLM's own numbers --------------------------------------

// The figures real TFLM gave for a golden (tflm.json): arena_used_bytes and,
// by bisection, arena_min_bytes, for x86-64 and under "cortex_m4" for the
// Cortex-M4 build. -1 where the golden has none.
struct MeasuredArena {
  int64_t used = -1;
  int64_t min = -1;
};

MeasuredArena Measured(const nlohmann::json& j, TflmTarget target) {
  const nlohmann::json* figures = &j;
  if (target == TflmTarget::kCortexM4) {
    if (!j.contains("cortex_m4")) return {};
    figures = &j.at("cortex_m4");
  }
  return {figures->value("arena_used_bytes", int64_t{-1}), figures->value("arena_min_bytes", int64_t{-1})};
}

// Every golden, both targets: the estimate's used figure is TFLM's
// arena_used_bytes, and its required figure is the bisected minimum.
TEST(EstimateTflmArena, EveryGoldenIsExactOnBothTargets) {
  TF_REQUIRE_SHARED();
  int minima = 0;
  std::string table =
      "model                                      target     TFLM used  est used   TFLM min  est required  set by\n";
  for (const std::string& name : SharedModelNames()) {
    std::ifstream in(GoldenDir(name) + "/tflm.json");
    if (!in) continue;  // TFLM cannot run it: no golden
    const nlohmann::json golden = nlohmann::json::parse(in);
    const Model model = LoadModel(ModelPath(name));
    for (const TflmTarget target : {TflmTarget::kHost, TflmTarget::kCortexM4}) {
      SCOPED_TRACE(name + " on " + std::string(TflmTargetName(target)));
      const MeasuredArena tflm = Measured(golden, target);
      const ArenaEstimate est = EstimateTflmArena(model, target);
      char line[200];
      std::snprintf(line, sizeof line, "%-42s %-10s %9lld %9lld %10lld %13lld  %s\n", name.c_str(),
                    std::string(TflmTargetName(target)).c_str(), static_cast<long long>(tflm.used),
                    static_cast<long long>(est.used_bytes), static_cast<long long>(tflm.min),
                    static_cast<long long>(est.required_bytes), est.bound.Describe().c_str());
      table += line;
      if (tflm.used >= 0) {
        EXPECT_EQ(est.used_bytes, tflm.used);
      }
      if (tflm.min >= 0) {
        EXPECT_EQ(est.required_bytes, tflm.min);
        ++minima;
      }
      EXPECT_EQ(est.required_bytes % kTflmArenaAlignment, 0);
      EXPECT_GE(est.required_bytes, est.used_bytes);
      EXPECT_EQ(est.used_bytes, est.nonpersistent_bytes + est.persistent_bytes);
      EXPECT_EQ(est.persistent_bytes, est.persistent.Total());
      EXPECT_TRUE(est.approximations.empty()) << est.ToText();
    }
  }
  std::printf("%s", table.c_str());
  EXPECT_GE(minima, 100) << "the goldens should give about 51 minima per target";
}

TEST(EstimateTflmArena, ReportsItsBreakdown) {
  TF_REQUIRE_SHARED();
  const ArenaEstimate est = EstimateTflmArena(LoadModel(ModelPath("person_detect")), TflmTarget::kHost);
  const nlohmann::json j = est.ToJson();
  EXPECT_EQ(j.at("target"), "host");
  EXPECT_EQ(j.at("required_bytes").get<int64_t>(), est.required_bytes);
  EXPECT_EQ(j.at("used_bytes").get<int64_t>(), est.used_bytes);
  EXPECT_EQ(j.at("persistent").at("runtime").get<int64_t>(), est.persistent.runtime);
  EXPECT_FALSE(j.at("buffers").empty());
  EXPECT_NE(est.ToText().find("TFLM tensor arena"), std::string::npos);
  // Every planned buffer respects the plan: no two live at once share bytes.
  for (size_t a = 0; a < est.buffers.size(); ++a) {
    for (size_t b = a + 1; b < est.buffers.size(); ++b) {
      const PlannedBuffer& x = est.buffers[a];
      const PlannedBuffer& y = est.buffers[b];
      const bool live_together = !(x.first_use > y.last_use || y.first_use > x.last_use);
      const bool share = x.offset < y.offset + y.bytes && y.offset < x.offset + x.bytes;
      EXPECT_FALSE(live_together && share && x.bytes > 0 && y.bytes > 0) << a << " vs " << b;
    }
  }
}

}  // namespace
}  // namespace tinyforge
