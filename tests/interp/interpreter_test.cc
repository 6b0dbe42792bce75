// The interpreter as a whole: real inputs with known TFLM answers, the
// observer hook, batch evaluation, and errors at Prepare.
#include "libconvert/interp/interpreter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "libconvert/compare/evaluate.h"
#include "libconvert/interp/batch.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/data/npy.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::ModelPath;
using testing::SharedDir;

std::vector<int8_t> RunPersonDetect(const std::string& image) {
  const Model model = LoadModel(ModelPath("person_detect"));
  interp::Interpreter interpreter(model);
  interpreter.Prepare();
  const NpyArray in = ReadNpy(SharedDir() + "/data/person/" + image);
  EXPECT_EQ(in.data.size(), interpreter.input(0).bytes);
  std::memcpy(interpreter.input(0).data, in.data.data(), interpreter.input(0).bytes);
  interpreter.Invoke();
  const int8_t* out = interpreter.output(0).Data<int8_t>();
  return {out, out + 2};
}

// A subgraph input the file also gives data (a bias listed as an input, as
// the model fuzzer made): the caller's values are used, by the fast and the
// reference kernels alike, and the Model's bytes are never written.
TEST(Interpreter, AnInputWithDataInTheFileIsTheCallersToWrite) {
  TF_REQUIRE_SHARED();
  Model model = LoadModel(ModelPath("hello_world_int8"));
  const int bias = model.subgraph(0).operators[1]->inputs[2];
  model.subgraph(0).inputs.push_back(bias);
  const Span<const uint8_t> file_bias = model.ConstantBytes(model.tensor(0, bias));
  const std::vector<uint8_t> original(file_bias.begin(), file_bias.end());
  std::vector<int8_t> outputs;
  for (bool reference : {false, true}) {
    interp::Interpreter interpreter(model, interp::InterpreterOptions{reference});
    interpreter.Prepare();
    ASSERT_EQ(interpreter.input(1).bytes, original.size());
    EXPECT_NE(interpreter.input(1).data, file_bias.data());
    interpreter.input(0).Data<int8_t>()[0] = 40;
    // The file's bias, then one far below it, which RELU turns into zeros.
    std::memcpy(interpreter.input(1).data, original.data(), original.size());
    interpreter.Invoke();
    outputs.push_back(interpreter.output(0).Data<int8_t>()[0]);
    std::vector<int32_t> low(original.size() / 4, -1000000);
    std::memcpy(interpreter.input(1).data, low.data(), original.size());
    interpreter.Invoke();
    outputs.push_back(interpreter.output(0).Data<int8_t>()[0]);
  }
  EXPECT_NE(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);
  EXPECT_EQ(outputs[1], outputs[3]);
  EXPECT_TRUE(std::equal(original.begin(), original.end(), file_bias.begin()));
}

// TFLM's person-detection test outputs, from ../shared/README.md.
TEST(Interpreter, PersonDetectGivesTflmScores) {
  TF_REQUIRE_SHARED();
  EXPECT_EQ(RunPersonDetect("person_input_int8.npy"), (std::vector<int8_t>{-113, 113}));
  EXPECT_EQ(RunPersonDetect("no_person_input_int8.npy"), (std::vector<int8_t>{57, -57}));
}

TEST(Interpreter, ObserverSeesEveryOperatorInOrder) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  interp::Interpreter interpreter(model);
  interpreter.Prepare();
  std::vector<size_t> seen;
  interpreter.SetObserver([&](const interp::OpEvent& e) {
    seen.push_back(e.op_index);
    ASSERT_EQ(e.outputs.size(), model.subgraph(0).operators[e.op_index]->outputs.size());
  });
  interpreter.Invoke();
  std::vector<size_t> expected(model.subgraph(0).operators.size());
  for (size_t i = 0; i < expected.size(); ++i) expected[i] = i;
  EXPECT_EQ(seen, expected);
  // The last operator's output is the model output.
  interpreter.SetObserver([&](const interp::OpEvent& e) {
    if (e.op_index + 1 == expected.size()) {
      EXPECT_EQ(e.outputs[0], &interpreter.output(0));
    }
  });
  interpreter.Invoke();
}

