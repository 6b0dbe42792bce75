#include "libconvert/summary/model_summary.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "libconvert/model/dtype.h"
#include "libconvert/base/file_util.h"
#include "libconvert/model/model_io.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::ModelPath;
using testing::SharedDir;

nlohmann::json Manifest() {
  std::ifstream in(SharedDir() + "/models/MANIFEST.json");
  return nlohmann::json::parse(in);
}

// The manifest's inputs/outputs (written by the corpus' own tooling) are an
// independent source for names, shapes, types and quantization.
void ExpectTensorsMatchManifest(const std::vector<TensorSummary>& got,
                                const nlohmann::json& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("tensor " + std::to_string(i));
    const nlohmann::json& e = expected[i];
    EXPECT_EQ(got[i].name, e["name"].get<std::string>());
    EXPECT_EQ(got[i].shape, e["shape"].get<std::vector<int32_t>>());
    EXPECT_EQ(TypeName(got[i].type), e["type"].get<std::string>());
    if (e.contains("scale")) {
      ASSERT_EQ(got[i].quant.num_scales, 1u);
      EXPECT_FLOAT_EQ(got[i].quant.scale, e["scale"].get<float>());
      EXPECT_EQ(got[i].quant.zero_point, e["zero_point"].get<int64_t>());
    } else {
      EXPECT_EQ(got[i].quant.num_scales, 0u);
    }
  }
}

TEST(ModelSummary, EverySharedModelMatchesTheManifest) {
  TF_REQUIRE_SHARED();
  const nlohmann::json manifest = Manifest();
  size_t checked = 0;
  for (const auto& entry : manifest["models"]) {
    const std::string file = entry["name"];
    SCOPED_TRACE(file);
    const ModelSummary s = Summarize(LoadModel(SharedDir() + "/models/" + file));
    ASSERT_FALSE(s.subgraphs.empty());
    ExpectTensorsMatchManifest(s.subgraphs[0].inputs, entry["inputs"]);
    ExpectTensorsMatchManifest(s.subgraphs[0].outputs, entry["outputs"]);

    std::set<std::string> ops;
    for (const OpUsage& u : s.op_usage) ops.insert(u.name);
    EXPECT_EQ(ops, std::set<std::string>(entry["builtin_ops"].begin(), entry["builtin_ops"].end()));

    // The manifest leaves out the FLOAT32 [0] intermediates of
    // trained_lstm_int8's LSTM, so its types are a subset of ours.
    std::set<std::string> types;
    for (const TypeStats& t : s.tensor_types) types.insert(TypeName(t.type));
    for (const std::string type : entry["tensor_types"]) EXPECT_EQ(types.count(type), 1u) << type;

    if (entry.contains("signature_keys")) {
      std::vector<std::string> keys;
      for (const SignatureSummary& sig : s.signatures) keys.push_back(sig.key);
      EXPECT_EQ(keys, entry["signature_keys"].get<std::vector<std::string>>());
    }

    // Totals are the sums of their parts.
    int64_t macs = 0, operators = 0, tensors = 0, parameters = 0, bytes = 0, typed = 0;
    for (const SubgraphSummary& g : s.subgraphs) {
      for (const OperatorSummary& op : g.operators) macs += op.macs;
      operators += static_cast<int64_t>(g.operators.size());
      tensors += static_cast<int64_t>(g.num_tensors);
    }
    for (const TypeStats& t : s.tensor_types) {
      parameters += t.parameters;
      bytes += t.constant_bytes;
      typed += t.tensors;
    }
    EXPECT_EQ(s.macs, macs);
    EXPECT_EQ(s.num_operators, operators);
    EXPECT_EQ(s.num_tensors, tensors);
    EXPECT_EQ(s.num_tensors, typed);
    EXPECT_EQ(s.parameters, parameters);
    EXPECT_EQ(s.weight_bytes, bytes);
    EXPECT_FALSE(FormatSummary(s).empty());
    ++checked;
  }
  EXPECT_GE(checked, 50u);
}

