// Hostile models end to end: each is built in the test (model builder), saved,
// and given to the built `tinyforge`, which must exit 2 with one stderr line
// naming the file and the problem, and leave no output behind. Each run
// takes milliseconds (nothing large is ever allocated).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/npy.h"
#include "libconvert/model/model_builder.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"
#include "tests/tflm_oracle.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::CountLines;
using testing::RunResult;
using testing::RunTinyforge;

// x [2] + y (a constant [2]) -> z of `out_shape`, named `out_name`.
Model AddModel(const std::vector<int32_t>& out_shape, const std::string& out_name = "z") {
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {2});
  const int y = b.AddConstant<float>("y", {2}, {1.0f, 2.0f});
  const int z = b.AddTensor(out_name, tflite::TensorType_FLOAT32, out_shape);
  b.AddOperator(tflite::BuiltinOperator_ADD, {x, y}, {z}, tflite::AddOptionsT{});
  b.SetInputs({x});
  b.SetOutputs({z});
  return b.Build("m");
}

class CliHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir("cli_hostile");
    out_ = dir_ + "/out";
    x_ = dir_ + "/x.npy";
    NpyArray x = NpyArray::Zeros(DType::kFloat32, {2});
    WriteNpy(x_, x);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Save(Model model) {
    const std::string path = dir_ + "/m.tflite";
    SaveModel(model, path);
    return path;
  }

  // `tinyforge ARGS` must fail as the file comment says, mentioning `part`.
  RunResult ExpectRefused(const std::vector<std::string>& args, const std::string& model, const std::string& part) {
    const RunResult r = RunTinyforge(dir_, args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("tinyforge: " + model + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(part), std::string::npos) << "expected '" << part << "' in: " << r.err;
    EXPECT_FALSE(fs::exists(out_)) << "output left behind";
    return r;
  }

  // A budget flag's values on `run` of AddModel({2}): `over` is refused as
  // over the budget, `enough` runs, `bad` is not a value.
  struct BudgetValues {
    std::string flag, over, enough, bad;
  };
  void ExpectBudgetFlag(const BudgetValues& v, const std::string& over_message, const std::string& bad_message) {
    const std::string model = Save(AddModel({2}));
    ExpectRefused({"run", model, "-i", x_, "-o", out_, v.flag, v.over}, model, over_message);
    const RunResult ok = RunTinyforge(dir_, {"run", model, "-i", x_, "-o", out_, v.flag, v.enough, "-q"});
    EXPECT_EQ(ok.status, 0) << ok.err;
    EXPECT_TRUE(fs::exists(out_ + "/output_0.npy"));
    fs::remove_all(out_);
    const RunResult bad = RunTinyforge(dir_, {"run", model, "-i", x_, "-o", out_, v.flag, v.bad});
    EXPECT_EQ(bad.status, 2);
    EXPECT_EQ(CountLines(bad.err), 1u) << bad.err;
    EXPECT_NE(bad.err.find(bad_message), std::string::npos) << bad.err;
    EXPECT_FALSE(fs::exists(out_));
  }

  std::string dir_, out_, x_;
};

TEST_F(CliHostile, ShortBiasIsRefusedByRun) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 2});
  const int w = b.AddConstant<float>("w", {3, 2}, std::vector<float>(6, 0.5f));
  const int bias = b.AddConstant<float>("bias", {1}, {1.0f});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, 3});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, bias}, {y}, tflite::FullyConnectedOptionsT{});
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  NpyArray in = NpyArray::Zeros(DType::kFloat32, {1, 2});
  WriteNpy(x_, in);
  ExpectRefused({"run", model, "-i", x_, "-o", out_, "--reference"}, model,
                "the bias 'bias' has 1 elements (shape [1]), expected one per output channel (3)");
  ExpectRefused({"run", model, "-i", x_, "-o", out_}, model, "the bias 'bias' has 1 elements");
}

