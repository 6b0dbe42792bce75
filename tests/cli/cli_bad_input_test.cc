// The CLI on bad input, end to end: the built `tinyforge` executable is run on
// broken files and must exit with status 2, print exactly one line on stderr
// naming the file (and the place, where there is one), and write nothing.
// Also checks the successful paths of `tinyforge rewrite` that only the
// executable shows (reports, --force, usage errors).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "libconvert/model/model_io.h"
#include "tests/cli/cli_util.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;
using testing::ModelPath;

using testing::Binary;
using testing::CountLines;
using testing::ReadText;
using testing::RunResult;
using testing::RunTinyforge;

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}


// `tinyforge rewrite BAD -o OUT` must fail cleanly: status 2, one stderr line
// starting "tinyforge: BAD:" and containing `place`, and no OUT.
void ExpectRejected(const std::string& dir, const std::string& bad, const std::string& place) {
  SCOPED_TRACE(bad);
  const std::string out = dir + "/out.tflite";
  fs::remove(out);
  const RunResult r = RunTinyforge(dir, {"rewrite", bad, "-o", out});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_EQ(r.err.rfind("tinyforge: " + bad + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(place), std::string::npos) << "expected '" << place << "' in: " << r.err;
  EXPECT_FALSE(fs::exists(out));
  // No temporary file left behind either.
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find("out.tflite"), std::string::npos)
        << entry.path();
  }
}

std::vector<uint8_t> Pack(const tflite::ModelT& m) {
  flatbuffers::FlatBufferBuilder fbb;
  tflite::FinishModelBuffer(fbb, tflite::Model::Pack(fbb, &m));
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

class CliBadInput : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("cli_bad_input"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(CliBadInput, EmptyFile) {
  TF_REQUIRE_BINARY();
  const std::string bad = dir_ + "/empty.tflite";
  WriteBytes(bad, {});
  ExpectRejected(dir_, bad, "0 bytes is too small");
}

TEST_F(CliBadInput, MissingFileAndDirectory) {
  TF_REQUIRE_BINARY();
  ExpectRejected(dir_, dir_ + "/no_such.tflite", "no_such.tflite");
  fs::create_directories(dir_ + "/a_dir.tflite");
  ExpectRejected(dir_, dir_ + "/a_dir.tflite", "a_dir.tflite");
}

TEST_F(CliBadInput, TruncatedAtEveryTenthOfItsLength) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const std::vector<uint8_t> bytes = ReadFileBytes(ModelPath("hello_world_int8"));
  for (int tenth = 1; tenth <= 9; ++tenth) {
    const size_t size = bytes.size() * static_cast<size_t>(tenth) / 10;
    const std::string bad = dir_ + "/truncated_" + std::to_string(tenth) + "0.tflite";
    WriteBytes(bad, {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size)});
    ExpectRejected(dir_, bad, "malformed");
  }
}

TEST_F(CliBadInput, WrongIdentifier) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  std::vector<uint8_t> bytes = ReadFileBytes(ModelPath("single_add"));
  bytes[4] = 'X';
  bytes[5] = 'Y';
  bytes[6] = 'Z';
  bytes[7] = '\n';  // not printed raw: the message stays one line
  const std::string bad = dir_ + "/wrong_id.tflite";
  WriteBytes(bad, bytes);
  ExpectRejected(dir_, bad, "file identifier is 'XYZ?', expected 'TFL3'");
}

TEST_F(CliBadInput, TensorIndexOutOfRange) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("single_fc"));
  m.raw().subgraphs[0]->operators[0]->inputs[1] = 812;
  const std::string bad = dir_ + "/index.tflite";
  WriteBytes(bad, Pack(m.raw()));
  ExpectRejected(dir_, bad, "subgraph 0, operator 0 (FULLY_CONNECTED): input 1 is tensor 812");
}

TEST_F(CliBadInput, BufferSmallerThanItsTensor) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("single_fc"));
  const int weights = m.subgraph(0).operators[0]->inputs[1];
  auto& data = m.raw().buffers[m.tensor(0, weights).buffer]->data;
  data.resize(data.size() - 4);
  const std::string bad = dir_ + "/short.tflite";
  WriteBytes(bad, Pack(m.raw()));
  ExpectRejected(dir_, bad, "subgraph 0, tensor " + std::to_string(weights));
}