// Parameters and weight bytes from the raw flatbuffer (not the object API):
// every buffer referenced by some tensor and holding data, counted once.
TEST(ModelSummary, ParametersAndWeightBytesMatchTheRawFile) {
  TF_REQUIRE_SHARED();
  for (const std::string name : {"conv_fc_mnist", "person_detect", "trained_lstm_int8",
                                 "single_mul2_constant_input"}) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> bytes = ReadFileBytes(ModelPath(name));
    const tflite::Model* raw = tflite::GetModel(bytes.data());
    std::set<uint32_t> seen;
    int64_t elements = 0, data_bytes = 0;
    for (const tflite::SubGraph* g : *raw->subgraphs()) {
      for (const tflite::Tensor* t : *g->tensors()) {
        const tflite::Buffer* b = raw->buffers()->Get(t->buffer());
        if (t->buffer() == 0 || b->data() == nullptr || b->data()->size() == 0) continue;
        if (!seen.insert(t->buffer()).second) continue;
        int64_t n = 1;
        if (t->shape() != nullptr) {
          for (const int32_t d : *t->shape()) n *= d;
        }
        elements += n;
        data_bytes += b->data()->size();
      }
    }
    const ModelSummary s = Summarize(LoadModel(ModelPath(name)));
    EXPECT_EQ(s.parameters, elements);
    EXPECT_EQ(s.weight_bytes, data_bytes);
  }
}

// The raw operator code: the larger of the two fields (schema rule).
tflite::BuiltinOperator RawOpCode(const tflite::Model* raw, const tflite::Operator* op) {
  const tflite::OperatorCode* code = raw->operator_codes()->Get(op->opcode_index());
  return static_cast<tflite::BuiltinOperator>(
      std::max<int32_t>(code->builtin_code(), code->deprecated_builtin_code()));
}

std::vector<int64_t> RawShape(const tflite::SubGraph* g, int32_t tensor) {
  const auto* dims = g->tensors()->Get(tensor)->shape();
  return std::vector<int64_t>(dims->begin(), dims->end());
}

// Output size of a convolution along one axis, from the input size (TFLite's
// padding rule), so the hand count does not read the output shape.
int64_t ConvOut(int64_t in, int64_t k, int64_t stride, int64_t dilation, bool same) {
  const int64_t effective = (k - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - effective + stride) / stride;
}

// conv_fc_mnist: MACs of CONV_2D and FULLY_CONNECTED counted by hand from the
// input and filter shapes and the options, reading the flatbuffer directly.
TEST(ModelSummary, ConvAndFullyConnectedMacsMatchAHandCount) {
  TF_REQUIRE_SHARED();
  const std::vector<uint8_t> bytes = ReadFileBytes(ModelPath("conv_fc_mnist"));
  const tflite::Model* raw = tflite::GetModel(bytes.data());
  const tflite::SubGraph* g = raw->subgraphs()->Get(0);
  const ModelSummary s = Summarize(LoadModel(ModelPath("conv_fc_mnist")));
  ASSERT_EQ(s.subgraphs[0].operators.size(), g->operators()->size());

  int convs = 0, fcs = 0;
  for (size_t i = 0; i < g->operators()->size(); ++i) {
    const tflite::Operator* op = g->operators()->Get(i);
    const tflite::BuiltinOperator code = RawOpCode(raw, op);
    const int64_t reported = s.subgraphs[0].operators[i].macs;
    if (code == tflite::BuiltinOperator_CONV_2D) {
      const std::vector<int64_t> in = RawShape(g, op->inputs()->Get(0));      // NHWC
      const std::vector<int64_t> filter = RawShape(g, op->inputs()->Get(1));  // OHWI
      const tflite::Conv2DOptions* o = op->builtin_options_as_Conv2DOptions();
      const bool same = o->padding() == tflite::Padding_SAME;
      const int64_t batch = in[0], in_c = in[3];
      const int64_t out_c = filter[0], kh = filter[1], kw = filter[2];
      const int64_t groups = in_c / filter[3];
      const int64_t out_h = ConvOut(in[1], kh, o->stride_h(), o->dilation_h_factor(), same);
      const int64_t out_w = ConvOut(in[2], kw, o->stride_w(), o->dilation_w_factor(), same);
      // The hand-computed output size agrees with the file's output shape.
      const std::vector<int64_t> out = RawShape(g, op->outputs()->Get(0));
      EXPECT_EQ(out, (std::vector<int64_t>{batch, out_h, out_w, out_c}));
      EXPECT_EQ(reported, out_h * out_w * out_c * kh * kw * in_c / groups * batch);
      ++convs;
    } else if (code == tflite::BuiltinOperator_FULLY_CONNECTED) {
      const std::vector<int64_t> in = RawShape(g, op->inputs()->Get(0));
      const std::vector<int64_t> w = RawShape(g, op->inputs()->Get(1));  // [out, in]
      int64_t in_elements = 1;
      for (const int64_t d : in) in_elements *= d;
      const int64_t batch_rows = in_elements / w[1];
      EXPECT_EQ(reported, batch_rows * w[0] * w[1]);
      ++fcs;
    } else {
      EXPECT_EQ(reported, 0) << "op " << i << " has no MACs by definition";
    }
  }
  EXPECT_EQ(convs, 1);
  EXPECT_EQ(fcs, 2);
}