TEST_F(CliHostile, ClaimedShapeOverTheMemoryBudgetIsRefusedBeforeAllocating) {
  TF_REQUIRE_BINARY();
  const std::string model = Save(AddModel({2048, 1024, 1024}, "huge"));  // 8 GiB claimed
  ExpectRefused({"run", model, "-i", x_, "-o", out_}, model,
                "(the largest, output 'huge' of shape [2048,1024,1024]) needs 8.0 GiB, which exceeds the memory "
                "budget of 4.0 GiB (raise it with --max-memory)");
}

TEST_F(CliHostile, MaxMemoryIsTheBudget) {
  TF_REQUIRE_BINARY();
  ExpectBudgetFlag({"--max-memory", "16", "1M", "lots"},
                   "subgraph 0's tensors (the largest, tensor 0 ('x') of shape [2], 8 bytes) needs 16 B, which with "
                   "8 B already in use exceeds the memory budget of 16 B",
                   "--max-memory 'lots' is not a memory size");
}

TEST_F(CliHostile, MaxWorkIsTheBudget) {
  TF_REQUIRE_BINARY();
  // ADD [2] + [2] -> [2]: 6 operand elements, each of rank 1.
  ExpectBudgetFlag({"--max-work", "5", "6", "1.5G"},
                   "one inference of subgraph 0 takes 6 operations (multiply-accumulates, pooling-window reads and "
                   "operand elements times their rank; the most, 6 operations, in subgraph 0, operator 0 (ADD)), "
                   "over the work budget of 5 (raise it with --max-work)",
                   "--max-work '1.5G' is not a count of operations");
}

TEST_F(CliHostile, OverflowingShapeIsRefusedByRunAndInspect) {
  TF_REQUIRE_BINARY();
  const std::string model = Save(AddModel({2147483647, 2147483647, 2147483647}));
  ExpectRefused({"run", model, "-i", x_, "-o", out_}, model, "has more elements than tinyforge can count");
  const RunResult r = ExpectRefused({"inspect", model}, model, "[2147483647,2147483647,2147483647]");
  EXPECT_EQ(r.out.find('-'), std::string::npos) << r.out;  // no negative counts printed before it
}

TEST_F(CliHostile, MacCountOverflowIsRefusedByInspect) {
  TF_REQUIRE_BINARY();
  // Two FULLY_CONNECTED operators that each claim 2^62 MACs (weights given as
  // an input, so no constant data backs the shapes): the total overflows.
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 4});
  const int w = b.AddTensor("w", tflite::TensorType_FLOAT32, {1 << 30, 4});
  const int y1 = b.AddTensor("y1", tflite::TensorType_FLOAT32, {1 << 30, 1 << 30});
  const int y2 = b.AddTensor("y2", tflite::TensorType_FLOAT32, {1 << 30, 1 << 30});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, -1}, {y1}, tflite::FullyConnectedOptionsT{});
  b.AddOperator(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, -1}, {y2}, tflite::FullyConnectedOptionsT{});
  b.SetInputs({x, w});
  b.SetOutputs({y1, y2});
  const std::string model = Save(b.Build("m"));
  const RunResult r = RunTinyforge(dir_, {"inspect", model});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("tinyforge: " + model + ": ", 0), 0u) << r.err;
  EXPECT_EQ(r.out.find('-'), std::string::npos) << r.out;
}

