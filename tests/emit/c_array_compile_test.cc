// The tflm, c and header-only formats compile (g++ -std=c++11, gcc -std=c99,
// g++ -std=c++17 for header-only) into programs that check every byte against
// the original file, the alignment, the sizes and the model constants.
#include <cstdio>
#include <iomanip>

#include "emit/c_array.h"
#include "emit/emit_file.h"
#include "tests/emit/emit_test_util.h"

namespace tinyforge::emit {
namespace {

using test_util::ManifestDescription;
using test_util::ManifestEntry;
using test_util::RandomBytes;
using test_util::ReadFile;
using test_util::RunCommand;
using test_util::ShellQuote;
using test_util::TempDir;
using test_util::WriteFile;

constexpr char kCxxFlags[] = "-Wall -Wextra -Werror -pedantic";

// A C++ program: includes `include`, reads argv[1] and compares it with the
// array `name` (qualified), its _len and _size; checks `align`; runs `extra`
// (statements returning non-zero on failure).
std::string CxxChecker(const std::string& include, const std::string& name, int align,
                       const std::string& extra = "", bool has_size = true) {
  std::ostringstream p;
  p << "#include \"" << include << "\"\n"
    << "#include <cstdint>\n#include <cstdio>\n#include <vector>\n"
    << "int main(int argc, char** argv) {\n"
    << "  if (argc != 2) return 10;\n"
    << "  std::FILE* f = std::fopen(argv[1], \"rb\");\n"
    << "  if (!f) return 11;\n"
    << "  std::vector<unsigned char> bytes;\n"
    << "  for (int c; (c = std::fgetc(f)) != EOF;) bytes.push_back(static_cast<unsigned char>(c));\n"
    << "  if (" << name << "_len != bytes.size()) { std::puts(\"len differs\"); return 2; }\n";
  if (has_size) {
    p << "  if (" << name << "_size != bytes.size()) { std::puts(\"size differs\"); return 2; }\n";
  }
  p << "  for (std::size_t i = 0; i < bytes.size(); ++i) {\n"
    << "    if (" << name << "[i] != bytes[i]) { std::printf(\"byte %zu differs\\n\", i); return 3; }\n"
    << "  }\n"
    << "  if (reinterpret_cast<std::uintptr_t>(" << name << ") % " << align << " != 0) {\n"
    << "    std::puts(\"misaligned\"); return 4;\n  }\n"
    << extra
    << "  std::puts(\"OK\");\n  return 0;\n}\n";
  return p.str();
}

std::string CChecker(const std::string& include, const std::string& name, int align) {
  std::ostringstream p;
  p << "#include \"" << include << "\"\n"
    << "#include <stdint.h>\n#include <stdio.h>\n"
    << "int main(int argc, char** argv) {\n"
    << "  FILE* f;\n  unsigned long i = 0;\n  int c;\n"
    << "  if (argc != 2) return 10;\n"
    << "  f = fopen(argv[1], \"rb\");\n"
    << "  if (!f) return 11;\n"
    << "  while ((c = fgetc(f)) != EOF) {\n"
    << "    if (i >= " << name << "_len || " << name << "[i] != (unsigned char)c) {\n"
    << "      printf(\"byte %lu differs\\n\", i); return 3;\n    }\n"
    << "    ++i;\n  }\n"
    << "  if (i != " << name << "_len) { puts(\"len differs\"); return 2; }\n"
    << "  if ((uintptr_t)" << name << " % " << align << " != 0) { puts(\"misaligned\"); return 4; }\n"
    << "  puts(\"OK\");\n  return 0;\n}\n";
  return p.str();
}

// Compiles `command` inside `dir`, runs ./prog on `data`, expects "OK".
void CompileAndRun(const TempDir& dir, const std::string& command, const std::string& data) {
  const auto build = RunCommand("cd " + ShellQuote(dir.path()) + " && " + command);
  ASSERT_EQ(build.exit_code, 0) << command << "\n" << build.output;
  const auto run = RunCommand(ShellQuote(dir / "prog") + " " + ShellQuote(data));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, "OK\n");
}

EmitRequest Request(const std::string& input, Format format, const std::string& output) {
  EmitRequest request;
  request.input_path = input;
  request.array.format = format;
  request.output_path = output;
  return request;
}

// "static_cast<float>(0.0078431377187371254)": the manifest's value, exactly.
std::string FloatExpression(double value) {
  std::ostringstream text;
  text << "static_cast<float>(" << std::setprecision(17) << value << ")";
  return text.str();
}

TEST(CArrayCompileTest, TflmRandomBytes) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(1000, 1));
  EmitRequest request = Request(dir / "blob.bin", Format::kTflm, dir / "blob_data.cc");
  const EmitResult result = EmitFile(request);
  EXPECT_EQ(result.array_name, "g_blob_data");
  EXPECT_EQ(result.files_written,
            (std::vector<std::string>{dir / "blob_data.cc", dir / "blob_data.h"}));
  WriteFile(dir / "main.cc", CxxChecker("blob_data.h", "g_blob_data", 16));
  CompileAndRun(dir, std::string("g++ -std=c++11 ") + kCxxFlags + " main.cc blob_data.cc -o prog",
                dir / "blob.bin");
}