TEST(ModelSummary, KeyOptionsAndActivationsOfConvFcMnist) {
  TF_REQUIRE_SHARED();
  const ModelSummary s = Summarize(LoadModel(ModelPath("conv_fc_mnist")));
  const OperatorSummary* conv = nullptr;
  for (const OperatorSummary& op : s.subgraphs[0].operators) {
    if (op.name == "CONV_2D") conv = &op;
    if (op.name == "RESHAPE") {
      EXPECT_FALSE(op.fused_activation.has_value());
    }
    if (op.name == "SOFTMAX") {
      ASSERT_EQ(op.options.size(), 1u);
      EXPECT_EQ(op.options[0].key, "beta");
      EXPECT_EQ(op.options[0].value, "1");
    }
  }
  ASSERT_NE(conv, nullptr);
  std::map<std::string, std::string> options;
  for (const OpOption& o : conv->options) options[o.key] = o.value;
  EXPECT_EQ(options.count("padding"), 1u);
  EXPECT_EQ(options.count("stride"), 1u);
  EXPECT_EQ(options["dilation"], "1x1");
  ASSERT_TRUE(conv->fused_activation.has_value());
  EXPECT_EQ(conv->tflm_method, std::optional<std::string>("AddConv2D"));
  // Operand 1 is the filter, a constant OHWI tensor.
  ASSERT_GE(conv->inputs.size(), 2u);
  EXPECT_TRUE(conv->inputs[1].constant);
  EXPECT_EQ(options["filter"], std::to_string(conv->inputs[1].shape[1]) + "x" +
                                   std::to_string(conv->inputs[1].shape[2]));
}

// Per-channel weights report their scale count and channel axis (spec:
// CONV_2D per channel on axis 0).
TEST(ModelSummary, PerChannelWeightsReportCountAndAxis) {
  TF_REQUIRE_SHARED();
  const ModelSummary s = Summarize(LoadModel(ModelPath("conv_fc_mnist_srq_a8w8")));
  bool saw_conv = false;
  for (const OperatorSummary& op : s.subgraphs[0].operators) {
    if (op.name != "CONV_2D") continue;
    const TensorSummary& filter = op.inputs[1];
    EXPECT_EQ(filter.quant.num_scales, static_cast<size_t>(filter.shape[0]));
    EXPECT_EQ(filter.quant.quantized_dimension, 0);
    saw_conv = true;
  }
  EXPECT_TRUE(saw_conv);
}