TEST_F(CliHostile, TensorNamesCannotSplitTheErrorLineOrEscapeToTheTerminal) {
  TF_REQUIRE_BINARY();
  const std::string model = Save(AddModel({2147483647, 2147483647, 2147483647}, "z\nFAKE LINE\x1b]0;title\x07"));
  const RunResult r = RunTinyforge(dir_, {"inspect", model});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("'z\\x0aFAKE LINE\\x1b]0;title\\x07'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos);
}

// An already-integer model has nothing to quantize: refused before any
// calibration, not rewritten into a near copy with exit 0.
TEST_F(CliHostile, QuantizeRefusesAnIntegerModel) {
  TF_REQUIRE_SHARED();
  const std::string model = testing::ModelPath("hello_world_int8");
  ExpectRefused({"quantize", model, "-o", out_, "--random", "4"}, model, "already integer");
}

// The classes tests/fuzz/cli_campaign.sh found on mutated models, each on a
// model built here (milliseconds each).

// An Error from a kernel's arithmetic (QuantizeMultiplier: an output scale so
// small that 1 / (sqrt(input scale) * output scale) is infinite) names the file
// and the operator like every Prepare check (Interpreter::PrepareLocated).
TEST_F(CliHostile, ScaleRatioErrorNamesTheFileAndOperator) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_INT8, {2}, Quant::PerTensor(1e-40f, 0));
  const int y = b.AddTensor("y", tflite::TensorType_INT8, {2}, Quant::PerTensor(1e-30f, 0));
  b.AddOperator(tflite::BuiltinOperator_RSQRT, {x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  NpyArray in = NpyArray::Zeros(DType::kInt8, {2});
  WriteNpy(x_, in);
  ExpectRefused({"run", model, "-d", x_, "-o", out_}, model, "subgraph 0, operator 0 (RSQRT): a quantization scale ratio");
  ExpectRefused({"run", model, "-d", x_, "-o", out_, "--reference"}, model, "operator 0 (RSQRT)");
}

// bench --save writes the model only once it has run: a model the
// interpreter refuses leaves no file (all outputs or none), and bench
// prints nothing before its error line.
TEST_F(CliHostile, BenchSavesNothingForARefusedModel) {
  TF_REQUIRE_BINARY();
  const std::string model = Save(AddModel({3}));
  const RunResult r = ExpectRefused({"bench", model, "--seconds", "0.01", "--save", out_}, model, "operator 0 (ADD)");
  EXPECT_EQ(r.out, "");
}

// A BOOL output has no values to compare: refused up front, naming the model
// (it was a message without the file from deep in the comparison).
TEST_F(CliHostile, CompareRefusesABoolOutputNamingTheModel) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {2});
  const int y = b.AddConstant<float>("y", {2}, {1.0f, 2.0f});
  const int z = b.AddTensor("z", tflite::TensorType_BOOL, {2});
  b.AddOperator(tflite::BuiltinOperator_EQUAL, {x, y}, {z});
  b.SetInputs({x});
  b.SetOutputs({z});
  const std::string model = Save(b.Build("m"));
  ExpectRefused({"compare", model, model, "-d", x_, "--report", out_}, model, "output 0 ('z') is BOOL");
}

// quantize --report measures each layer's error; a layer whose tensor is
// BOOL (a comparison's result) has no real values and is no layer, where it
// failed the whole command with an error naming no file (the campaign on
// session 12's corpus, 2 models).
TEST_F(CliHostile, QuantizeReportSkipsABoolLayer) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {2});
  const int c = b.AddConstant<float>("c", {2}, {1.0f, 2.0f});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {2});
  const int z = b.AddTensor("z", tflite::TensorType_BOOL, {2});
  const int w = b.AddTensor("w", tflite::TensorType_FLOAT32, {2});
  b.AddOperator(tflite::BuiltinOperator_ADD, {x, c}, {y}, tflite::AddOptionsT{});
  b.AddOperator(tflite::BuiltinOperator_LESS, {y, c}, {z});
  b.AddOperator(tflite::BuiltinOperator_CAST, {z}, {w});
  b.SetInputs({x});
  b.SetOutputs({y, w});
  const std::string model = Save(b.Build("m"));
  NpyArray samples = NpyArray::Zeros(DType::kFloat32, {64, 2});
  float* v = samples.MutableView<float>().data();
  for (int i = 0; i < 128; ++i) v[i] = static_cast<float>(i % 17) / 4.0f - 2.0f;
  WriteNpy(x_, samples);
  const std::string report = dir_ + "/q.json";
  const RunResult r = RunTinyforge(dir_, {"quantize", model, "--calib", x_, "-o", out_, "--report", report, "-q"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json layers = nlohmann::json::parse(testing::ReadText(report))["comparison"]["layers"];
  ASSERT_FALSE(layers.empty());
  for (const auto& layer : layers) EXPECT_EQ(layer.dump().find("\"z\""), std::string::npos) << layer.dump();
  fs::remove(out_);
}

// Float data of the wrong shape for an int8 input: the shape's one error
// line, not first a warning that its values clip (the campaign, 6 models).
TEST_F(CliHostile, WrongShapeIsOneLineBeforeAnyWarningAboutValues) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_INT8, {1, 4}, Quant::PerTensor(1.0f / 255.0f, -128));
  const int y = b.AddTensor("y", tflite::TensorType_INT8, {1, 4}, Quant::PerTensor(1.0f / 255.0f, -128));
  b.AddOperator(tflite::BuiltinOperator_RELU, {x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  NpyArray far = NpyArray::Zeros(DType::kFloat32, {3});
  for (float& v : far.MutableView<float>()) v = 50.0f;  // every value clips
  WriteNpy(x_, far);
  const RunResult r = ExpectRefused({"compare", model, model, "-d", x_, "--report", out_}, model,
                                    "shape [3] does not match model input 0 'x'");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

// A float SOFTMAX with beta 0 runs as float, but TFLM's int8 SOFTMAX needs
// beta * input scale above 2^-26: quantizing it is bad input, with the way
// out (--keep-float), where it was called a quantizer bug (exit 3; the
// campaign, 1 model).
TEST_F(CliHostile, QuantizeOfASoftmaxWithBetaZeroIsBadInput) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 4});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, 4});
  tflite::SoftmaxOptionsT options;
  options.beta = 0.0f;
  b.AddOperator(tflite::BuiltinOperator_SOFTMAX, {x}, {y}, options);
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  NpyArray samples = NpyArray::Zeros(DType::kFloat32, {8, 1, 4});
  float* v = samples.MutableView<float>().data();
  for (int i = 0; i < 32; ++i) v[i] = static_cast<float>(i % 7) - 3.0f;
  WriteNpy(x_, samples);
  const RunResult r = ExpectRefused({"quantize", model, "--calib", x_, "-o", out_}, model, "(SOFTMAX)");
  EXPECT_NE(r.err.find("--keep-float"), std::string::npos) << r.err;
}

// The same class in ADD: a constant of 1e34 next to a RELU6 output gives an
// output rescale factor far above 1, which TFLM's ADD cannot take: bad
// input with the way out, where it was exit 3 (the second campaign).
TEST_F(CliHostile, QuantizeOfAnAddWithAHugeConstantIsBadInput) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 2});
  const int c = b.AddConstant<float>("c", {1, 2}, {1e34f, -1e34f});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, 2});
  tflite::AddOptionsT options;
  options.fused_activation_function = tflite::ActivationFunctionType_RELU6;
  b.AddOperator(tflite::BuiltinOperator_ADD, {x, c}, {y}, options);
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  NpyArray samples = NpyArray::Zeros(DType::kFloat32, {8, 1, 2});
  float* v = samples.MutableView<float>().data();
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i % 5) - 2.0f;
  WriteNpy(x_, samples);
  const RunResult r = ExpectRefused({"quantize", model, "--calib", x_, "-o", out_}, model, "(ADD)");
  EXPECT_NE(r.err.find("--keep-float"), std::string::npos) << r.err;
}

// quantize compares the models' outputs on the calibration data: an output
// without real values (here a UINT32 CAST) is refused before calibrating,
// so no warning about the CAST staying float comes before the error (the
// fourth campaign).
TEST_F(CliHostile, QuantizeRefusesAnOutputItCannotCompareBeforeWarning) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {2});
  const int y = b.AddTensor("y", tflite::TensorType_UINT32, {2});
  b.AddOperator(tflite::BuiltinOperator_CAST, {x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  const RunResult r = ExpectRefused({"quantize", model, "--calib", x_, "-o", out_}, model,
                                    "output 0 ('y') is UINT32: only FLOAT32, INT8, UINT8, INT16 and INT32 outputs "
                                    "can be compared or ranked");
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

// A padding option that is neither SAME nor VALID was taken as SAME. Found
// by the long model run, where padding 13 with an 8388608x64 window made
// every output pixel scan the whole image (the work budget now refuses
// such a window too).
TEST_F(CliHostile, UnknownPaddingIsRefused) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {1, 4, 4, 1});
  const int y = b.AddTensor("y", tflite::TensorType_FLOAT32, {1, 4, 4, 1});
  tflite::Pool2DOptionsT options;
  options.padding = static_cast<tflite::Padding>(13);
  options.stride_h = options.stride_w = 1;
  options.filter_height = options.filter_width = 2;
  b.AddOperator(tflite::BuiltinOperator_MAX_POOL_2D, {x}, {y}, options);
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::string model = Save(b.Build("m"));
  WriteNpy(x_, NpyArray::Zeros(DType::kFloat32, {1, 4, 4, 1}));
  ExpectRefused({"run", model, "-i", x_, "-o", out_}, model, "padding 13 is neither SAME (0) nor VALID (1)");
  // The real TFLM runs this model: its padding arithmetic takes an output
  // size of 0 for the unknown value, which for this 2x2 window pads nothing
  // before the image.
  // The refusal above is tinyforge's choice for a value outside the
  // schema, not TFLM's behaviour; this records what TFLM does instead.
  if (!testing::HaveTflm()) GTEST_SKIP() << "no " << testing::TflmRunPath() << ": TFLM's side not checked";
  NpyArray in = NpyArray::Zeros(DType::kFloat32, {1, 4, 4, 1});
  float* v = in.MutableView<float>().data();
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  const testing::TflmResult r = testing::RunTflm(TflmTarget::kHost, model, {in}, dir_ + "/tflm");
  ASSERT_TRUE(r.ran()) << r.log;
  // 2x2 maxima of 0..15 in rows of 4, windows from each pixel, cut at the
  // image's right and bottom edges (worked by hand).
  const std::vector<float> expected = {5, 6, 7, 7, 9, 10, 11, 11, 13, 14, 15, 15, 13, 14, 15, 15};
  const auto got = r.outputs.at(0).View<float>();
  EXPECT_EQ(std::vector<float>(got.begin(), got.end()), expected);
}

// emit's resolver errors name the model by the path given, as every other
// error does (they named only its file name, which the generated comments use).
TEST_F(CliHostile, EmitResolverErrorNamesTheModelPath) {
  TF_REQUIRE_BINARY();
  ModelBuilder b;
  const int x = b.AddTensor("x", tflite::TensorType_FLOAT32, {2});
  b.SetInputs({x});
  b.SetOutputs({x});
  const std::string model = Save(b.Build("m"));
  ExpectRefused({"emit", model, "-o", out_, "--resolver", dir_ + "/ops.h"}, model, "the model has no operators");
  EXPECT_FALSE(fs::exists(dir_ + "/ops.h"));
}

// JSON must be UTF-8, a tensor name need not be: the reports write U+FFFD for
// the bytes that are not (nlohmann's dump threw, exit 3, after the work).
TEST_F(CliHostile, JsonOutputsReplaceNamesThatAreNotUtf8) {
  TF_REQUIRE_BINARY();
  const std::string model = Save(AddModel({2}, "z\xff\xc3("));
  const std::string replaced = "\"z\xef\xbf\xbd\xef\xbf\xbd(\"";
  const RunResult inspect = RunTinyforge(dir_, {"inspect", model, "--json"});
  EXPECT_EQ(inspect.status, 0) << inspect.err;
  EXPECT_NE(inspect.out.find(replaced), std::string::npos) << inspect.out;
  const RunResult quantize = RunTinyforge(dir_, {"quantize", model, "-o", dir_ + "/q.tflite", "--random", "2", "-q",
                                                 "--calibration-out", dir_ + "/t.json", "--report", dir_ + "/r.json"});
  EXPECT_EQ(quantize.status, 0) << quantize.err;
  EXPECT_NE(testing::ReadText(dir_ + "/t.json").find(replaced), std::string::npos);
  EXPECT_NE(testing::ReadText(dir_ + "/r.json").find(replaced), std::string::npos);
}

}  // namespace
}  // namespace tinyforge