TEST(CArrayCompileTest, TflmModelWithConstants) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TINYFORGE_REQUIRE_MODEL("person_detect.tflite");
  const auto entry = ManifestEntry("person_detect.tflite");
  ASSERT_FALSE(entry.is_null());
  const ModelDescription model = ManifestDescription(entry);
  TempDir dir;
  const std::string input = test_util::ModelsDir() + "/person_detect.tflite";
  EmitRequest request = Request(input, Format::kTflm, dir / "model_data.cc");
  request.model = &model;
  request.input_is_model = true;
  EXPECT_EQ(EmitFile(request).array_name, "g_person_detect_model_data");

  const auto& in = entry["inputs"][0];
  const auto& out = entry["outputs"][0];
  const std::string n = "g_person_detect_model_data";
  std::ostringstream extra;
  extra << "  if (" << n << "_input_scale != " << FloatExpression(in["scale"]) << ") return 5;\n"
        << "  if (" << n << "_input_zero_point != " << in["zero_point"] << ") return 5;\n"
        << "  if (" << n << "_output_scale != " << FloatExpression(out["scale"]) << ") return 5;\n"
        << "  if (" << n << "_output_zero_point != " << out["zero_point"] << ") return 5;\n"
        << "  static_assert(sizeof(" << n << "_input_dims) / sizeof(int) == 4, \"rank\");\n"
        << "  if (" << n << "_input_dims[1] != " << in["shape"][1] << ") return 6;\n"
        << "  if (" << n << "_input_elements != 96 * 96) return 6;\n"
        << "  if (" << n << "_output_elements != 2) return 6;\n"
        << "  static_assert(" << n << "_size == " << entry["bytes"] << ", \"constexpr size\");\n";
  WriteFile(dir / "main.cc", CxxChecker("model_data.h", n, 16, extra.str()));
  CompileAndRun(dir, std::string("g++ -std=c++11 ") + kCxxFlags + " main.cc model_data.cc -o prog",
                input);
}

TEST(CArrayCompileTest, TflmAlignNamespaceSectionLineWidth) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(333, 2));
  EmitRequest request = Request(dir / "blob.bin", Format::kTflm, dir / "blob_data.cc");
  request.array.name = "weights";
  request.array.alignment = 64;
  request.array.namespaces = {"app", "model"};
  request.array.section = "tf_model";
  request.array.line_width = 40;
  EmitFile(request);
  // GNU ld defines __start_/__stop_ symbols for sections named like C
  // identifiers: the array must lie between them.
  const std::string extra =
      "  const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(__start_tf_model);\n"
      "  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(__stop_tf_model);\n"
      "  const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(app::model::weights);\n"
      "  if (at < begin || at + app::model::weights_len > end) return 7;\n";
  WriteFile(dir / "main.cc", "extern \"C\" const unsigned char __start_tf_model[];\n"
                             "extern \"C\" const unsigned char __stop_tf_model[];\n" +
                                 CxxChecker("blob_data.h", "app::model::weights", 64, extra));
  CompileAndRun(dir, std::string("g++ -std=c++11 ") + kCxxFlags + " main.cc blob_data.cc -o prog",
                dir / "blob.bin");
  // 40 characters a line: 6 bytes.
  const std::string source = ReadFile(dir / "blob_data.cc");
  std::istringstream lines(source);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  0x", 0) == 0) {
      EXPECT_LE(line.size(), 40u) << line;
    }
  }
  EXPECT_NE(source.find("\n  0x" ), std::string::npos);
}

TEST(CArrayCompileTest, TflmProgmemAndNoConst) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(50, 3));
  EmitRequest request = Request(dir / "blob.bin", Format::kTflm, dir / "blob_data.cc");
  request.array.progmem = true;
  request.array.constant = false;
  EmitFile(request);
  EXPECT_NE(ReadFile(dir / "blob_data.cc").find("[] PROGMEM = {"), std::string::npos);
  const std::string extra =
      "  g_blob_data[0] = static_cast<unsigned char>(g_blob_data[0] + 1);  // mutable\n"
      "  if (g_blob_data[0] != static_cast<unsigned char>(bytes[0] + 1)) return 8;\n";
  WriteFile(dir / "main.cc", CxxChecker("blob_data.h", "g_blob_data", 16, extra));
  CompileAndRun(dir, std::string("g++ -std=c++11 ") + kCxxFlags + " main.cc blob_data.cc -o prog",
                dir / "blob.bin");
}

TEST(CArrayCompileTest, TflmToStandardOutputStandsAlone) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(77, 4));
  std::FILE* stream = std::fopen((dir / "blob_data.cc").c_str(), "wb");
  ASSERT_NE(stream, nullptr);
  const EmitResult result = EmitFile(Request(dir / "blob.bin", Format::kTflm, "-"), stream);
  std::fclose(stream);
  EXPECT_EQ(result.files_written, std::vector<std::string>{"-"});
  EXPECT_FALSE(std::filesystem::exists(dir / "blob_data.h"));
  WriteFile(dir / "decl.h", "extern const unsigned char g_blob_data[];\n"
                            "extern const unsigned int g_blob_data_len;\n");
  WriteFile(dir / "main.cc", CxxChecker("decl.h", "g_blob_data", 16, "", false));
  CompileAndRun(dir, std::string("g++ -std=c++11 ") + kCxxFlags + " main.cc blob_data.cc -o prog",
                dir / "blob.bin");
}