// Random bit flips in a real model: each result either is still a valid
// model (a flip in weight data, say) and is rewritten, or is rejected
// cleanly. Never a crash or an internal error.
TEST_F(CliBadInput, RandomBitFlipsNeverCrash) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const unsigned seed = 20240517;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::vector<uint8_t> original = ReadFileBytes(ModelPath("hello_world_int8"));
  int rejected = 0;
  const int kTrials = 40;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<uint8_t> bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      const size_t bit = rng() % (bytes.size() * 8);
      bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
    const std::string bad = dir_ + "/flipped.tflite";
    const std::string out = dir_ + "/out.tflite";
    fs::remove(out);
    WriteBytes(bad, bytes);
    const RunResult r = RunTinyforge(dir_, {"rewrite", bad, "-o", out});
    SCOPED_TRACE("trial " + std::to_string(trial));
    ASSERT_TRUE(r.status == 0 || r.status == 2) << "status " << r.status << ": " << r.err;
    if (r.status == 2) {
      ++rejected;
      EXPECT_EQ(CountLines(r.err), 1u) << r.err;
      EXPECT_EQ(r.err.rfind("tinyforge: " + bad + ": ", 0), 0u) << r.err;
      EXPECT_FALSE(fs::exists(out));
    } else {
      EXPECT_NO_THROW(LoadModel(out));
    }
  }
  // Most flips land in structure, not in weights.
  EXPECT_GT(rejected, 0);
}

TEST(CliRewrite, ReportsEachPassAndWritesAVerifiedModel) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const std::string dir = testing::TempDir("cli_rewrite");
  const std::string out = dir + "/pd.tflite";
  const RunResult r =
      RunTinyforge(dir, {"rewrite", ModelPath("conv_fc_mnist"), "-o", out, "--align",
                         "--strip-unused", "--dedupe-buffers", "--strip-names", "--strip-metadata",
                         "CONVERSION_METADATA", "--description", "x"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* pass : {"strip-metadata:", "strip-unused:", "dedupe-buffers:", "strip-names:",
                           "description:", "align:", "verified"}) {
    EXPECT_NE(r.out.find(pass), std::string::npos) << pass << " missing from:\n" << r.out;
  }
  // The fixed order, whatever the order of the flags.
  EXPECT_LT(r.out.find("strip-metadata:"), r.out.find("strip-unused:"));
  EXPECT_LT(r.out.find("dedupe-buffers:"), r.out.find("align:"));
  const Model m = LoadModel(out);
  EXPECT_EQ(m.raw().description, "x");
  EXPECT_EQ(m.raw().metadata.size(), 1u);
  fs::remove_all(dir);
}

TEST(CliRewrite, NoPassIsLossless) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const std::string dir = testing::TempDir("cli_lossless");
  const std::string out = dir + "/same.tflite";
  const RunResult r = RunTinyforge(dir, {"rewrite", ModelPath("person_detect"), "-o", out});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(LoadModel(ModelPath("person_detect")).raw() == LoadModel(out).raw());
  fs::remove_all(dir);
}

TEST(CliRewrite, OverwritingTheInputNeedsForce) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const std::string dir = testing::TempDir("cli_force");
  const std::string path = dir + "/m.tflite";
  fs::copy_file(ModelPath("single_add"), path);
  const std::vector<uint8_t> before = ReadFileBytes(path);
  RunResult r = RunTinyforge(dir, {"rewrite", path, "-o", path, "--align"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("refusing to overwrite"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFileBytes(path), before);
  r = RunTinyforge(dir, {"rewrite", path, "-o", path, "--align", "--force"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(LoadModel(ModelPath("single_add")).raw() == LoadModel(path).raw());
  fs::remove_all(dir);
}

TEST(CliRewrite, UsageErrorsExitWithTwo) {
  TF_REQUIRE_BINARY();
  TF_REQUIRE_SHARED();
  const std::string dir = testing::TempDir("cli_usage");
  // No -o.
  EXPECT_EQ(RunTinyforge(dir, {"rewrite", ModelPath("single_add")}).status, 2);
  // Unknown metadata name: named, with what the model has.
  const RunResult r = RunTinyforge(dir, {"rewrite", ModelPath("single_add"), "-o",
                                         dir + "/o.tflite", "--strip-metadata", "nope"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("'nope'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'min_runtime_version'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/o.tflite"));
  fs::remove_all(dir);
}

// A mistyped option or subcommand: one usage line (exit 2) naming the word
// and the name it was probably meant to be; a word close to nothing gets no
// guess.
TEST(CliUsage, TyposGetOneLineWithDidYouMean) {
  TF_REQUIRE_BINARY();
  const std::string dir = testing::TempDir("cli_typos");
  const std::string model = std::string(TINYFORGE_SOURCE_DIR) + "/testdata/shapes/shapes_float.tflite";
  struct Case {
    std::vector<std::string> args;
    std::string says;  // "" = no guess
  };
  for (const Case& c : std::vector<Case>{
           {{"quantise", model}, "(did you mean quantize?)"},
           {{"inspect", model, "--jsn"}, "(did you mean --json?)"},
           {{"quantize", model, "-o", dir + "/q.tflite", "--max-dorp", "1"}, "(did you mean --max-drop?)"},
           {{"emit", model, "--resolvr", "ops.h"}, "(did you mean --resolver?)"},
           {{"inspect", model, "--completely-unknown"}, ""},
       }) {
    const RunResult r = RunTinyforge(dir, c.args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(CountLines(r.err), 1u) << r.err;
    if (c.says.empty()) {
      EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
    } else {
      EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
  }
  EXPECT_FALSE(fs::exists(dir + "/q.tflite"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyforge
