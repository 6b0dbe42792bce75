// --reverse reads arrays back out of source: ours, xxd's and TFLM's
// generate_cc_arrays style round-trip byte for byte.
#include "emit/reverse.h"

#include <cstdio>

#include "emit/byte_io.h"
#include "emit/emit_file.h"
#include "libconvert/base/error.h"
#include "tests/emit/emit_test_util.h"

namespace tinyforge::emit {
namespace {

using test_util::RandomBytes;
using test_util::ReadFile;
using test_util::RunCommand;
using test_util::ShellQuote;
using test_util::TempDir;
using test_util::WriteFile;

std::string Reverse(const std::string& source_text, const std::string& name = "",
                    ReverseResult* result = nullptr) {
  MemorySource source(source_text);
  std::string bytes;
  StringSink sink(bytes);
  const ReverseResult r = ReverseArray(source, "model_data.cc", name, sink);
  if (result != nullptr) *result = r;
  return bytes;
}

std::string ReverseError(const std::string& source_text, const std::string& name = "") {
  try {
    Reverse(source_text, name);
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

// Round trip through a file: emit in `format`, reverse the main output.
void RoundTripThroughFormat(Format format, std::size_t size) {
  TempDir dir;
  const std::string bytes = RandomBytes(size, static_cast<uint32_t>(size));
  WriteFile(dir / "blob.bin", bytes);
  EmitRequest request;
  request.input_path = dir / "blob.bin";
  request.array.format = format;
  request.output_path = dir / (format == Format::kHeaderOnly ? "out.h" : "out.cc");
  EmitFile(request);
  ReverseRequest reverse;
  reverse.input_path = request.output_path;
  reverse.output_path = dir / "back.bin";
  ReverseFile(reverse);
  EXPECT_EQ(ReadFile(dir / "back.bin"), bytes) << FormatName(format) << " size " << size;
}

TEST(ReverseTest, RoundTripsOurFormats) {
  for (Format format : {Format::kTflm, Format::kC, Format::kHeaderOnly, Format::kXxd}) {
    for (std::size_t size : {1, 12, 13, 1000, (1 << 16) + 3}) RoundTripThroughFormat(format, size);
  }
  RoundTripThroughFormat(Format::kXxd, 0);
}

TEST(ReverseTest, RoundTripsRealXxdOutput) {
  TINYFORGE_REQUIRE_TOOL("xxd");
  TempDir dir;
  for (std::size_t size : {0, 1, 11, 12, 13, 5000}) {
    const std::string bytes = RandomBytes(size, 99);
    WriteFile(dir / "in.bin", bytes);
    const auto xxd = RunCommand("cd " + ShellQuote(dir.path()) + " && xxd -i in.bin");
    ASSERT_EQ(xxd.exit_code, 0);
    ReverseResult result;
    EXPECT_EQ(Reverse(xxd.output, "", &result), bytes) << size;
    EXPECT_EQ(result.array_name, "in_bin");
  }
}

// TFLM's tensorflow/lite/micro/tools/generate_cc_arrays.py writes Python's
// hex() of each byte ("0x0", "0x1c"), comma-separated on one line.
std::string GenerateCcArraysStyle(const std::string& bytes, const std::string& name) {
  std::string text = "#include <cstdint>\n\n#include \"" + name + ".h\"\n\n";
  text += "alignas(16) const unsigned char " + name + "[] = {";
  char item[8];
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(item, sizeof(item), "0x%x", static_cast<unsigned char>(bytes[i]));
    text += (i > 0 ? "," : "") + std::string(item);
  }
  return text + "};\n";
}

TEST(ReverseTest, RoundTripsTflmGenerateCcArraysStyle) {
  const std::string bytes = RandomBytes(4000, 5);
  EXPECT_EQ(Reverse(GenerateCcArraysStyle(bytes, "g_model_model_data")), bytes);
}

TEST(ReverseTest, RoundTripsOlderTflmStyleWithDecimalAndComments) {
  // As in TFLM's older hand-kept model files: decimal, comments, attribute
  // macro, a _len in int.
  const std::string source =
      "/* Copyright header\n   spanning lines */\n"
      "#include \"model.h\"\n"
      "#define DATA_ALIGN_ATTRIBUTE __attribute__((aligned(4)))\n"
      "const unsigned char g_model[] DATA_ALIGN_ATTRIBUTE = {\n"
      "    28, 0,   0, // a comment, 99, 98\n"
      "  0x54,\t0X46 , /* inline */ 0114,\r\n 0b110011, 255u, 0'0, 1UL\n"
      "};\n"
      "const int g_model_len = 10;\n";
  const std::string expected = {28, 0, 0, 0x54, 0x46, 0114, 0b110011, '\xff', 0, 1};
  EXPECT_EQ(Reverse(source), expected);
}

TEST(ReverseTest, SeveralArraysNeedAName) {
  const std::string source =
      "unsigned char first[] = {1, 2};\n"
      "const uint8_t second[] = {3};\n"
      "const int dims[] = {1, 96, 96, 1};  // not bytes: ignored\n"
      "static const char* text = \"x[] = {9}\";\n";
  EXPECT_NE(ReverseError(source).find("several byte arrays (first, second); choose one with --name"),
            std::string::npos)
      << ReverseError(source);
  EXPECT_EQ(Reverse(source, "second"), std::string(1, '\3'));
  EXPECT_EQ(Reverse(source, "first"), std::string("\1\2"));
  EXPECT_NE(ReverseError(source, "third").find("no byte array named third (byte arrays found: "
                                               "first, second)"),
            std::string::npos);
  EXPECT_NE(ReverseError(source, "dims").find("not a one-dimensional array of bytes"),
            std::string::npos);
}

TEST(ReverseTest, SignedBytesBoundsAndPadding) {
  EXPECT_EQ(Reverse("const int8_t q[] = {-128, -1, 0, 127};"), std::string("\x80\xff\x00\x7f", 4));
  EXPECT_EQ(Reverse("unsigned char a[5] = {1, 2};"), std::string("\1\2\0\0\0", 5));
  EXPECT_EQ(Reverse("unsigned char a[] = {1, 2,};"), std::string("\1\2"));
  EXPECT_EQ(Reverse("namespace n { alignas(16) const unsigned char a[] {7}; }"), std::string("\7"));
}

TEST(ReverseTest, ErrorsNameFileLineAndProblem) {
  EXPECT_NE(ReverseError("unsigned char a[] = {\n1,\n0x1ff};").find("model_data.cc:3: array a: "
                                                                   "0x1ff does not fit in a byte"),
            std::string::npos);
  EXPECT_NE(ReverseError("unsigned char a[] = {1.5};").find("'1.5' is not an integer literal"),
            std::string::npos);
  EXPECT_NE(ReverseError("unsigned char a[] = {1 2};").find("expected ',' or '}', found '2'"),
            std::string::npos);
  EXPECT_NE(ReverseError("unsigned char a[] = {'a'};").find("expected an integer literal"),
            std::string::npos);
  EXPECT_NE(ReverseError("unsigned char a[] = {1, 2};\nunsigned int a_len = 3;")
                .find("a_len is 3 but array a (line 1) has 2 bytes"),
            std::string::npos);
  EXPECT_NE(ReverseError("unsigned char a[1] = {1, 2};").find("declared with 1 elements"),
            std::string::npos);
  EXPECT_NE(ReverseError("/* never closed").find("unterminated /* comment"), std::string::npos);
  EXPECT_NE(ReverseError("int x = 3;").find("no initialized byte array"), std::string::npos);
  EXPECT_NE(ReverseError("unsigned char a[] = {1, 2").find("expected"), std::string::npos);
}

TEST(ReverseTest, FailedReverseLeavesNoOutput) {
  TempDir dir;
  WriteFile(dir / "two.cc", "unsigned char a[] = {1};\nunsigned char b[] = {2};\n");
  ReverseRequest request;
  request.input_path = dir / "two.cc";
  request.output_path = dir / "out.bin";
  EXPECT_THROW(ReverseFile(request), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.bin"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);  // no temporary file left behind either
}

TEST(ReverseTest, RoundTripsEveryModelThroughTflm) {
  const auto models = test_util::ModelFiles();
  if (models.empty()) GTEST_SKIP() << "no models under " << test_util::ModelsDir();
  TempDir dir;
  for (const std::string& model : models) {
    EmitRequest request;
    request.input_path = model;
    request.array.format = Format::kTflm;
    request.output_path = dir / "m.cc";
    request.input_is_model = true;
    EmitFile(request);
    ReverseRequest reverse;
    reverse.input_path = dir / "m.cc";
    reverse.output_path = dir / "m.tflite";
    ReverseFile(reverse);
    EXPECT_EQ(ReadFile(dir / "m.tflite"), ReadFile(model)) << model;
  }
}

}  // namespace
}  // namespace tinyforge::emit