TEST(CArrayCompileTest, TflmHeaderInAnotherDirectory) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(20, 5));
  std::filesystem::create_directories(dir / "src");
  std::filesystem::create_directories(dir / "include/model");
  EmitRequest request = Request(dir / "blob.bin", Format::kTflm, dir / "src/blob_data.cc");
  request.header_path = dir / "include/model/blob_data.h";
  EmitFile(request);
  EXPECT_NE(ReadFile(dir / "src/blob_data.cc").find("#include \"../include/model/blob_data.h\""),
            std::string::npos);
  WriteFile(dir / "main.cc", CxxChecker("include/model/blob_data.h", "g_blob_data", 16));
  CompileAndRun(dir,
                std::string("g++ -std=c++11 ") + kCxxFlags + " main.cc src/blob_data.cc -o prog",
                dir / "blob.bin");
}

TEST(CArrayCompileTest, CFormatC99AndC11) {
  TINYFORGE_REQUIRE_TOOL("gcc");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(1234, 6));
  EmitRequest request = Request(dir / "blob.bin", Format::kC, dir / "blob_data.c");
  request.array.alignment = 32;
  EXPECT_EQ(EmitFile(request).array_name, "blob_data");
  WriteFile(dir / "main.c", CChecker("blob_data.h", "blob_data", 32));
  for (const char* standard : {"c99", "c11"}) {
    SCOPED_TRACE(standard);
    CompileAndRun(dir,
                  std::string("gcc -std=") + standard + " " + kCxxFlags +
                      " main.c blob_data.c -o prog",
                  dir / "blob.bin");
  }
}

TEST(CArrayCompileTest, CFormatHeaderWorksFromCxx) {
  TINYFORGE_REQUIRE_TOOL("gcc");
  TINYFORGE_REQUIRE_TOOL("g++");
  TINYFORGE_REQUIRE_MODEL("hello_world_int8.tflite");
  const auto entry = ManifestEntry("hello_world_int8.tflite");
  const ModelDescription model = ManifestDescription(entry);
  TempDir dir;
  const std::string input = test_util::ModelsDir() + "/hello_world_int8.tflite";
  EmitRequest request = Request(input, Format::kC, dir / "hello.c");
  request.model = &model;
  request.input_is_model = true;
  request.array.name = "hello_model";
  request.array.progmem = true;
  EmitFile(request);
  std::ostringstream extra;
  extra << "  if (hello_model_input_scale != " << FloatExpression(entry["inputs"][0]["scale"])
        << ") return 5;\n"
        << "  if (hello_model_output_zero_point != " << entry["outputs"][0]["zero_point"]
        << ") return 5;\n";
  WriteFile(dir / "main.cc", CxxChecker("hello.h", "hello_model", 16, extra.str(), false));
  CompileAndRun(dir,
                std::string("gcc -std=c99 ") + kCxxFlags + " -c hello.c -o hello.o && g++ -std=c++11 " +
                    kCxxFlags + " main.cc hello.o -o prog",
                input);
  // The same header compiles as C99 with the constants (static const).
  WriteFile(dir / "main.c", CChecker("hello.h", "hello_model", 16));
  CompileAndRun(dir, std::string("gcc -std=c99 ") + kCxxFlags + " main.c hello.c -o prog", input);
}

TEST(CArrayCompileTest, HeaderOnlyIsOneArrayAcrossTranslationUnits) {
  TINYFORGE_REQUIRE_TOOL("g++");
  TINYFORGE_REQUIRE_MODEL("micro_speech_quantized.tflite");
  const ModelDescription model = ManifestDescription(ManifestEntry("micro_speech_quantized.tflite"));
  TempDir dir;
  const std::string input = test_util::ModelsDir() + "/micro_speech_quantized.tflite";
  EmitRequest request = Request(input, Format::kHeaderOnly, dir / "speech.h");
  request.model = &model;
  request.input_is_model = true;
  request.array.namespaces = {"speech"};
  request.array.alignment = 128;
  EmitFile(request);
  WriteFile(dir / "other.cc", "#include \"speech.h\"\n"
                              "const unsigned char* OtherAddress() { return "
                              "speech::g_micro_speech_quantized_model_data; }\n");
  const std::string extra =
      "  if (OtherAddress() != speech::g_micro_speech_quantized_model_data) return 9;\n";
  WriteFile(dir / "main.cc", "const unsigned char* OtherAddress();\n" +
                                 CxxChecker("speech.h", "speech::g_micro_speech_quantized_model_data",
                                            128, extra));
  CompileAndRun(dir, std::string("g++ -std=c++17 ") + kCxxFlags + " main.cc other.cc -o prog",
                input);
}

}  // namespace
}  // namespace tinyforge::emit
