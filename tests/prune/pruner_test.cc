// PruneModel on the shared MNIST models: exact sparsity per tensor and over
// the global pool, which weights go (the smallest real magnitudes), what
// must not change (biases, small tensors, kept weights), blocks, overrides,
// the report and bad options. Expected counts are computed here from the
// definitions in prune/pruner.h, never taken from the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/verify.h"
#include "prune/pruner.h"
#include "tests/test_util.h"

namespace tinyforge::prune {
namespace {

using testing::ModelPath;

// Real values of a constant weight: float as is, int8 as scale[c] * q with c
// the index along quantized_dimension.
std::vector<double> Real(const Model& m, int index) {
  const tflite::TensorT& t = m.tensor(0, index);
  std::vector<double> out;
  if (t.type == tflite::TensorType_FLOAT32) {
    for (float v : m.ConstantValues<float>(t)) out.push_back(v);
    return out;
  }
  const auto& q = *t.quantization;
  const Span<const int8_t> v = m.ConstantValues<int8_t>(t);
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(q.quantized_dimension) + 1; d < t.shape.size(); ++d) inner *= t.shape[d];
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t c = q.scale.size() == 1 ? 0 : static_cast<size_t>(i / static_cast<size_t>(inner)) % q.scale.size();
    out.push_back(static_cast<double>(q.scale[c]) * v[i]);
  }
  return out;
}

int64_t Zeros(const std::vector<double>& v) {
  return std::count(v.begin(), v.end(), 0.0);
}

int64_t Round(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

// Weight tensors of conv_fc_mnist (and its int8 twin), by operator: CONV_2D
// [8,3,3,1], FULLY_CONNECTED [32,1568], FULLY_CONNECTED [10,32].
struct Weights {
  int conv, fc1, fc2;
};
Weights WeightsOf(const Model& m) {
  const auto& ops = m.subgraph(0).operators;
  return {ops[0]->inputs[1], ops[3]->inputs[1], ops[4]->inputs[1]};
}

bool SameBytes(const Model& a, const Model& b, int tensor) {
  const Span<const uint8_t> x = a.ConstantBytes(a.tensor(0, tensor));
  const Span<const uint8_t> y = b.ConstantBytes(b.tensor(0, tensor));
  return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

// The largest magnitude pruned and the smallest kept, over units of any
// size: magnitude(unit), whether it was zeroed.
struct Split {
  double largest_pruned = 0;
  double smallest_kept = INFINITY;
  void Add(double magnitude, bool pruned) {
    if (pruned) {
      largest_pruned = std::max(largest_pruned, magnitude);
    } else {
      smallest_kept = std::min(smallest_kept, magnitude);
    }
  }
};

// Pruned weights are exactly those zeroed; every kept weight keeps its
// value; the largest pruned magnitude is at most the smallest kept one.
void ExpectMagnitudeOrder(const std::vector<double>& before, const std::vector<double>& after) {
  ASSERT_EQ(before.size(), after.size());
  Split split;
  for (size_t i = 0; i < before.size(); ++i) {
    if (after[i] != 0.0) {
      ASSERT_EQ(after[i], before[i]) << "element " << i;
    }
    split.Add(std::fabs(before[i]), after[i] == 0.0);
  }
  EXPECT_LE(split.largest_pruned, split.smallest_kept);
}

class PruneMnist : public ::testing::TestWithParam<const char*> {};

TEST_P(PruneMnist, PerLayerGivesExactlyRoundedZerosToEachEligibleTensor) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  const Weights w = WeightsOf(model);
  for (double s : {0.1, 0.5, 0.77, 0.9}) {
    SCOPED_TRACE(s);
    PruneOptions o;
    o.sparsity = s;
    o.min_params = 0;  // all three weight tensors
    const PruneResult r = PruneModel(model, o);
    VerifyModel(r.model);
    for (int t : {w.conv, w.fc1, w.fc2}) {
      const std::vector<double> before = Real(model, t);
      const std::vector<double> after = Real(r.model, t);
      EXPECT_EQ(Zeros(after), std::max(Zeros(before), Round(s * static_cast<double>(before.size()))));
      ExpectMagnitudeOrder(before, after);
    }
    // Biases and every other constant are untouched.
    const auto& ops = model.subgraph(0).operators;
    EXPECT_TRUE(SameBytes(model, r.model, ops[0]->inputs[2]));
    EXPECT_TRUE(SameBytes(model, r.model, ops[3]->inputs[2]));
    EXPECT_TRUE(SameBytes(model, r.model, ops[2]->inputs[1]));
  }
}

TEST_P(PruneMnist, MinParamsLeavesSmallTensorsAlone) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  const Weights w = WeightsOf(model);
  PruneOptions o;
  o.sparsity = 0.5;  // default --min-params 1024: only FC1 (50176) qualifies
  const PruneResult r = PruneModel(model, o);
  EXPECT_TRUE(SameBytes(model, r.model, w.conv));
  EXPECT_TRUE(SameBytes(model, r.model, w.fc2));
  ASSERT_EQ(r.report.layers.size(), 1u);
  const LayerReport& l = r.report.layers[0];
  EXPECT_EQ(l.tensor, w.fc1);
  EXPECT_EQ(l.elements_before, 32 * 1568);
  EXPECT_EQ(l.zeros_before, Zeros(Real(model, w.fc1)));
  EXPECT_EQ(l.zeros_after, std::max(l.zeros_before, Round(0.5 * 32 * 1568)));
  EXPECT_EQ(l.bytes_after, l.bytes_before);
  // The two small tensors are listed as skipped, with the reason.
  ASSERT_EQ(r.report.skipped.size(), 2u);
  for (const SkippedLayer& k : r.report.skipped) {
    EXPECT_NE(k.reason.find("--min-params"), std::string::npos) << k.reason;
  }
}

