// Every one-operator example model (libconvert/interp/examples) on the real
// TFLM (../shared/tflm/bin/tflm_run) and on tinyforge's Interpreter with
// both kernel sets, with the same seeded random inputs: integer outputs
// must be equal bit for bit, floats within 1e-5 relative (1e-6 absolute
// near zero, NaN equal to NaN), as the goldens; the float kernels that
// compute in TFLM's own order (kExactFloatOps) must give TFLM's bytes.
//
// Nothing is skipped quietly: an example whose (operator, type) TFLM's kernel
// refuses is listed in kTflmRefusals with TFLM's own message, and must be
// refused with it; an example whose operator TFLM has no kernel for
// (libconvert/tflm/ops.h) must be refused by the real runner as unknown.
//
// Cost: the accepted examples run as one model (each example's operator
// side by side in one subgraph), so TFLM starts once for all of them; the
// refused ones run one by one. About 2 s in all.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "libconvert/interp/examples/op_examples.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/dtype.h"
#include "libconvert/model/model_io.h"
#include "libconvert/tflm/ops.h"
#include "tests/op_example_inputs.h"
#include "tests/output_compare.h"
#include "tests/tflm_oracle.h"

namespace tinyforge {
namespace {

using interp::OpExample;

constexpr uint32_t kOracleSeed = 0x90b983;
constexpr int kOracleSamples = 8;

// Float kernels whose every kernel set (reference and fast) computes each
// output element with TFLM's operations in TFLM's order, so their floats
// are TFLM's bytes. The others may sum in another order (the fast conv, FC
// and pooling kernels) and are held to the 1e-5 rule.
bool ExactFloatOp(tflite::BuiltinOperator op) {
  switch (op) {
    case tflite::BuiltinOperator_TRANSPOSE_CONV:
    case tflite::BuiltinOperator_L2_NORMALIZATION:
    case tflite::BuiltinOperator_LOG_SOFTMAX:
    case tflite::BuiltinOperator_BATCH_TO_SPACE_ND:
    case tflite::BuiltinOperator_SPACE_TO_BATCH_ND:
    case tflite::BuiltinOperator_DIV:
    case tflite::BuiltinOperator_PRELU:
      return true;
    default:
      return false;
  }
}

// The examples TFLM (tflite-micro 90b983c2, reference kernels) refuses
// although it has a kernel for the operator, and what its runner says.
struct Refusal {
  tflite::BuiltinOperator op;
  std::vector<tflite::TensorType> types;  // empty: every type
  std::string_view name_part;             // "": every example of the row
  std::string_view log_says;
};

const std::vector<Refusal>& TflmRefusals() {
  using T = tflite::TensorType;
  static const std::vector<Refusal> refusals = {
      // reduce.cc EvalMax: float32 and int8 only (REDUCE_MIN shares it).
      {tflite::BuiltinOperator_REDUCE_MAX, {T::TensorType_INT16}, "", "Only float32 and int8 types are supported"},
      {tflite::BuiltinOperator_REDUCE_MIN, {T::TensorType_INT16}, "", "Only float32 and int8 types are supported"},
      {tflite::BuiltinOperator_EXPAND_DIMS,
       {T::TensorType_UINT8, T::TensorType_INT32, T::TensorType_INT64, T::TensorType_BOOL},
       "",
       "Expand_Dims only currently supports int8, int16 and float32"},
      {tflite::BuiltinOperator_TRANSPOSE,
       {T::TensorType_UINT8, T::TensorType_INT32, T::TensorType_INT64, T::TensorType_BOOL},
       "",
       "Only float32, int8 and int16 are supported"},
      {tflite::BuiltinOperator_CONCATENATION, {T::TensorType_UINT8}, "", "input_type == kTfLiteFloat32"},
      // The reference depthwise kernels check the bias size against the
      // output depth unconditionally (TFLITE_DCHECK_EQ, always on in TFLM):
      // a model without a bias aborts the runner.
      {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {}, "_no_bias", "Aborted"},
  };
  return refusals;
}

const Refusal* FindRefusal(const OpExample& e) {
  for (const Refusal& r : TflmRefusals()) {
    if (r.op != e.op) continue;
    if (!r.types.empty() && std::find(r.types.begin(), r.types.end(), e.type) == r.types.end()) continue;
    if (e.name.find(r.name_part) == std::string::npos) continue;
    return &r;
  }
  return nullptr;
}

// One example's model and inputs.
struct OracleCase {
  const OpExample* example;
  Model model;
  std::vector<NpyArray> inputs;
};

OracleCase MakeCase(const OpExample& e) {
  Model model = e.build();
  std::vector<NpyArray> inputs = testing::RandomExampleInputs(e, model, kOracleSeed, kOracleSamples);
  return {&e, std::move(model), std::move(inputs)};
}

// The one-subgraph models of `cases` side by side in one subgraph: each
// operator keeps its own tensors, buffers and operator code; the inputs and
// outputs are the cases' in order.
Model SideBySide(const std::vector<OracleCase>& cases) {
  auto merged = std::make_unique<tflite::ModelT>();
  merged->version = 3;
  merged->buffers.push_back(std::make_unique<tflite::BufferT>());  // the empty sentinel
  merged->subgraphs.push_back(std::make_unique<tflite::SubGraphT>());
  tflite::SubGraphT& g = *merged->subgraphs[0];
  std::map<std::tuple<int, int, std::string>, int32_t> codes;
  for (const OracleCase& c : cases) {
    Model copy = c.model.Clone();
    tflite::ModelT& m = copy.raw();
    std::vector<uint32_t> buffer_at(m.buffers.size(), 0);
    for (size_t i = 1; i < m.buffers.size(); ++i) {
      buffer_at[i] = static_cast<uint32_t>(merged->buffers.size());
      merged->buffers.push_back(std::move(m.buffers[i]));
    }
    std::vector<int32_t> code_at;
    for (auto& code : m.operator_codes) {
      const auto key = std::make_tuple(static_cast<int>(code->builtin_code), code->version, code->custom_code);
      const auto [it, added] = codes.emplace(key, static_cast<int32_t>(merged->operator_codes.size()));
      if (added) merged->operator_codes.push_back(std::move(code));
      code_at.push_back(it->second);
    }
    tflite::SubGraphT& sg = *m.subgraphs.at(0);
    const int base = static_cast<int>(g.tensors.size());
    auto shift = [base](std::vector<int32_t>& indices) {
      for (int32_t& i : indices) i = i < 0 ? i : i + base;  // -1: an omitted optional input
    };
    for (auto& t : sg.tensors) {
      t->buffer = buffer_at.at(t->buffer);
      g.tensors.push_back(std::move(t));
    }
    for (auto& op : sg.operators) {
      op->opcode_index = static_cast<uint32_t>(code_at.at(op->opcode_index));
      shift(op->inputs);
      shift(op->outputs);
      shift(op->intermediates);
      g.operators.push_back(std::move(op));
    }
    shift(sg.inputs);
    shift(sg.outputs);
    g.inputs.insert(g.inputs.end(), sg.inputs.begin(), sg.inputs.end());
    g.outputs.insert(g.outputs.end(), sg.outputs.begin(), sg.outputs.end());
  }
  const Model unverified(std::move(merged), "examples side by side");
  const std::vector<uint8_t> bytes = SerializeModel(unverified);
  return ParseModel(bytes.data(), bytes.size(), unverified.source());
}

// Runs `model` with `inputs` on TFLM in a fresh directory, removed after.
testing::TflmResult RunOnTflm(const Model& model, const std::vector<NpyArray>& inputs, const std::string& tag) {
  const std::string dir = testing::TempDir("oracle_" + tag);
  SaveModel(model, dir + "/model.tflite");
  testing::TflmResult r = testing::RunTflm(testing::TflmTarget::kHost, dir + "/model.tflite", inputs, dir + "/run");
  std::filesystem::remove_all(dir);
  return r;
}

// Runs case `c` on the interpreter with one kernel set, sample by sample, and compares each
// output with TFLM's `outputs` (stacked samples, one array per output).
void ExpectMatches(const OracleCase& c, const NpyArray* outputs, bool reference) {
  SCOPED_TRACE(c.example->name + (reference ? " (reference kernels)" : " (fast kernels)"));
  interp::Interpreter interpreter(c.model, interp::InterpreterOptions{reference});
  interpreter.Prepare();
  for (size_t s = 0; s < kOracleSamples; ++s) {
    interpreter.ResetVariables();
    testing::SetSample(interpreter, c.inputs, s);
    interpreter.Invoke();
    for (size_t k = 0; k < interpreter.num_outputs(); ++k) {
      const interp::RuntimeTensor& got = interpreter.output(k);
      const NpyArray& want = outputs[k];
      ASSERT_EQ(want.dtype, NpyDTypeOf(got.type).value()) << "output " << k;
      ASSERT_EQ(want.data.size(), got.bytes * kOracleSamples) << "output " << k;
      const uint8_t* want_sample = want.data.data() + s * got.bytes;
      const testing::OutputDifference d =
          testing::CompareOutput(got.type, got.data, want_sample, static_cast<size_t>(got.count()));
      EXPECT_EQ(d.mismatches, 0u) << "sample " << s << ", output " << k << ": " << d.mismatches << " of "
                                  << got.count() << " differ; element " << d.first << " is "
                                  << testing::ElementText(got.type, got.data, d.first) << ", TFLM gives "
                                  << testing::ElementText(got.type, want_sample, d.first) << " (max |diff| "
                                  << d.max_abs << ")";
      if (got.type == tflite::TensorType_FLOAT32 && ExactFloatOp(c.example->op)) {
        EXPECT_EQ(std::memcmp(got.data, want_sample, got.bytes), 0)
            << "sample " << s << ", output " << k << ": not TFLM's float bytes";
      }
    }
  }
}

TEST(KernelOracle, ExamplesMatchTflm) {
  TF_REQUIRE_TFLM();
  std::vector<OracleCase> cases;
  std::vector<NpyArray> inputs;
  for (const OpExample& e : interp::OpExamples()) {
    if (!TflmHasKernel(e.op) || FindRefusal(e)) continue;
    cases.push_back(MakeCase(e));
    for (const NpyArray& a : cases.back().inputs) inputs.push_back(a);
  }
  const testing::TflmResult r = RunOnTflm(SideBySide(cases), inputs, "all");
  if (!r.ran()) {
    // Name the example TFLM stops on: each on its own.
    for (const OracleCase& c : cases) {
      const testing::TflmResult one = RunOnTflm(c.model, c.inputs, c.example->name);
      EXPECT_TRUE(one.ran()) << "TFLM refuses " << c.example->name << " (exit " << one.status << "):\n" << one.log;
    }
    FAIL() << "TFLM does not run the examples side by side (exit " << r.status << "):\n" << r.log;
  }
  size_t output = 0;
  std::map<std::string, std::set<std::string>> covered;  // operator -> types
  for (const OracleCase& c : cases) {
    const size_t n = c.model.subgraph(0).outputs.size();
    ASSERT_LE(output + n, r.outputs.size());
    ExpectMatches(c, &r.outputs[output], /*reference=*/true);
    ExpectMatches(c, &r.outputs[output], /*reference=*/false);
    output += n;
    covered[tflite::EnumNameBuiltinOperator(c.example->op)].insert(TypeName(c.example->type));
  }
  EXPECT_EQ(output, r.outputs.size());
  std::printf("[ oracle   ] %zu examples, seed %u, %d samples each, equal to TFLM:\n", cases.size(), kOracleSeed, kOracleSamples);
  for (const auto& [op, types] : covered) {
    std::string list;
    for (const std::string& t : types) list += (list.empty() ? "" : " ") + t;
    std::printf("[ oracle   ]   %s: %s\n", op.c_str(), list.c_str());
  }
}

TEST(KernelOracle, RefusedExamplesAreRefusedAsListed) {
  TF_REQUIRE_TFLM();
  std::vector<const Refusal*> used;
  for (const OpExample& e : interp::OpExamples()) {
    const Refusal* refusal = FindRefusal(e);
    if (!TflmHasKernel(e.op) || !refusal) continue;
    used.push_back(refusal);
    const OracleCase c = MakeCase(e);
    const testing::TflmResult r = RunOnTflm(c.model, c.inputs, e.name);
    EXPECT_FALSE(r.ran()) << "TFLM runs " << e.name << ": remove it from TflmRefusals";
    EXPECT_NE(r.log.find(refusal->log_says), std::string::npos)
        << e.name << ": TFLM refuses it otherwise than listed (\"" << refusal->log_says << "\"):\n"
        << r.log;
    std::printf("[ refused  ] %s: %s\n", e.name.c_str(), std::string(refusal->log_says).c_str());
  }
  for (const Refusal& r : TflmRefusals()) {
    EXPECT_NE(std::find(used.begin(), used.end(), &r), used.end())
        << tflite::EnumNameBuiltinOperator(r.op) << ": a listed refusal no example has";
  }
}

// Operators tinyforge runs and TFLM has no kernel for, per libconvert/tflm:
// the real runner must not know them either.
TEST(KernelOracle, OperatorsWithoutATflmKernelAreUnknownToTflm) {
  TF_REQUIRE_TFLM();
  std::set<tflite::BuiltinOperator> checked;
  for (const OpExample& e : interp::OpExamples()) {
    if (TflmHasKernel(e.op) || !checked.insert(e.op).second) continue;
    const OracleCase c = MakeCase(e);
    const testing::TflmResult r = RunOnTflm(c.model, c.inputs, e.name);
    EXPECT_FALSE(r.ran()) << "TFLM runs " << e.name << ": libconvert/tflm/ops.cc lacks its resolver method";
    EXPECT_NE(r.log.find("Didn't find op for builtin opcode"), std::string::npos) << e.name << ":\n" << r.log;
    std::printf("[ no kernel] %s: TFLM has no kernel (%s)\n", tflite::EnumNameBuiltinOperator(e.op),
                std::string(TflmNoKernelNote(e.op)).c_str());
  }
}

}  // namespace
}  // namespace tinyforge
