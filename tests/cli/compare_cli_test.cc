// `tinyforge compare` end to end: TFLM's accuracy numbers for the corpus's
// MNIST pair, the --max-drop gate's exit codes, the layer report, the JSON
// and HTML reports (the HTML is parsed by a strict well-formedness checker
// written here), the same report for any thread count, and bad input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/npy.h"
#include "tests/cli/cli_util.h"
#include "tests/cli/xml_check.h"
#include "tests/mnist_data.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::Binary;
using testing::CountLines;
using testing::ModelPath;
using testing::ReadText;
using testing::RunResult;
using testing::RunTinyforge;
using testing::XmlChecker;

TEST(XmlCheckerTest, AcceptsWellFormedAndRejectsTheRest) {
  EXPECT_EQ(XmlChecker("<!DOCTYPE html>\n<html><a x=\"1\">t &amp; &#39;<b/></a></html>").Check(), "");
  EXPECT_NE(XmlChecker("<html><a></html>").Check(), "");
  EXPECT_NE(XmlChecker("<html>a < b</html>").Check(), "");
  EXPECT_NE(XmlChecker("<html>R&D</html>").Check(), "");
  EXPECT_NE(XmlChecker("<html><a x=1></a></html>").Check(), "");
  EXPECT_NE(XmlChecker("<html></html><p></p>").Check(), "");
  EXPECT_NE(XmlChecker("<html><meta charset=\"utf-8\"></html>").Check(), "");
}

// One set of files and one gated run on the 9000 eval digits, shared by the
// tests below (the run is the expensive part).
struct MnistRun {
  std::string dir = testing::TempDir("compare_cli");
  std::string data = dir + "/eval_f32.npy";
  std::string labels = testing::SharedDir() + "/data/mnist/eval_labels.npy";
  std::string report = dir + "/report.json";
  std::string html = dir + "/report.html";
  RunResult gated;  // --max-drop 0.5 --layers --report --html

  MnistRun() {
    WriteNpy(data, testing::MnistImagesF32("eval_images.npy"));
    gated = RunTinyforge(dir, {"compare", ModelPath("conv_fc_mnist"), ModelPath("conv_fc_mnist_srq_a8w8"), "--data", data,
                      "--labels", labels, "--threads", "2", "--max-drop", "0.5", "--layers", "--report", report,
                      "--html", html});
  }
};

const MnistRun& Mnist() {
  static const auto* run = new MnistRun();
  return *run;
}

TEST(CompareCliTest, MaxDropHalfAPointFailsWithOneLine) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const RunResult& r = Mnist().gated;
  EXPECT_EQ(r.status, 1) << r.err;
  // ../shared/README.md: TFLM gives 96.67% (8700) and 96.08% (8647).
  EXPECT_NE(r.out.find("96.67%  (8,700 of 9,000)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("96.08%  (8,647 of 9,000)"), std::string::npos) << r.out;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("--max-drop 0.5"), std::string::npos) << r.err;
}

TEST(CompareCliTest, MaxDropOnePointPasses) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const MnistRun& m = Mnist();
  const RunResult r = RunTinyforge(m.dir, {"compare", ModelPath("conv_fc_mnist"), ModelPath("conv_fc_mnist_srq_a8w8"), "--data",
                                  m.data, "--labels", m.labels, "--threads", "2", "--max-drop", "1", "--quiet"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST(CompareCliTest, ReportHoldsAccuracyAndNamedLayers) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const MnistRun& m = Mnist();
  ASSERT_TRUE(fs::exists(m.report)) << "the report is written even when a check fails";
  const nlohmann::json j = nlohmann::json::parse(ReadText(m.report));
  EXPECT_EQ(j["schema"], "tinyforge.compare/2");
  EXPECT_EQ(j["samples"], 9000);
  EXPECT_EQ(j["accuracy"]["reference"]["correct"], 8700);
  EXPECT_EQ(j["accuracy"]["candidate"]["correct"], 8647);
  EXPECT_EQ(j["checks"].size(), 1u);
  ASSERT_EQ(j["layers"].size(), 6u);
  bool conv = false;
  for (const auto& layer : j["layers"]) {
    EXPECT_FALSE(layer["tensor_name"].get<std::string>().empty());
    conv = conv || (layer["op"] == "CONV_2D" &&
                    layer["tensor_name"].get<std::string>().find("sequential/conv2d") != std::string::npos);
  }
  EXPECT_TRUE(conv) << j["layers"].dump(1);
  // The terminal summary names them too.
  EXPECT_NE(m.gated.out.find("sequential/dense_1/MatMul"), std::string::npos) << m.gated.out;
}

TEST(CompareCliTest, HtmlReportIsWellFormedAndSelfContained) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const std::string html = ReadText(Mnist().html);
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(XmlChecker(html).Check(), "");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // Layer bars, two confusion matrices and the output error histogram.
  size_t svgs = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 4u);
  EXPECT_NE(html.find("--max-drop 0.5"), std::string::npos);
  EXPECT_NE(html.find("sequential/conv2d/Relu;"), std::string::npos);
}