TEST_P(PruneMnist, GlobalReachesTheTargetWithOneThreshold) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  const Weights w = WeightsOf(model);
  PruneOptions o;
  o.sparsity = 0.6;
  o.scope = Scope::kGlobal;
  o.min_params = 0;
  const PruneResult r = PruneModel(model, o);
  int64_t total = 0, zeros = 0;
  Split split;  // over all three tensors: one threshold
  for (int t : {w.conv, w.fc1, w.fc2}) {
    const std::vector<double> before = Real(model, t);
    const std::vector<double> after = Real(r.model, t);
    total += static_cast<int64_t>(before.size());
    zeros += Zeros(after);
    for (size_t i = 0; i < before.size(); ++i) split.Add(std::fabs(before[i]), after[i] == 0.0);
  }
  EXPECT_EQ(zeros, Round(0.6 * static_cast<double>(total)));
  EXPECT_LE(split.largest_pruned, split.smallest_kept);
  EXPECT_EQ(r.report.after.eligible_elements, total);
  EXPECT_EQ(r.report.after.eligible_zeros, zeros);
}

TEST_P(PruneMnist, BlocksAreWholeAndCounted) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  const int fc1 = WeightsOf(model).fc1;
  PruneOptions o;
  o.sparsity = 0.5;
  o.block = {2, 4};
  const PruneResult r = PruneModel(model, o);
  const std::vector<double> before = Real(model, fc1);
  const std::vector<double> after = Real(r.model, fc1);
  // [32, 1568] in 2x4 tiles: 16 x 392.
  int64_t zero_tiles = 0;
  Split split;
  for (int tr = 0; tr < 16; ++tr) {
    for (int tc = 0; tc < 392; ++tc) {
      bool all_zero = true, all_kept = true;
      double norm = 0;
      for (int r2 = 0; r2 < 2; ++r2) {
        for (int c = 0; c < 4; ++c) {
          const size_t i = static_cast<size_t>((tr * 2 + r2) * 1568 + tc * 4 + c);
          norm += before[i] * before[i];
          all_zero = all_zero && after[i] == 0.0;
          all_kept = all_kept && after[i] == before[i];
        }
      }
      ASSERT_TRUE(all_zero || all_kept) << "tile " << tr << "," << tc;
      const bool pruned = all_zero && !all_kept;
      zero_tiles += pruned ? 1 : 0;
      if (pruned || !all_zero) split.Add(std::sqrt(norm), pruned);
    }
  }
  EXPECT_EQ(zero_tiles, Round(0.5 * 16 * 392));
  EXPECT_LE(split.largest_pruned, split.smallest_kept);
}