// GELU and SELECT have no Add method in TFLM's MicroMutableOpResolver (it
// has SELECT_V2 only); the other models' ops all do.
TEST(ModelSummary, ReportsOperatorsWithoutTflmKernel) {
  TF_REQUIRE_SHARED();
  const std::map<std::string, std::vector<std::string>> expected = {
      {"single_gelu", {"GELU"}},
      {"single_select", {"SELECT"}},
      {"single_select_v2", {}},
      {"person_detect", {}},
      {"conv_fc_mnist", {}},
      {"trained_lstm_int8", {}},
  };
  for (const auto& [name, missing] : expected) {
    SCOPED_TRACE(name);
    const ModelSummary s = Summarize(LoadModel(ModelPath(name)));
    EXPECT_EQ(s.ops_without_tflm_kernel, missing);
    const std::string text = FormatSummary(s);
    if (missing.empty()) {
      EXPECT_NE(text.find("TFLM: every operator has a kernel"), std::string::npos);
    } else {
      EXPECT_NE(text.find("  no kernel for " + missing[0]), std::string::npos) << text;
    }
  }
}

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

// The JSON parses, holds the documented keys in the documented order, and
// agrees with the summary.
TEST(ModelSummary, JsonHasTheDocumentedSchema) {
  TF_REQUIRE_SHARED();
  const ModelSummary s = Summarize(LoadModel(ModelPath("person_detect")));
  const std::string text = ToJson(s).dump(2);
  EXPECT_EQ(ToJson(s).dump(2), text);  // deterministic
  const auto j = nlohmann::ordered_json::parse(text);

  EXPECT_EQ(j["schema"], "tinyforge.inspect/2");
  EXPECT_EQ(Keys(j), (std::vector<std::string>{"schema", "source", "description",
                                                "schema_version", "totals", "subgraphs",
                                                "tensor_types", "operator_usage",
                                                "tflm_missing", "tflm_type_problems", "tflm_runs",
                                                "metadata", "signatures"}));
  EXPECT_EQ(Keys(j["totals"]), (std::vector<std::string>{"subgraphs", "operators", "tensors",
                                                         "parameters", "weight_bytes", "macs"}));
  EXPECT_EQ(j["totals"]["macs"], s.macs);
  EXPECT_EQ(j["totals"]["parameters"], s.parameters);
  EXPECT_EQ(j["totals"]["weight_bytes"], s.weight_bytes);
  EXPECT_EQ(j["schema_version"], 3);

  const auto& g = j["subgraphs"][0];
  EXPECT_EQ(Keys(g), (std::vector<std::string>{"index", "name", "num_tensors", "macs", "inputs",
                                               "outputs", "operators"}));
  const auto& input = g["inputs"][0];
  EXPECT_EQ(Keys(input), (std::vector<std::string>{"index", "name", "type", "shape", "constant",
                                                   "quantization"}));
  EXPECT_EQ(input["name"], "input");
  EXPECT_EQ(input["type"], "INT8");
  EXPECT_EQ(input["shape"], (std::vector<int>{1, 96, 96, 1}));
  EXPECT_EQ(Keys(input["quantization"]),
            (std::vector<std::string>{"num_scales", "scale", "zero_point", "quantized_dimension"}));
  EXPECT_EQ(input["quantization"]["zero_point"], -1);

  ASSERT_EQ(g["operators"].size(), s.subgraphs[0].operators.size());
  for (const auto& op : g["operators"]) {
    EXPECT_EQ(Keys(op), (std::vector<std::string>{"index", "op", "version", "inputs", "outputs",
                                                  "options", "fused_activation", "macs",
                                                  "tflm_method", "tflm_type_problem"}));
  }
  EXPECT_EQ(j["tflm_missing"], nlohmann::ordered_json::array());
  EXPECT_EQ(j["tflm_type_problems"], nlohmann::ordered_json::array());
  EXPECT_EQ(j["tflm_runs"], true);
  // person_detect's depthwise filters are quantized per channel on axis 3.
  bool saw_per_channel = false;
  for (const auto& op : g["operators"]) {
    if (op["op"] != "DEPTHWISE_CONV_2D") continue;
    const auto& q = op["inputs"][1]["quantization"];
    if (q["num_scales"].get<int>() > 1) {
      EXPECT_TRUE(q["scale"].is_null());
      EXPECT_EQ(q["quantized_dimension"], 3);
      saw_per_channel = true;
    }
  }
  EXPECT_TRUE(saw_per_channel);
}

