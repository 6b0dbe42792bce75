// Peak memory of `tinyforge run` against the bound of the fast-paths issue:
//   model file size + 2 x its largest activation set + 30 MB,
// where an operator's activation set is the bytes of its non-constant inputs
// and outputs, and the largest is over every operator. Each model runs in a
// child process (`tinyforge run MODEL -i ... -q`) on seeded random inputs;
// its peak resident set comes from wait4(). The baseline, measured in the
// same run, is the child `tinyforge --version`: the program's own footprint.
// A MODEL named synthetic:NAME is built (libconvert/synthetic_models) and
// written to a temporary file first, e.g. synthetic:mobilenet_v2.
// Not a test: run it by hand, or with --max-ratio 1 to turn the bound into an
// exit code.
//
//   run_memory_bench TINYFORGE MODEL... [--samples N] [--max-ratio R]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/summary/model_summary.h"
#include "libconvert/data/npy.h"
#include "libconvert/model/synthetic_models.h"

namespace {

namespace fs = std::filesystem;
using tinyforge::Error;

constexpr double kMB = 1024.0 * 1024.0;

// Peak resident set (bytes) of a child running argv; exits on failure.
double ChildPeakBytes(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);  // or the child's exit would print our buffer again
  const pid_t pid = fork();
  if (pid < 0) throw Error("fork failed");
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error("`" + args[0] + " " + (args.size() > 1 ? args[1] : "") + "` failed (status " +
                std::to_string(status) + ")");
  }
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // ru_maxrss is in KiB on Linux
}

int64_t Elements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= std::max<int32_t>(d, 1);
  return n;
}

// The largest sum of non-constant input and output bytes of one operator.
int64_t LargestActivationSet(const tinyforge::ModelSummary& summary) {
  int64_t largest = 0;
  for (const auto& sg : summary.subgraphs) {
    for (const auto& op : sg.operators) {
      int64_t bytes = 0;
      for (const auto* list : {&op.inputs, &op.outputs}) {
        for (const auto& t : *list) {
          if (t.index >= 0 && !t.constant) bytes += tinyforge::DenseBytes(t.type, Elements(t.shape));
        }
      }
      largest = std::max(largest, bytes);
    }
  }
  return largest;
}

// Writes `samples` seeded random samples of every subgraph-0 input; returns
// the paths.
std::vector<std::string> WriteInputs(const tinyforge::ModelSummary& summary, int samples, const fs::path& dir) {
  std::mt19937 rng(1);
  std::vector<std::string> paths;
  for (const auto& input : summary.subgraphs.at(0).inputs) {
    const auto dtype = tinyforge::NpyDTypeOf(input.type);
    if (!dtype) throw Error("input " + input.name + " has a type .npy cannot hold");
    std::vector<int64_t> shape{samples};
    for (int32_t d : input.shape) shape.push_back(std::max<int32_t>(d, 1));
    tinyforge::NpyArray array = tinyforge::NpyArray::Zeros(*dtype, shape);
    if (*dtype == tinyforge::DType::kFloat32) {
      std::uniform_real_distribution<float> value(-1.0f, 1.0f);
      for (float& x : array.MutableView<float>()) x = value(rng);
    } else {
      for (uint8_t& byte : array.data) byte = static_cast<uint8_t>(rng());
    }
    paths.push_back((dir / ("input_" + std::to_string(paths.size()) + ".npy")).string());
    tinyforge::WriteNpy(paths.back(), array);
  }
  return paths;
}

// A model made ready to run: the figures of its bound, and the run's
// arguments after the model path.
struct Prepared {
  std::string path;
  double file = 0.0, largest = 0.0;
  std::vector<std::string> inputs;
};

Prepared Prepare(std::string path, int samples, const fs::path& dir) {
  const std::string synthetic = "synthetic:";
  if (path.rfind(synthetic, 0) == 0) {
    const std::string name = path.substr(synthetic.size());
    path = (dir / (name + ".tflite")).string();
    tinyforge::SaveModel(tinyforge::BuildSyntheticModel(name, 1), path);
  }
  const tinyforge::ModelSummary summary = tinyforge::Summarize(tinyforge::LoadModel(path));
  return {path, static_cast<double>(fs::file_size(path)), static_cast<double>(LargestActivationSet(summary)),
          WriteInputs(summary, samples, dir)};
}

// Prepare in a child process, so that this one stays as small as it
// started: a forked child's peak resident set starts at its parent's
// resident size, which would put a floor under every reading.
Prepared PrepareInChild(const std::string& path, int samples, const fs::path& dir) {
  const fs::path result = dir / "prepared.txt";
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) throw Error("fork failed");
  if (pid == 0) {
    int code = 0;
    std::string text;
    try {
      const Prepared p = Prepare(path, samples, dir);
      text = p.path + "\n" + std::to_string(p.file) + "\n" + std::to_string(p.largest) + "\n";
      for (const std::string& input : p.inputs) text += input + "\n";
    } catch (const std::exception& e) {
      text = e.what();
      code = 2;
    }
    std::FILE* f = std::fopen(result.c_str(), "w");
    if (f != nullptr) {
      std::fputs(text.c_str(), f);
      std::fclose(f);
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(result);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || lines.size() < 3) {
    throw Error(lines.empty() ? path + ": could not be prepared" : lines.front());
  }
  return {lines[0], std::stod(lines[1]), std::stod(lines[2]), {lines.begin() + 3, lines.end()}};
}

int Run(int argc, char** argv) {
  std::vector<std::string> models;
  int samples = 1;
  double max_ratio = 0.0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--samples" && i + 1 < argc) {
      samples = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--max-ratio" && i + 1 < argc) {
      max_ratio = std::atof(argv[++i]);
    } else {
      models.push_back(arg);
    }
  }
  if (models.size() < 2) {
    std::fprintf(stderr, "usage: run_memory_bench TINYFORGE MODEL... [--samples N] [--max-ratio R]\n");
    return 2;
  }
  const std::string tinyforge = fs::absolute(models.front()).string();
  models.erase(models.begin());

  const fs::path dir = fs::temp_directory_path() / ("run_memory_bench." + std::to_string(getpid()));
  fs::create_directories(dir);
  struct RemoveOnExit {
    fs::path dir;
    ~RemoveOnExit() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } remove_on_exit{dir};
  const double baseline = ChildPeakBytes({tinyforge, "--version"});
  std::printf("baseline `tinyforge --version`: %.1f MB peak; %d sample(s) per run\n", baseline / kMB, samples);
  std::printf("%-34s %9s %11s %9s %9s %11s %8s\n", "model", "file MB", "largest act", "bound MB", "run MB",
              "run - base", "run/bound");
  bool within = true;
  for (const std::string& model : models) {
    const Prepared p = PrepareInChild(model, samples, dir);
    const double bound = p.file + 2.0 * p.largest + 30.0 * kMB;
    std::vector<std::string> args{tinyforge, "run", p.path, "-q", "-j", "1", "-o", dir.string(), "-i"};
    args.insert(args.end(), p.inputs.begin(), p.inputs.end());
    const double peak = ChildPeakBytes(args);
    std::printf("%-34s %9.2f %11.2f %9.1f %9.1f %11.1f %8.2f\n", fs::path(p.path).filename().string().c_str(),
                p.file / kMB, p.largest / kMB, bound / kMB, peak / kMB, (peak - baseline) / kMB, peak / bound);
    if (max_ratio > 0.0 && peak / bound > max_ratio) within = false;
  }
  return within ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "run_memory_bench: %s\n", e.what());
    return 2;
  }
}