TEST_P(PruneMnist, LayerOverridesWinOverScope) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  const Weights w = WeightsOf(model);
  PruneOptions o;
  o.sparsity = 0.5;
  o.scope = Scope::kGlobal;
  o.min_params = 0;
  o.layers = {ParseLayerOverride(model.tensor(0, w.conv).name + "=0"),
              ParseLayerOverride("^" + model.tensor(0, w.fc2).name + "$=0.25")};
  const PruneResult r = PruneModel(model, o);
  EXPECT_TRUE(SameBytes(model, r.model, w.conv));
  EXPECT_EQ(Zeros(Real(r.model, w.fc2)), std::max(Zeros(Real(model, w.fc2)), Round(0.25 * 320)));
  // FC1 is alone in the global pool.
  EXPECT_EQ(Zeros(Real(r.model, w.fc1)), Round(0.5 * 50176));

  o.layers = {ParseLayerOverride("no_such_layer=0.5")};
  try {
    PruneModel(model, o);
    ADD_FAILURE() << "a pattern matching nothing was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("no_such_layer=0.5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("eligible:"), std::string::npos) << e.what();
  }
}

TEST_P(PruneMnist, ReportTotalsAndJson) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  PruneOptions o;
  o.sparsity = 0.7;
  const PruneResult r = PruneModel(model, o);
  const PruneReport& rep = r.report;
  EXPECT_EQ(rep.before.parameters, 50610);  // as `tinyforge inspect` counts conv_fc_mnist
  EXPECT_EQ(rep.after.parameters, 50610);   // unstructured pruning keeps every element
  EXPECT_EQ(rep.after.file_bytes, static_cast<int64_t>(SerializeModel(r.model).size()));
  // Zeros compress: the compressed image shrinks, the file does not.
  EXPECT_EQ(rep.after.file_bytes, rep.before.file_bytes);
  EXPECT_LT(rep.after.zlib_bytes, rep.before.zlib_bytes);
  EXPECT_EQ(rep.after.macs, rep.before.macs);
  const nlohmann::ordered_json j = ToJson(rep);
  EXPECT_EQ(j["schema"], "tinyforge.prune/1");
  EXPECT_EQ(j["layers"].size(), 1u);
  EXPECT_EQ(j["layers"][0]["zeros_after"], Round(0.7 * 50176));
  EXPECT_DOUBLE_EQ(j["layers"][0]["sparsity_after"].get<double>(), static_cast<double>(Round(0.7 * 50176)) / 50176);
  EXPECT_TRUE(j["accuracy"].is_null());
  EXPECT_EQ(j["skipped"].size(), 2u);
  EXPECT_NE(FormatReport(rep).find("zlib"), std::string::npos);
}

TEST_P(PruneMnist, Deterministic) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath(GetParam()));
  PruneOptions o;
  o.sparsity = 0.42;
  o.scope = Scope::kGlobal;
  o.min_params = 0;
  EXPECT_EQ(SerializeModel(PruneModel(model, o).model), SerializeModel(PruneModel(model, o).model));
}

INSTANTIATE_TEST_SUITE_P(FloatAndInt8, PruneMnist, ::testing::Values("conv_fc_mnist", "conv_fc_mnist_srq_a8w8"));

TEST(PruneOptionsCheck, RejectsOutOfRangeValues) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  auto expect_bad = [&](PruneOptions o, const std::string& flag) {
    try {
      PruneModel(model, o);
      ADD_FAILURE() << flag << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kBadInput);
      EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << e.what();
    }
  };
  PruneOptions o;
  o.sparsity = 1.5;
  expect_bad(o, "--sparsity");
  o.sparsity = std::nan("");
  expect_bad(o, "--sparsity");
  o.sparsity = -0.1;
  expect_bad(o, "--sparsity");
  o = {};
  o.channels = 1.0;
  expect_bad(o, "--channels");
  o.channels = std::nan("");
  expect_bad(o, "--channels");
  o = {};
  o.min_params = -1;
  expect_bad(o, "--min-params");
}

}  // namespace
}  // namespace tinyforge::prune