// Every operator missing from the kernel table is named at once.
TEST(Interpreter, MissingKernelsAreListedTogether) {
  TF_REQUIRE_SHARED();
  Model model = LoadModel(ModelPath("hello_world_float"));
  for (auto& code : model.raw().operator_codes) {
    code->builtin_code = tflite::BuiltinOperator_STABLEHLO_COMPOSITE;
    code->deprecated_builtin_code = tflite::BuiltinOperator_PLACEHOLDER_FOR_GREATER_OP_CODES;
  }
  interp::Interpreter interpreter(model);
  try {
    interpreter.Prepare();
    FAIL() << "Prepare accepted operators without kernels";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("no kernel for 3 operators"), std::string::npos) << message;
    EXPECT_NE(message.find("operator 0 STABLEHLO_COMPOSITE with FLOAT32 input"), std::string::npos) << message;
    EXPECT_NE(message.find("operator 2 STABLEHLO_COMPOSITE"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
  }
}

TEST(Interpreter, PrepareRejectsInconsistentShapesWithLocation) {
  TF_REQUIRE_SHARED();
  Model model = LoadModel(ModelPath("conv_fc_mnist"));
  // Make the first CONV_2D's declared output one pixel wider than its
  // geometry allows.
  auto& g = model.subgraph(0);
  const int out = g.operators[0]->outputs[0];
  g.tensors[static_cast<size_t>(out)]->shape[2] += 1;
  interp::Interpreter interpreter(model);
  try {
    interpreter.Prepare();
    FAIL() << "Prepare accepted a wrong output shape";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("subgraph 0, operator 0 (CONV_2D)"), std::string::npos) << e.what();
  }
}

// Top-1 on the 9,000 eval digits: the README's TFLM reference numbers.
TEST(Interpreter, MnistAccuracyMatchesTflmReferenceNumbers) {
  TF_REQUIRE_SHARED();
  const std::vector<int64_t> labels = testing::MnistLabels("eval_labels.npy");
  const NpyArray images = testing::MnistImagesF32("eval_images.npy");
  ASSERT_EQ(images.shape[0], 9000);
  struct Case {
    std::string model;
    uint64_t expected_correct;
  };
  for (const Case& c : {Case{"conv_fc_mnist", 8700}, Case{"conv_fc_mnist_srq_a8w8", 8647}}) {
    const Model model = LoadModel(ModelPath(c.model));
    ModelInputArrays inputs;
    inputs.arrays.push_back(ConvertModelInput(model, 0, images, "eval_images/255", /*quantize_floats=*/true));
    inputs.names.push_back("eval_images/255");
    const ClassifierResult result = EvaluateClassifier(model, ViewModelInputs(model, inputs), labels, 2);
    EXPECT_EQ(result.confusion.correct(), c.expected_correct) << c.model;
    EXPECT_EQ(result.confusion.total(), 9000u);
    std::printf("[ accuracy ] %s: %llu of 9000 (%.2f%%)\n", c.model.c_str(),
                static_cast<unsigned long long>(result.confusion.correct()), 100.0 * result.confusion.accuracy());
  }
}

// Results do not depend on the number of threads.
TEST(Interpreter, BatchResultsIndependentOfThreadCount) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist"));
  const NpyArray images = ReadNpy(SharedDir() + "/data/mnist/calib_images_f32.npy");
  ModelInputArrays inputs{{images}, {"calib_images_f32.npy"}};
  const auto views = ViewModelInputs(model, inputs);
  const auto one = interp::RunDataset(model, views, 1);
  const auto two = interp::RunDataset(model, views, 2);
  const auto three = interp::RunDataset(model, views, 3);
  ASSERT_EQ(one[0].shape, (std::vector<int64_t>{1000, 1, 10}));
  EXPECT_EQ(one[0].data, two[0].data);
  EXPECT_EQ(one[0].data, three[0].data);
}

TEST(ModelInputs, FloatDataForIntegerInputNeedsOptIn) {
  TF_REQUIRE_SHARED();
  const Model model = LoadModel(ModelPath("conv_fc_mnist_srq_a8w8"));
  const std::string path = SharedDir() + "/data/mnist/calib_images_f32.npy";
  try {
    ReadModelInputs(model, {path}, false);
    FAIL() << "a float array was accepted for an int8 input";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path, 0), 0u) << message;
    EXPECT_NE(message.find("--quantize-inputs"), std::string::npos) << message;
  }
  // Quantized with the input's own parameters: q = round(x / s) + zp.
  const ModelInputArrays q = ReadModelInputs(model, {path}, true);
  const tflite::TensorT& input = model.tensor(0, model.subgraph(0).inputs[0]);
  const float scale = input.quantization->scale[0];
  const int64_t zp = input.quantization->zero_point[0];
  const NpyArray f = ReadNpy(path);
  for (size_t i = 0; i < 2000; ++i) {
    const double expected = std::clamp<double>(std::round(f.View<float>()[i] / scale) + static_cast<double>(zp), -128, 127);
    ASSERT_EQ(q.arrays[0].View<int8_t>()[i], static_cast<int8_t>(expected)) << i;
  }
}

}  // namespace
}  // namespace tinyforge