// Omitted optional inputs (FULLY_CONNECTED without bias) appear as null.
TEST(ModelSummary, OmittedInputsAreNullInJson) {
  TF_REQUIRE_SHARED();
  const auto j = ToJson(Summarize(LoadModel(ModelPath("single_fc_no_bias"))));
  bool saw_null = false;
  for (const auto& op : j["subgraphs"][0]["operators"]) {
    for (const auto& in : op["inputs"]) saw_null |= in.is_null();
  }
  EXPECT_TRUE(saw_null);
}

// --- the CLI ------------------------------------------------------------------

const std::string kBinary = TINYFORGE_BINARY_DIR "/apps/tinyforge";

// Runs `command` through the shell; returns its exit code and stdout.
int RunTinyforge(const std::string& command, std::string* output) {
  const std::string out_path = testing::TempDir("inspect_cli") + "/out.txt";
  const int status = std::system((command + " > " + out_path + " 2>/dev/null").c_str());
  std::ifstream in(out_path);
  std::stringstream text;
  text << in.rdbuf();
  *output = text.str();
  std::filesystem::remove_all(std::filesystem::path(out_path).parent_path());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(InspectCli, PrintsTextAndJson) {
  TF_REQUIRE_SHARED();
  if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << kBinary << " is not built";
  const std::string model = ModelPath("person_detect");
  std::string out;
  // What TFLM itself measured for this model (golden tflm.json): the used
  // figure and the bisected minimum, on x86-64 and on the Cortex-M4.
  std::ifstream golden(testing::GoldenDir("person_detect") + "/tflm.json");
  const nlohmann::json tflm = nlohmann::json::parse(golden);
  const int64_t host_used = tflm["arena_used_bytes"];
  const int64_t host_min = tflm["arena_min_bytes"];
  const int64_t m4_min = tflm["cortex_m4"]["arena_min_bytes"];

  // Text: the default target is the Cortex-M4, and each figure says what it is.
  ASSERT_EQ(RunTinyforge(kBinary + " inspect '" + model + "'", &out), 0);
  const std::string summary = FormatSummary(Summarize(LoadModel(model)));
  EXPECT_EQ(out.substr(0, summary.size()), summary);
  EXPECT_NE(out.find("TFLM tensor arena on Cortex-M4"), std::string::npos) << out;
  EXPECT_NE(out.find("  required: " + std::to_string(m4_min) + " bytes"), std::string::npos) << out;

  ASSERT_EQ(RunTinyforge(kBinary + " inspect --target host '" + model + "'", &out), 0);
  EXPECT_NE(out.find("  required: " + std::to_string(host_min) + " bytes"), std::string::npos) << out;
  EXPECT_NE(out.find("  used:     " + std::to_string(host_used) + " bytes"), std::string::npos) << out;

  ASSERT_EQ(RunTinyforge(kBinary + " inspect --json --target host '" + model + "'", &out), 0);
  auto j = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(j["tflm_arena"]["target"], "host");
  EXPECT_EQ(j["tflm_arena"]["required_bytes"], host_min);
  EXPECT_EQ(j["tflm_arena"]["used_bytes"], host_used);
  j.erase("tflm_arena");
  EXPECT_EQ(j, ToJson(Summarize(LoadModel(model))));

  ASSERT_EQ(RunTinyforge(kBinary + " inspect --json '" + model + "'", &out), 0);
  j = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(j["tflm_arena"]["target"], "cortex-m4");
  EXPECT_EQ(j["tflm_arena"]["required_bytes"], m4_min);

  EXPECT_EQ(RunTinyforge(kBinary + " inspect --target avr '" + model + "'", &out), 2);
}

TEST(InspectCli, BadInputExitsWithTwo) {
  if (!std::filesystem::exists(kBinary)) GTEST_SKIP() << kBinary << " is not built";
  std::string out;
  EXPECT_EQ(RunTinyforge(kBinary + " inspect /nonexistent/model.tflite", &out), 2);
  EXPECT_EQ(RunTinyforge(kBinary + " inspect", &out), 2);  // MODEL is required
}

}  // namespace
}  // namespace tinyforge
