// File-level behaviour: defaults, atomicity, determinism, the header's
// description, option checks; DescribeModel against the corpus manifest.
#include "emit/emit_file.h"

#include "emit/c_array.h"
#include "emit/describe_model.h"
#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
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

std::size_t FilesIn(const std::string& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                std::filesystem::directory_iterator()));
}

std::string ErrorOf(const EmitRequest& request) {
  try {
    EmitFile(request);
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

EmitRequest FileRequest(const std::string& input, Format format, const std::string& output) {
  EmitRequest request;
  request.input_path = input;
  request.array.format = format;
  request.output_path = output;
  return request;
}

TEST(EmitFileTest, TfliteDetection) {
  TempDir dir;
  WriteFile(dir / "model.bin", std::string("\x1c\0\0\0TFL3rest", 12));
  WriteFile(dir / "other.bin", "hello world");
  EXPECT_TRUE(IsTfliteFile(dir / "model.bin"));
  EXPECT_FALSE(IsTfliteFile(dir / "other.bin"));
  EXPECT_TRUE(IsTfliteFile("does/not/matter.tflite"));
  EXPECT_THROW(IsTfliteFile(dir / "missing.bin"), Error);
  EXPECT_EQ(DefaultFormat(true), Format::kTflm);
  EXPECT_EQ(DefaultFormat(false), Format::kC);
}

TEST(EmitFileTest, HeaderDescribesModelWithManifestFacts) {
  TINYFORGE_REQUIRE_MODEL("person_detect.tflite");
  const auto entry = ManifestEntry("person_detect.tflite");
  ModelDescription model = ManifestDescription(entry);
  model.parameter_count = 12345;
  model.arena = ArenaFigure{81920, "cortex-m4", "Cortex-M4 (32-bit, arm-none-eabi)"};
  TempDir dir;
  EmitRequest request =
      FileRequest(test_util::ModelsDir() + "/person_detect.tflite", Format::kTflm, dir / "pd.cc");
  request.model = &model;
  request.input_is_model = true;
  EmitFile(request);
  const std::string header = ReadFile(dir / "pd.h");
  for (const std::string& expected :
       {std::string("// person_detect.tflite as a C++ array for TensorFlow Lite Micro.\n"),
        "// sha256:     " + entry["sha256"].get<std::string>() + "\n",
        std::string("// bytes:      300,568\n"), std::string("// parameters: 12,345\n"),
        std::string("// arena:      81,920 bytes on Cortex-M4 (32-bit, arm-none-eabi), --target "
                    "cortex-m4\n"),
        std::string("constexpr unsigned int g_person_detect_model_data_arena_bytes = 81920;\n"),
        std::string("//   AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, RESHAPE, SOFTMAX\n"),
        std::string("//   [0] input: INT8 [1, 96, 96, 1], scale 0.007843138, zero point -1\n"),
        std::string("//   [0] MobilenetV1/Predictions/Reshape_1: INT8 [1, 2], scale "
                    "0.00390625, zero point -128\n")}) {
    EXPECT_NE(header.find(expected), std::string::npos) << expected << "\n---\n" << header;
  }
  EXPECT_EQ(header.rfind("// person_detect.tflite", 0), 0u) << "the header opens with it";
}

// The C header has the arena as a #define, with the same comment naming the target.
TEST(EmitFileTest, CHeaderDefinesTheArena) {
  TINYFORGE_REQUIRE_MODEL("person_detect.tflite");
  ModelDescription model = ManifestDescription(ManifestEntry("person_detect.tflite"));
  model.arena = ArenaFigure{85024, "host", "host (x86-64)"};
  TempDir dir;
  EmitRequest request = FileRequest(test_util::ModelsDir() + "/person_detect.tflite", Format::kC, dir / "pd.c");
  request.model = &model;
  request.input_is_model = true;
  EmitFile(request);
  const std::string header = ReadFile(dir / "pd.h");
  for (const std::string& expected : {std::string("// arena:      85,024 bytes on host (x86-64), --target host\n"),
                                      std::string("#define person_detect_model_data_arena_bytes 85024u\n")}) {
    EXPECT_NE(header.find(expected), std::string::npos) << expected << "\n---\n" << header;
  }
  EXPECT_EQ(header.find("constexpr"), std::string::npos) << header;
}

TEST(EmitFileTest, Sha256MatchesSha256sum) {
  TINYFORGE_REQUIRE_TOOL("sha256sum");
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(100000, 11));
  EmitFile(FileRequest(dir / "blob.bin", Format::kTflm, dir / "blob.cc"));
  const auto sum = RunCommand("sha256sum " + ShellQuote(dir / "blob.bin"));
  ASSERT_EQ(sum.exit_code, 0);
  const std::string hex = sum.output.substr(0, 64);
  EXPECT_NE(ReadFile(dir / "blob.h").find("// sha256:     " + hex + "\n"), std::string::npos);
  EXPECT_NE(ReadFile(dir / "blob.cc").find("sha256 " + hex), std::string::npos);
}

TEST(EmitFileTest, DeterministicOutput) {
  TempDir dir;
  WriteFile(dir / "blob.bin", RandomBytes(5000, 12));
  for (Format format : {Format::kTflm, Format::kC, Format::kHeaderOnly, Format::kXxd}) {
    std::vector<std::string> runs;
    for (int run = 0; run < 2; ++run) {
      const std::string out = dir / ("out" + std::to_string(run) + ".txt");
      EmitRequest request = FileRequest(dir / "blob.bin", format, out);
      if (format == Format::kTflm || format == Format::kC) {
        request.header_path = dir / ("h" + std::to_string(run) + ".h");
      }
      EmitFile(request);
      std::string text = ReadFile(out);
      // The only difference allowed: the header's own file name.
      const std::string include = "h" + std::to_string(run) + ".h";
      if (const auto at = text.find(include); at != std::string::npos) {
        text.replace(at, include.size(), "h.h");
      }
      runs.push_back(text);
    }
    EXPECT_EQ(runs[0], runs[1]) << FormatName(format);
  }
}

TEST(EmitFileTest, ErrorsLeaveNoFiles) {
  TINYFORGE_REQUIRE_MODEL("single_gelu.tflite");
  const ModelDescription model = ManifestDescription(ManifestEntry("single_gelu.tflite"));
  TempDir dir;
  EmitRequest request =
      FileRequest(test_util::ModelsDir() + "/single_gelu.tflite", Format::kTflm, dir / "gelu.cc");
  request.model = &model;
  request.input_is_model = true;
  request.resolver_path = dir / "gelu_ops.h";
  EXPECT_NE(ErrorOf(request).find("single_gelu.tflite: TensorFlow Lite Micro has no resolver "
                                  "method (MicroMutableOpResolver::Add...) for operator GELU"),
            std::string::npos)
      << ErrorOf(request);
  EXPECT_EQ(FilesIn(dir.path()), 0u);
}

TEST(EmitFileTest, OptionErrorsNameTheFlag) {
  TempDir dir;
  WriteFile(dir / "blob.bin", "abc");
  WriteFile(dir / "empty.bin", "");
  const auto error = [&](auto change) {
    EmitRequest request = FileRequest(dir / "blob.bin", Format::kTflm, dir / "out.cc");
    change(request);
    return ErrorOf(request);
  };
  EXPECT_NE(error([](EmitRequest& r) { r.array.name = "1x"; }).find("invalid --name '1x'"),
            std::string::npos);
  EXPECT_NE(error([](EmitRequest& r) { r.array.alignment = 8; }).find("invalid --align 8"),
            std::string::npos);
  EXPECT_NE(error([](EmitRequest& r) { r.array.alignment = 48; }).find("power of two"),
            std::string::npos);
  EXPECT_NE(error([](EmitRequest& r) { r.array.section = "a\"b"; }).find("invalid --section"),
            std::string::npos);
  EXPECT_NE(error([](EmitRequest& r) {
              r.array.section = ".x";
              r.array.progmem = true;
            }).find("--section and --progmem"),
            std::string::npos);
  EXPECT_NE(error([](EmitRequest& r) { r.array.line_width = 3; }).find("invalid --line-width 3"),
            std::string::npos);
  EXPECT_NE(error([](EmitRequest& r) {
              r.array.format = Format::kC;
              r.array.namespaces = {"n"};
            }).find("--namespace applies to the C++ formats"),
            std::string::npos);
  EXPECT_NE(error([&](EmitRequest& r) { r.header_path = dir / "out.cc"; }).find("two outputs"),
            std::string::npos);
  EXPECT_NE(error([&](EmitRequest& r) { r.resolver_path = dir / "ops.h"; }).find("--resolver needs"),
            std::string::npos);
  EXPECT_NE(error([&](EmitRequest& r) { r.input_path = dir / "empty.bin"; }).find("is empty"),
            std::string::npos);
  EXPECT_NE(error([&](EmitRequest& r) { r.input_path = dir / "nope.bin"; }).find("nope.bin: cannot open"),
            std::string::npos);
  EXPECT_NE(error([&](EmitRequest& r) {
              r.array.format = Format::kHeaderOnly;
              r.header_path = dir / "x.h";
            }).find("--header applies to"),
            std::string::npos);
  // C allows smaller alignments; TFLM formats do not.
  EXPECT_EQ(error([](EmitRequest& r) {
              r.array.format = Format::kC;
              r.array.alignment = 4;
            }),
            "(no error)");
  EXPECT_EQ(FilesIn(dir.path()), 4u);  // blob.bin, empty.bin, out.c(c) + out.h from the last
}

TEST(EmitFileTest, DescribeModelMatchesManifest) {
  const auto models = test_util::ModelFiles();
  if (models.empty()) GTEST_SKIP() << "no models under " << test_util::ModelsDir();
  for (const std::string& path : models) {
    const std::string file = std::filesystem::path(path).filename().string();
    const auto entry = ManifestEntry(file);
    if (entry.is_null()) continue;
    SCOPED_TRACE(file);
    const ModelDescription expected = ManifestDescription(entry);
    const ModelDescription actual = DescribeModel(LoadModel(path), TflmTarget::kCortexM4);
    EXPECT_EQ(actual.op_names, expected.op_names);
    EXPECT_GE(actual.parameter_count, 0);
    if (file == "person_detect.tflite") {
      EXPECT_GT(actual.parameter_count, 200000);
    }
    ASSERT_EQ(actual.inputs.size(), expected.inputs.size());
    ASSERT_EQ(actual.outputs.size(), expected.outputs.size());
    for (int side = 0; side < 2; ++side) {
      const auto& a = side == 0 ? actual.inputs : actual.outputs;
      const auto& e = side == 0 ? expected.inputs : expected.outputs;
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].name, e[i].name);
        EXPECT_EQ(a[i].dtype, e[i].dtype);
        EXPECT_EQ(a[i].shape, e[i].shape);
        EXPECT_EQ(a[i].scale.has_value(), e[i].scale.has_value()) << a[i].name;
        if (a[i].scale && e[i].scale) {
          EXPECT_EQ(static_cast<float>(*a[i].scale), static_cast<float>(*e[i].scale));
        }
        EXPECT_EQ(a[i].zero_point, e[i].zero_point);
      }
    }
  }
}

}  // namespace
}  // namespace tinyforge::emit
