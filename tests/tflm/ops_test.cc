#include "libconvert/tflm/ops.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tinyforge {
namespace {

std::string OpText(tflite::BuiltinOperator op) { return tflite::EnumNameBuiltinOperator(op); }

// Structure of the table: one row per operator, sorted by name, every method
// one of MicroMutableOpResolver's Add methods.
TEST(TflmOps, BuiltinTableIsSortedUniqueAndNamed) {
  const Span<const TflmBuiltinOp> ops = TflmBuiltinOps();
  // micro_mutable_op_resolver.h at kTflmCommit has 100 builtin Add methods.
  EXPECT_EQ(ops.size(), 100u);
  std::set<tflite::BuiltinOperator> codes;
  std::set<std::string_view> methods;
  for (size_t i = 0; i < ops.size(); ++i) {
    SCOPED_TRACE(OpText(ops[i].op));
    EXPECT_FALSE(OpText(ops[i].op).empty()) << "code " << ops[i].op << " unknown to our schema";
    EXPECT_NE(ops[i].op, tflite::BuiltinOperator_CUSTOM);
    EXPECT_EQ(ops[i].resolver_method.substr(0, 3), "Add");
    EXPECT_TRUE(codes.insert(ops[i].op).second) << "operator listed twice";
    EXPECT_TRUE(methods.insert(ops[i].resolver_method).second) << "method listed twice";
    if (i > 0) {
      EXPECT_LT(OpText(ops[i - 1].op), OpText(ops[i].op));
    }
  }
}

TEST(TflmOps, CustomTableIsSortedAndUnique) {
  const Span<const TflmCustomOp> ops = TflmCustomOps();
  EXPECT_EQ(ops.size(), 18u);
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].resolver_method.substr(0, 3), "Add");
    if (i > 0) {
      EXPECT_LT(ops[i - 1].custom_code, ops[i].custom_code);
    }
  }
}

// Facts read from micro_mutable_op_resolver.h at kTflmCommit.
TEST(TflmOps, KnownMethods) {
  const std::pair<tflite::BuiltinOperator, std::string_view> facts[] = {
      {tflite::BuiltinOperator_CONV_2D, "AddConv2D"},
      {tflite::BuiltinOperator_DEPTHWISE_CONV_2D, "AddDepthwiseConv2D"},
      {tflite::BuiltinOperator_FULLY_CONNECTED, "AddFullyConnected"},
      {tflite::BuiltinOperator_UNIDIRECTIONAL_SEQUENCE_LSTM, "AddUnidirectionalSequenceLSTM"},
      {tflite::BuiltinOperator_SOFTMAX, "AddSoftmax"},
      {tflite::BuiltinOperator_RESHAPE, "AddReshape"},
      {tflite::BuiltinOperator_AVERAGE_POOL_2D, "AddAveragePool2D"},
      {tflite::BuiltinOperator_BATCH_TO_SPACE_ND, "AddBatchToSpaceNd"},
      {tflite::BuiltinOperator_SELECT_V2, "AddSelectV2"},
      {tflite::BuiltinOperator_SVDF, "AddSvdf"},
      {tflite::BuiltinOperator_MEAN, "AddMean"},
      {tflite::BuiltinOperator_SUM, "AddSum"},
      {tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, "AddResizeNearestNeighbor"},
      {tflite::BuiltinOperator_DYNAMIC_UPDATE_SLICE, "AddDynamicUpdateSlice"},
  };
  for (const auto& [op, method] : facts) {
    SCOPED_TRACE(OpText(op));
    EXPECT_TRUE(TflmHasKernel(op));
    EXPECT_EQ(TflmResolverMethod(op), std::optional<std::string_view>(method));
  }
}

// Operators the resolver has no Add method for.
TEST(TflmOps, OperatorsWithoutKernel) {
  for (const tflite::BuiltinOperator op :
       {tflite::BuiltinOperator_GELU, tflite::BuiltinOperator_SELECT, tflite::BuiltinOperator_TILE,
        tflite::BuiltinOperator_LSTM, tflite::BuiltinOperator_CONV_3D,
        tflite::BuiltinOperator_CUSTOM}) {
    SCOPED_TRACE(OpText(op));
    EXPECT_FALSE(TflmHasKernel(op));
    EXPECT_FALSE(TflmResolverMethod(op).has_value());
  }
}

TEST(TflmOps, CustomOperators) {
  EXPECT_EQ(TflmCustomResolverMethod("TFLite_Detection_PostProcess"),
            std::optional<std::string_view>("AddDetectionPostprocess"));
  EXPECT_EQ(TflmCustomResolverMethod("SignalFramer"),
            std::optional<std::string_view>("AddFramer"));
  EXPECT_FALSE(TflmCustomResolverMethod("MyOwnOp").has_value());
  EXPECT_FALSE(TflmCustomResolverMethod("").has_value());
}

// The Model overload dispatches on builtin vs. custom codes.
TEST(TflmOps, ModelOperators) {
  auto raw = std::make_unique<tflite::ModelT>();
  for (const auto& [code, custom] :
       {std::pair<tflite::BuiltinOperator, std::string>{tflite::BuiltinOperator_CONV_2D, ""},
        {tflite::BuiltinOperator_CUSTOM, "TFLite_Detection_PostProcess"},
        {tflite::BuiltinOperator_CUSTOM, "Unknown"},
        {tflite::BuiltinOperator_GELU, ""}}) {
    auto oc = std::make_unique<tflite::OperatorCodeT>();
    oc->builtin_code = code;
    oc->deprecated_builtin_code = static_cast<int8_t>(std::min<int>(code, 127));
    oc->custom_code = custom;
    raw->operator_codes.push_back(std::move(oc));
  }
  const Model model(std::move(raw), "test");
  tflite::OperatorT op;
  const std::optional<std::string_view> expected[] = {
      "AddConv2D", "AddDetectionPostprocess", std::nullopt, std::nullopt};
  for (uint32_t i = 0; i < 4; ++i) {
    op.opcode_index = i;
    EXPECT_EQ(TflmResolverMethod(model, op), expected[i]) << "operator code " << i;
  }
}

}  // namespace
}  // namespace tinyforge