TEST(CompareCliTest, SameReportForAnyThreadCount) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const MnistRun& m = Mnist();
  std::string first;
  for (const char* threads : {"1", "3"}) {
    const std::string report = m.dir + "/threads_" + threads + ".json";
    const RunResult r = RunTinyforge(m.dir, {"compare", ModelPath("conv_fc_mnist"), ModelPath("conv_fc_mnist_srq_a8w8"),
                                    "--data", m.data, "--labels", m.labels, "--samples", "500", "--threads", threads,
                                    "--layers", "--report", report, "--quiet"});
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string text = ReadText(report);
    if (first.empty()) first = text;
    EXPECT_EQ(text, first) << threads << " threads";
  }
}

TEST(CompareCliTest, BadInputExitsTwoWithOneLineAndWritesNothing) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const MnistRun& m = Mnist();
  const std::string out = m.dir + "/bad_report.json";
  const std::string f = ModelPath("conv_fc_mnist");
  const std::string q = ModelPath("conv_fc_mnist_srq_a8w8");
  const std::string calib_labels = testing::SharedDir() + "/data/mnist/calib_labels.npy";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"compare", f, q, "--data", m.data, "--max-drop", "1", "--report", out}, "--labels"},
      {{"compare", f, q, "--data", m.dir + "/missing.npy", "--report", out}, "missing.npy"},
      {{"compare", f, q, "--data", m.data, "--labels", calib_labels, "--report", out}, "calib_labels.npy"},
      {{"compare", f, q, "--data", m.labels, "--report", out}, "eval_labels.npy"},
      {{"compare", f, q, "--data", m.data, "--html", m.dir + "/no/such/dir/r.html"}, "--html"},
      {{"compare", f, ModelPath("hello_world_float"), "--data", m.data, "--report", out}, "hello_world_float"},
  };
  for (const auto& [args, needle] : cases) {
    const RunResult r = RunTinyforge(m.dir, args);
    EXPECT_EQ(r.status, 2) << needle << ": " << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << needle;
  }
  // A value out of range is a usage error (CLI11 adds a --help hint).
  const RunResult r = RunTinyforge(m.dir, {"compare", f, q, "--data", m.data, "--min-agreement", "2"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--min-agreement"), std::string::npos) << r.err;
}

TEST(CompareCliTest, HelpTeachesWithExamples) {
  TF_REQUIRE_BINARY_AND_SHARED();
  const RunResult r = RunTinyforge(Mnist().dir, {"compare", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--data", "--labels", "--samples", "--threads", "--max-drop", "--min-agreement",
                           "--min-cosine", "--max-rmse", "--layers", "--report", "--html", "--quiet", "Examples:"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace tinyforge
