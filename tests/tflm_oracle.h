// The real TensorFlow Lite Micro as a test oracle: ../shared/tflm/bin/tflm_run
// (x86-64) and ../shared/tflm-m4/tflm_run_m4 (Cortex-M4 on QEMU), run as
// child processes on .npy inputs. See ../shared/tflm/README.md and
// ../shared/tflm-m4/README.md for their interface.
//
//   TF_REQUIRE_TFLM();
//   TflmResult r = RunTflm(TflmTarget::kHost, "model.tflite", {input}, dir);
//   ASSERT_TRUE(r.ran()) << r.log;
//   compare r.outputs[0] with tinyforge's output ...
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libconvert/data/npy.h"
#include "libconvert/tflm/target.h"
#include "tests/test_util.h"

namespace tinyforge::testing {

// The library's target enum: kHost runs tflm_run, kCortexM4 tflm_run_m4.
using TflmTarget = ::tinyforge::TflmTarget;

inline std::string TflmRunPath() { return SharedDir() + "/tflm/bin/tflm_run"; }
inline std::string TflmRunM4Path() { return SharedDir() + "/tflm-m4/tflm_run_m4"; }
inline bool HaveTflm() { return std::filesystem::exists(TflmRunPath()); }
// The M4 runner needs QEMU (qemu-system-arm, or $QEMU) besides the runner.
inline bool HaveTflmM4() {
  if (!std::filesystem::exists(TflmRunM4Path())) return false;
  const char* qemu = std::getenv("QEMU");
  const std::string probe = std::string("command -v ") + (qemu ? qemu : "qemu-system-arm") + " >/dev/null 2>&1";
  return std::system(probe.c_str()) == 0;
}

struct TflmResult {
  int status = -1;  // the runner's exit code: 0 ran, 3 AllocateTensors failed, 4 Invoke failed, ...
  bool allocate_ok = false;
  bool invoke_ok = false;
  int64_t arena_used_bytes = -1;
  std::optional<int64_t> invoke_insns;  // Cortex-M4 with TFLM_M4_ICOUNT=0: the first sample's Invoke
  std::vector<NpyArray> outputs;        // output_K.npy, when it ran
  std::string log;                      // the runner's stdout and stderr

  bool ran() const { return status == 0 && allocate_ok && invoke_ok; }
};

struct TflmRunOptions {
  std::optional<int64_t> arena_bytes;  // TFLM_ARENA_BYTES; the runner's default otherwise
  bool count_instructions = false;     // Cortex-M4 only: TFLM_M4_ICOUNT=0
};

// Writes `array` as .npy for the runner to read. Not WriteNpy: these are
// scratch files, and its fsync per file costs seconds on tests that pass
// hundreds of inputs.
inline void WriteScratchNpy(const std::string& path, const NpyArray& array) {
  const std::vector<uint8_t> header = EncodeNpyHeader(array.dtype, array.shape);
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(header.data()), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(array.data.data()), static_cast<std::streamsize>(array.data.size()));
  if (!out.flush()) throw Error("cannot write " + path);
}

// Runs `model` on `inputs` (one array per model input: one sample with the
// input's exact shape, or N samples with a leading dimension) in `dir`,
// which is emptied first.
inline TflmResult RunTflm(TflmTarget target, const std::string& model, const std::vector<NpyArray>& inputs,
                          const std::string& dir, const TflmRunOptions& options = {}) {
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  fs::create_directories(dir + "/out");
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string command;
  if (options.arena_bytes) command += "TFLM_ARENA_BYTES=" + std::to_string(*options.arena_bytes) + " ";
  if (options.count_instructions) command += "TFLM_M4_ICOUNT=0 ";
  command += quote(target == TflmTarget::kHost ? TflmRunPath() : TflmRunM4Path()) + " " + quote(model) + " " +
             quote(dir + "/out");
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::string path = dir + "/input_" + std::to_string(k) + ".npy";
    WriteScratchNpy(path, inputs[k]);
    command += " " + quote(path);
  }
  command += " >" + quote(dir + "/log.txt") + " 2>&1";
  const int raw = std::system(command.c_str());

  TflmResult r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  {
    std::ifstream log(dir + "/log.txt");
    std::stringstream s;
    s << log.rdbuf();
    r.log = s.str();
  }
  std::ifstream json_file(dir + "/out/tflm.json");
  if (json_file) {
    const nlohmann::json j = nlohmann::json::parse(json_file, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) {
      r.allocate_ok = j.value("allocate_ok", false);
      r.invoke_ok = j.value("invoke_ok", false);
      r.arena_used_bytes = j.value("arena_used_bytes", int64_t{-1});
      // One count per sample ([5440]); the first sample's.
      if (j.contains("invoke_insns")) {
        const nlohmann::json& insns = j["invoke_insns"];
        if (insns.is_array() && !insns.empty()) r.invoke_insns = insns[0].get<int64_t>();
        if (insns.is_number_integer()) r.invoke_insns = insns.get<int64_t>();
      }
    }
  }
  if (r.ran()) {
    for (size_t k = 0; fs::exists(dir + "/out/output_" + std::to_string(k) + ".npy"); ++k) {
      r.outputs.push_back(ReadNpy(dir + "/out/output_" + std::to_string(k) + ".npy"));
    }
  }
  return r;
}

}  // namespace tinyforge::testing

#define TF_REQUIRE_TFLM()                                                                            \
  do {                                                                                               \
    TF_REQUIRE_SHARED();                                                                             \
    if (!::tinyforge::testing::HaveTflm())                                                           \
      GTEST_SKIP() << "real TFLM runner not found at " << ::tinyforge::testing::TflmRunPath();       \
  } while (0)

#define TF_REQUIRE_TFLM_M4()                                                                         \
  do {                                                                                               \
    TF_REQUIRE_SHARED();                                                                             \
    if (!::tinyforge::testing::HaveTflmM4())                                                         \
      GTEST_SKIP() << "Cortex-M4 TFLM runner or qemu-system-arm not found ("                         \
                   << ::tinyforge::testing::TflmRunM4Path() << "; apt-get install qemu-system-arm)"; \
  } while (0)
