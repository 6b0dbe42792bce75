// Whole models with the fast kernels against the reference kernels: every
// golden model of ../shared/golden (with its TFLM input) and the synthetic
// tiny MobileNetV2s (int8 and float, TFLite and PyTorch layouts) on seeded
// random inputs. Integer outputs must be equal to the bit, float outputs
// within 1e-5 of the output's largest magnitude.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>

#include "libconvert/interp/fast/fast_kernels.h"
#include "libconvert/interp/fast/fast_table.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "libconvert/model/synthetic_models.h"
#include "tests/output_compare.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

// Runs `model` with fast and with reference kernels on the same inputs
// (fill(interpreter) writes them) and expects the same outputs. Both kernel
// sets must run the model.
template <typename Fill>
void ExpectFastMatchesReference(const Model& model, Fill fill, int threads = 1) {
  interp::Interpreter fast(model, interp::InterpreterOptions{false, threads});
  interp::Interpreter reference(model, interp::InterpreterOptions{true});
  ASSERT_NO_THROW(reference.Prepare());
  ASSERT_NO_THROW(fast.Prepare());
  // Every operator that reports a fast kernel has a row in the fast table
  // (what `tinyforge ops` prints).
  const tflite::SubGraphT& g = model.subgraph(0);
  for (size_t o = 0; o < g.operators.size(); ++o) {
    if (!fast.RunsFastKernel(o)) continue;
    const tflite::OperatorT& op = *g.operators[o];
    const int key = interp::KernelKeyTensor(model, op);
    if (key < 0) continue;  // an operator with no tensors has no kernel to run
    const tflite::TensorType type = g.tensors[static_cast<size_t>(key)]->type;
    EXPECT_NE(interp::fast::FindFastKernel(model.OpCode(op), type), nullptr)
        << "operator " << o << " " << tflite::EnumNameBuiltinOperator(model.OpCode(op)) << " "
        << tflite::EnumNameTensorType(type) << " runs a fast kernel that fast_table.cc does not list";
  }
  fill(fast);
  fill(reference);
  fast.Invoke();
  reference.Invoke();
  ASSERT_EQ(fast.num_outputs(), reference.num_outputs());
  for (size_t k = 0; k < fast.num_outputs(); ++k) {
    const interp::RuntimeTensor& want = reference.output(k);
    const testing::OutputDifference d =
        testing::CompareOutput(want.type, fast.output(k).data, want.data, static_cast<size_t>(want.count()));
    EXPECT_EQ(d.mismatches, 0u) << "output " << k << ": largest difference " << d.max_abs;
  }
}

// Fast against reference on a golden model, with TFLM's inputs.
void ExpectGoldenFastMatchesReference(const std::string& name) {
  const std::string dir = testing::GoldenDir(name);
  const Model model = LoadModel(testing::ModelPath(name));
  ExpectFastMatchesReference(model, [&](interp::Interpreter& interpreter) {
    for (size_t k = 0; k < interpreter.num_inputs(); ++k) {
      const NpyArray in = ReadNpy(dir + "/input_" + std::to_string(k) + ".npy");
      ASSERT_EQ(in.data.size(), interpreter.input(k).bytes);
      std::memcpy(interpreter.input(k).data, in.data.data(), in.data.size());
    }
  });
}

// The tiny synthetic MobileNetV2s (every fast kernel MobileNets use, PADs
// folded into convs) on seeded inputs; seed 3 splits each operator over
// three threads.
void ExpectTinyMobileNetFastMatchesReference(const std::string& name = "mobilenet_v2_tiny") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(name + " seed " + std::to_string(seed));
    const int threads = seed == 3 ? 3 : 1;
    const Model model = BuildSyntheticModel(name, seed);
    ExpectFastMatchesReference(model, [seed](interp::Interpreter& interpreter) {
      std::mt19937 rng(seed);
      interp::RuntimeTensor& in = interpreter.input(0);
      if (in.type == tflite::TensorType_FLOAT32) {
        std::uniform_real_distribution<float> value(-1.0f, 1.0f);
        for (int64_t i = 0; i < in.count(); ++i) in.Data<float>()[i] = value(rng);
      } else {
        for (size_t i = 0; i < in.bytes; ++i) in.data[i] = static_cast<uint8_t>(rng());
      }
    }, threads);
  }
}

class FastGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FastGoldenTest, FastMatchesReference) {
  TF_REQUIRE_SHARED();
  ExpectGoldenFastMatchesReference(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Shared, FastGoldenTest, ::testing::ValuesIn(testing::GoldenModelParams()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

class FastSynthetic : public ::testing::TestWithParam<std::string> {};

TEST_P(FastSynthetic, TinyMobileNetV2MatchesReference) {
  if (!interp::fast::Available()) GTEST_SKIP() << "this CPU has no AVX2/FMA: no fast kernels";
  ExpectTinyMobileNetFastMatchesReference(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Tiny, FastSynthetic,
                         ::testing::Values("mobilenet_v2_tiny", "mobilenet_v2_float_tiny", "mobilenet_v2_pt_tiny",
                                           "mobilenet_v2_pt_float_tiny"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// The AVX-512 paths of the fast kernels (int8 and float) on whole models,
// through SIMDe's emulated kernels (tests/interp/gemm_avx512_emulated.cc),
// so they run on CPUs without AVX-512 too.
class EmulatedVnni : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!interp::fast::Available()) GTEST_SKIP() << "this CPU has no AVX2/FMA: no fast kernels";
    interp::fast::OverrideAvx512KernelsForTesting(true, interp::fast::avx512_emulated::Kernels());
  }
  void TearDown() override { interp::fast::OverrideAvx512KernelsForTesting(false, {}); }
};

TEST_F(EmulatedVnni, GoldenModelsMatchReference) {
  TF_REQUIRE_SHARED();
  const std::vector<std::string> names = testing::GoldenModelNames();
  EXPECT_FALSE(names.empty());
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    ExpectGoldenFastMatchesReference(name);
  }
}

TEST_F(EmulatedVnni, TinyMobileNetV2MatchesReference) { ExpectTinyMobileNetFastMatchesReference(); }

}  // namespace
}  // namespace tinyforge
