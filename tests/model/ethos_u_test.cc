// Vela-compiled models (Ethos-U): the verifier accepts the scratch operands
// of an ethos-u operator that no operator produces, and nothing else of the
// kind; the interpreter refuses the operator in one line; the summary and
// the arena estimate describe it as TFLM would place it.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "libconvert/interp/interpreter.h"
#include "libconvert/model/ethos_u.h"
#include "libconvert/model/verify.h"
#include "libconvert/summary/model_summary.h"
#include "libconvert/tflm/arena.h"
#include "tests/model/vela_model.h"

namespace tinyforge {
namespace {

using testing::VelaModel;
using testing::VelaModelShape;

// The message VerifyModel gives `model`, or "" when it accepts it.
std::string VerifyMessage(const Model& model) {
  try {
    VerifyModel(model);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

constexpr char kUnproduced[] = "which no operator produces";

TEST(EthosU, VerifierAcceptsTheScratchOperandsOfAnEthosUOperator) {
  for (const bool around : {false, true}) {
    VelaModelShape shape;
    shape.cpu_ops_around = around;
    shape.scratch_fast_bytes = around ? 256 : 0;
    const Model model = VelaModel(shape);  // Build() verifies
    EXPECT_EQ(VerifyMessage(model), "");
    const tflite::OperatorT& op = *model.subgraph(0).operators[around ? 1 : 0];
    EXPECT_TRUE(IsEthosUOperator(model, op));
    EXPECT_TRUE(IsEthosUScratchOperand(model, 0, op, 2));
    EXPECT_TRUE(IsEthosUScratchOperand(model, 0, op, 3));
    EXPECT_FALSE(IsEthosUScratchOperand(model, 0, op, 4));
  }
}

TEST(EthosU, VerifierStillRejectsAnUnproducedTensorAnywhereElse) {
  // The same tensor at the real-input position of the ethos-u operator.
  {
    Model m = VelaModel();
    tflite::OperatorT& op = *m.subgraph(0).operators[0];
    op.inputs[4] = op.inputs[2];
    EXPECT_NE(VerifyMessage(m).find("input 4 is tensor"), std::string::npos) << VerifyMessage(m);
    EXPECT_NE(VerifyMessage(m).find(kUnproduced), std::string::npos);
  }
  // The same layout under another custom code.
  {
    Model m = VelaModel();
    m.raw().operator_codes[m.subgraph(0).operators[0]->opcode_index]->custom_code = "ethos-u-not";
    EXPECT_NE(VerifyMessage(m).find("input 2 is tensor"), std::string::npos) << VerifyMessage(m);
  }
  // A scratch operand that is not uint8.
  {
    Model m = VelaModel();
    m.tensor(0, m.subgraph(0).operators[0]->inputs[2]).type = tflite::TensorType_INT8;
    EXPECT_NE(VerifyMessage(m).find(kUnproduced), std::string::npos) << VerifyMessage(m);
  }
  // An unproduced tensor read by a builtin operator.
  {
    VelaModelShape shape;
    shape.cpu_ops_around = true;
    Model m = VelaModel(shape);
    auto orphan = std::make_unique<tflite::TensorT>();
    orphan->name = "orphan";
    orphan->type = tflite::TensorType_UINT8;
    orphan->shape = {1, 4, 4};
    const int index = m.AddTensor(0, std::move(orphan));
    m.subgraph(0).operators[0]->inputs[0] = index;
    const std::string message = VerifyMessage(m);
    EXPECT_NE(message.find("operator 0 (RESHAPE): input 0 is tensor " + std::to_string(index)), std::string::npos)
        << message;
    EXPECT_NE(message.find(kUnproduced), std::string::npos);
  }
}

TEST(EthosU, InterpreterRefusesTheOperatorInOneLine) {
  const Model model = VelaModel();
  interp::Interpreter interpreter(model);
  try {
    interpreter.Prepare();
    FAIL() << "Prepare accepted an ethos-u operator";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find("vela.tflite: subgraph 0, operator 0 (CUSTOM(ethos-u))"), std::string::npos) << message;
    EXPECT_NE(message.find("ethos-u custom operator: runs only on an Ethos-U NPU; tinyforge has no kernel for it"),
              std::string::npos)
        << message;
  }
}

TEST(EthosU, SummaryNamesTheNpuAndItsSizes) {
  VelaModelShape shape;
  shape.command_stream_bytes = 240;
  shape.scratch_bytes = 2048;
  shape.scratch_fast_bytes = 64;
  const ModelSummary s = Summarize(VelaModel(shape));
  const OperatorSummary& op = s.subgraphs.at(0).operators.at(0);
  EXPECT_EQ(op.name, "CUSTOM(ethos-u)");
  std::string options;
  for (const OpOption& o : op.options) options += o.key + "=" + o.value + ";";
  EXPECT_EQ(options, "runs_on=Ethos-U NPU;command_stream=240 B;scratch=2048 B;scratch_fast=64 B;");
  EXPECT_EQ(op.tflm_method, "AddEthosU");
}

// TFLM plans a tensor no operator produces from before the first operator
// (AllocationInfoBuilder leaves first_created at -1, micro_allocation_info.cc)
// to its last reader, so the scratch overlaps everything before the ethos-u
// operator. Here everything is live at once: input 16 + output 16 + scratch
// 1024 (+ scratch_fast 0, not planned), and the kernel's two scratch requests
// of 6 operands x 8 bytes (uint64_t base addresses, then size_t sizes on
// x86-64; 4-byte size_t on the Cortex-M4), each rounded up to 16.
TEST(EthosU, ArenaPlansTheScratchTensorsAndTheKernelsRequests) {
  const Model model = VelaModel();
  const ArenaEstimate host = EstimateTflmArena(model, TflmTarget::kHost);
  EXPECT_TRUE(host.approximations.empty()) << host.approximations.at(0);
  EXPECT_EQ(host.tensor_bytes, 16 + 16 + 1024);
  EXPECT_EQ(host.scratch_bytes, 48 + 48);
  EXPECT_EQ(host.nonpersistent_bytes, 16 + 16 + 1024 + 48 + 48);
  const ArenaEstimate m4 = EstimateTflmArena(model, TflmTarget::kCortexM4);
  EXPECT_EQ(m4.scratch_bytes, 48 + 32);  // 6 x 4 = 24, rounded up to 32
  EXPECT_EQ(m4.nonpersistent_bytes, 16 + 16 + 1024 + 48 + 32);
}

}  // namespace
}  // namespace tinyforge
