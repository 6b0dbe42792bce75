#include "emit/identifiers.h"

#include <gtest/gtest.h>

#include "emit/description.h"
#include "emit/format.h"
#include "libconvert/base/error.h"

namespace tinyforge::emit {
namespace {

TEST(IdentifiersTest, DefaultArrayNames) {
  EXPECT_EQ(DefaultArrayName("models/person_detect.tflite", Format::kTflm, true),
            "g_person_detect_model_data");
  EXPECT_EQ(DefaultArrayName("person_detect.tflite", Format::kHeaderOnly, true),
            "g_person_detect_model_data");
  EXPECT_EQ(DefaultArrayName("person_detect.tflite", Format::kC, true),
            "person_detect_model_data");
  EXPECT_EQ(DefaultArrayName("img/cat-01.bmp", Format::kC, false), "cat_01_data");
  EXPECT_EQ(DefaultArrayName("9lives.bin", Format::kC, false), "g_9lives_data");
  EXPECT_EQ(DefaultArrayName("--x..y__.tflite", Format::kTflm, true), "g_x_y_model_data");
  EXPECT_EQ(DefaultArrayName(".tflite", Format::kTflm, true), "g_tflite_model_data");
  EXPECT_EQ(DefaultArrayName("x/...", Format::kTflm, true), "g_model_data");
  EXPECT_EQ(DefaultArrayName("int.bin", Format::kC, false), "int_data");
  EXPECT_EQ(DefaultArrayName("model.int8.tflite", Format::kTflm, true), "g_model_int8_model_data");
  for (const char* path : {"a", "0", "__", "é.bin", "x y z.tflite"}) {
    for (Format format : {Format::kTflm, Format::kC, Format::kHeaderOnly}) {
      EXPECT_EQ(IdentifierProblem(DefaultArrayName(path, format, false)), "") << path;
    }
  }
}

TEST(IdentifiersTest, InvalidNamesAreErrors) {
  EXPECT_EQ(IdentifierProblem("g_model"), "");
  EXPECT_EQ(IdentifierProblem("_lower"), "");
  EXPECT_NE(IdentifierProblem(""), "");
  EXPECT_NE(IdentifierProblem("1model"), "");
  EXPECT_NE(IdentifierProblem("my-model"), "");
  EXPECT_NE(IdentifierProblem("model data"), "");
  EXPECT_NE(IdentifierProblem("int"), "");
  EXPECT_NE(IdentifierProblem("class"), "");
  EXPECT_NE(IdentifierProblem("_Alignas"), "");
  EXPECT_NE(IdentifierProblem("and"), "");
  EXPECT_NE(IdentifierProblem("a__b"), "");
  EXPECT_NE(IdentifierProblem("_Model"), "");
  try {
    CheckIdentifier("my-model", "name");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), 2);
    EXPECT_NE(std::string(error.what()).find("invalid --name 'my-model'"), std::string::npos);
  }
}

TEST(IdentifiersTest, XxdNames) {
  EXPECT_EQ(XxdArrayName("person_detect.tflite"), "person_detect_tflite");
  EXPECT_EQ(XxdArrayName("12b"), "__12b");
  EXPECT_EQ(XxdArrayName("./a/b-c"), "__a_b_c");
}

TEST(IdentifiersTest, GuardsAndNamespaces) {
  EXPECT_EQ(IncludeGuard("g_model_data"), "G_MODEL_DATA_H_");
  EXPECT_EQ(IncludeGuard("_x"), "X_H_");
  EXPECT_EQ(IncludeGuard("m", "OPS_H_"), "M_OPS_H_");
  EXPECT_EQ(ParseNamespace(""), std::vector<std::string>{});
  EXPECT_EQ(ParseNamespace("app::model"), (std::vector<std::string>{"app", "model"}));
  EXPECT_THROW(ParseNamespace("app::"), Error);
  EXPECT_THROW(ParseNamespace("::app"), Error);
  EXPECT_THROW(ParseNamespace("app:model"), Error);
  EXPECT_THROW(ParseNamespace("namespace"), Error);
}

TEST(FormatTest, OneTable) {
  EXPECT_EQ(FormatNameList(), "tflm|c|xxd|header-only");
  for (const FormatInfo& info : kFormats) {
    EXPECT_EQ(ParseFormat(info.name), info.format);
    EXPECT_EQ(FormatName(info.format), info.name);
  }
  EXPECT_EQ(ParseFormat("cc"), std::nullopt);
}

TEST(DescriptionTest, FloatLiteralsReadBackExactly) {
  for (float value : {0.00390625f, 0.007843138f, 1.0f, 1e-5f, 123456.0f, 3.4e38f,
                      1.17549435e-38f, 0.1f}) {
    const std::string literal = FloatLiteral(value);
    ASSERT_EQ(literal.back(), 'f');
    EXPECT_EQ(std::strtof(literal.c_str(), nullptr), value) << literal;
    EXPECT_NE(literal.find_first_of(".e"), std::string::npos) << literal;
  }
  EXPECT_EQ(FloatLiteral(1.0f), "1.0f");
  EXPECT_EQ(FloatLiteral(0.5f), "0.5f");
}

}  // namespace
}  // namespace tinyforge::emit
