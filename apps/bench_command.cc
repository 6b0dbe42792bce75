// `tinyforge bench`: how fast a model runs in the interpreter, with the fast
// kernels and, in the same run, with the reference kernels (the ratio is
// what the fast kernels buy), plus, on several threads, one inference's
// latency and dataset throughput.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"
#include "libconvert/data/dataset.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/interp/batch.h"
#include "libconvert/interp/fast/cpu.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_io.h"
#include "libconvert/summary/model_summary.h"
#include "libconvert/model/synthetic_models.h"

namespace tinyforge {
namespace {

struct BenchOptions {
  std::string model;      // .tflite path, or synthetic:NAME
  std::string synthetic;  // or a built-in synthetic model's name
  int threads = 1;        // threads one inference's fast kernels share; >1: also dataset throughput
  bool reference = false; // measure only the reference kernels
  bool fast_only = false; // measure only the fast kernels
  double seconds = 1.0;   // time budget per measurement
  uint32_t seed = 1;      // random inputs
  bool profile = false;   // per-operator times of the main kernels
  std::string save;       // write the timed model here
  std::vector<std::string> data;  // real inputs instead of random ones
  DataFlags data_flags;
};


constexpr char kSyntheticPrefix[] = "synthetic:";

// SplitMix64: seeded, and fast enough for the inputs of gigabytes a model
// may claim (mt19937 per element took 13 s for a 3 GB input).
class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1), from 24 of the bits.
  static float Unit(uint64_t bits) { return static_cast<float>(bits & 0xFFFFFF) * (2.0f / 16777216.0f) - 1.0f; }

 private:
  uint64_t state_;
};

// Fills every input with seeded random values valid for its type: floats
// in [-1, 1), BOOL 0 or 1, anything else random bytes.
void FillInputs(interp::Interpreter& interpreter, uint32_t seed) {
  FastRandom rng(seed);
  for (size_t k = 0; k < interpreter.num_inputs(); ++k) {
    interp::RuntimeTensor& t = interpreter.input(k);
    if (t.type == tflite::TensorType_FLOAT32) {
      float* v = t.Data<float>();
      for (int64_t i = 0; i < t.count(); i += 2) {
        const uint64_t bits = rng.Next();
        v[i] = FastRandom::Unit(bits);
        if (i + 1 < t.count()) v[i + 1] = FastRandom::Unit(bits >> 32);
      }
    } else if (t.type == tflite::TensorType_BOOL) {
      for (size_t i = 0; i < t.bytes; ++i) t.data[i] = static_cast<uint8_t>(rng.Next() & 1);
    } else {
      for (size_t i = 0; i < t.bytes; i += 8) {
        const uint64_t bits = rng.Next();
        std::memcpy(t.data + i, &bits, std::min<size_t>(8, t.bytes - i));
      }
    }
  }
}

// What the timed runs are fed: sample s of real data (cycling over it), or
// seeded random bytes when no --data is given.
class BenchInputs {
 public:
  BenchInputs(const Model& model, const BenchOptions& o) : seed_(o.seed) {
    if (o.data.empty()) return;
    arrays_ = ReadModelInputs(model, o.data, /*quantize_floats=*/true, ParseDataFlags(o.data_flags));
    views_ = ViewModelInputs(model, arrays_);
    if (views_.empty() || views_[0].num_samples() == 0) throw Error(o.data[0] + ": holds no sample to time");
    for (const DatasetView& v : views_) v.CheckFinite();
  }
  // Sample `s` into the interpreter's inputs.
  void Fill(interp::Interpreter& interpreter, size_t s) const {
    if (views_.empty()) return FillInputs(interpreter, seed_ + static_cast<uint32_t>(s));
    interp::SetInputs(interpreter, views_, s % views_[0].num_samples());
  }
  std::string Describe() const {
    if (views_.empty()) return "seeded random inputs";
    const size_t n = views_[0].num_samples();
    return std::to_string(n) + (n == 1 ? " sample of " : " samples of ") + arrays_.names[0];
  }

 private:
  uint32_t seed_;
  ModelInputArrays arrays_;
  std::vector<DatasetView> views_;
};

struct Timing {
  double median_us = 0;
  double min_us = 0;
  size_t runs = 0;
};

// Invokes after one warm-up run until `seconds` have passed (at least 3,
// at most 100000 runs).
Timing TimeInvokes(interp::Interpreter& interpreter, double seconds) {
  using Clock = std::chrono::steady_clock;
  interpreter.Invoke();
  std::vector<double> us;
  const auto start = Clock::now();
  while (us.size() < 3 || (us.size() < 100000 && std::chrono::duration<double>(Clock::now() - start).count() < seconds)) {
    const auto t0 = Clock::now();
    interpreter.Invoke();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us.front(), us.size()};
}

Timing Measure(const Model& model, bool reference, int threads, const BenchInputs& inputs, double seconds) {
  interp::Interpreter interpreter(model, interp::SharingMemory({reference, threads}));
  interpreter.Prepare();
  inputs.Fill(interpreter, 0);
  return TimeInvokes(interpreter, seconds);
}

// Inferences per second of `threads` workers over a dataset of samples.
double Throughput(const Model& model, int threads, bool reference, const BenchInputs& inputs, double per_inference_us,
                  double seconds) {
  const size_t samples = static_cast<size_t>(
      std::max(4.0 * threads, std::min(100000.0, seconds * 1e6 / std::max(per_inference_us, 1.0))));
  const auto start = std::chrono::steady_clock::now();
  interp::ForEachSample(
      model, samples, threads, [&inputs](interp::Interpreter& interpreter, size_t s, int) {
        inputs.Fill(interpreter, s);
        interpreter.Invoke();
      },
      interp::SharingMemory({reference}));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(samples) / elapsed;
}

// The class tests/bench/xnnpack_compare.sh sums an operator's time under:
// the classes in which the issue tracks tinyforge against XNNPACK.
std::string OpClass(const Model& model, const tflite::OperatorT& op) {
  switch (model.OpCode(op)) {
    case tflite::BuiltinOperator_CONV_2D: {
      const std::vector<int32_t>& filter = model.tensor(0, op.inputs.at(1)).shape;
      return filter.size() == 4 && filter[1] == 1 && filter[2] == 1 ? "conv1x1+fc" : "conv";
    }
    case tflite::BuiltinOperator_FULLY_CONNECTED: return "conv1x1+fc";
    case tflite::BuiltinOperator_DEPTHWISE_CONV_2D: return "depthwise";
    case tflite::BuiltinOperator_ADD: return "add";
    case tflite::BuiltinOperator_PAD:
    case tflite::BuiltinOperator_PADV2: return "pad";
    case tflite::BuiltinOperator_TRANSPOSE: return "transpose";
    case tflite::BuiltinOperator_MEAN:
    case tflite::BuiltinOperator_AVERAGE_POOL_2D: return "mean/pool";
    default: return "other";
  }
}

// The fastest time of each operator over `runs` invokes (the minimum is
// what other processes disturb least), printed slowest first with its
// class (OpClass).
// Each operator's minimum time over `runs` inferences on `threads` threads.
std::vector<double> OperatorMinima(const Model& model, bool reference, int threads, const BenchInputs& inputs,
                                   int runs) {
  using Clock = std::chrono::steady_clock;
  interp::Interpreter interpreter(model, interp::SharingMemory({reference, threads}));
  interpreter.Prepare();
  inputs.Fill(interpreter, 0);
  std::vector<double> us(model.subgraph(0).operators.size(), 1e300);
  Clock::time_point last;
  interpreter.SetObserver(
      [&](const interp::OpEvent& e) {
        const Clock::time_point now = Clock::now();
        us[e.op_index] = std::min(us[e.op_index], std::chrono::duration<double, std::micro>(now - last).count());
        last = Clock::now();
      },
      /*reads_outputs=*/false);
  for (int r = 0; r < runs; ++r) {
    last = Clock::now();
    interpreter.Invoke();
  }
  // An operator that never ran is folded into the one that reads its output.
  for (double& t : us) t = t < 1e300 ? t : 0.0;
  return us;
}

// The operators by time, slowest first; with threads > 1 also each one's
// time with its work split over them, which shows the operators that do not
// scale.
void PrintProfile(const Model& model, bool reference, int threads, const BenchInputs& inputs, int runs) {
  const std::vector<double> us = OperatorMinima(model, reference, 1, inputs, runs);
  const std::vector<double> split = threads > 1 ? OperatorMinima(model, reference, threads, inputs, runs) : us;
  std::vector<size_t> order(us.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return us[a] > us[b]; });
  std::printf("per operator (%s kernels, min of %d runs%s):\n", reference ? "reference" : "fast", runs,
              threads > 1 ? (", then on " + std::to_string(threads) + " threads").c_str() : "");
  for (size_t i : order) {
    const auto& op = *model.subgraph(0).operators[i];
    std::printf("  %4zu %-22s %-11s %10.1f us", i, model.OpName(op).c_str(), OpClass(model, op).c_str(), us[i]);
    if (threads > 1) std::printf(" %10.1f us %5.2fx", split[i], split[i] > 0 ? us[i] / split[i] : 1.0);
    std::printf("\n");
  }
}

std::string Rate(double per_second) {
  char buffer[32];
  if (per_second >= 1e9) {
    std::snprintf(buffer, sizeof buffer, "%.2f G", per_second / 1e9);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2f M", per_second / 1e6);
  }
  return buffer;
}

void RunBench(const BenchOptions& o) {
  if (o.model.empty() == o.synthetic.empty()) {
    throw Error("bench: give either a MODEL file or --synthetic NAME", ErrorCode::kBadInput);
  }
  if (o.reference && o.fast_only) throw Error("bench: --reference and --fast-only exclude each other", ErrorCode::kBadInput);
  const bool synthetic_path = o.model.rfind(kSyntheticPrefix, 0) == 0;
  const std::string synthetic = synthetic_path ? o.model.substr(sizeof kSyntheticPrefix - 1) : o.synthetic;
  const Model model = synthetic.empty() ? LoadModel(o.model) : BuildSyntheticModel(synthetic, o.seed);
  const BenchInputs inputs(model, o);
  const int threads = interp::WorkerCount(o.threads, 1000000);
  {
    // Prepared before anything is printed, as many at once as the
    // throughput run holds (their memory counts against one budget): a
    // model the interpreter refuses gets its one error line and nothing on
    // stdout.
    std::vector<std::unique_ptr<interp::Interpreter>> check;
    for (int i = 0; i < threads; ++i) {
      check.push_back(std::make_unique<interp::Interpreter>(model, interp::InterpreterOptions{o.reference}));
      check.back()->Prepare();
    }
  }
  const ModelSummary summary = Summarize(model);
  const double macs = static_cast<double>(summary.macs);
  std::printf("model %s: %lld operators, %.2f M MACs per inference; cpu kernels: %s; inputs: %s\n",
              model.source().c_str(), static_cast<long long>(summary.num_operators), macs / 1e6,
              interp::fast::CpuFeaturesName(), inputs.Describe().c_str());

  std::printf("%-10s %12s %12s %12s %8s\n", "kernels", "median us", "min us", "MAC/s", "runs");
  auto print = [&](const char* name, const Timing& t) {
    std::printf("%-10s %12.1f %12.1f %12s %8zu\n", name, t.median_us, t.min_us, Rate(macs / (t.median_us * 1e-6)).c_str(),
                t.runs);
  };
  // main_timing: of the kernels the profile and the throughput use.
  Timing main_timing, ref_timing;
  if (!o.reference) {
    main_timing = Measure(model, false, 1, inputs, o.seconds);
    print("fast", main_timing);
    if (threads > 1) {
      const Timing split = Measure(model, false, threads, inputs, o.seconds);
      const std::string name = "fast x" + std::to_string(threads);
      print(name.c_str(), split);
      std::printf("one inference on %d threads: %.2fx faster than on one (min)\n", threads, main_timing.min_us / split.min_us);
    }
  }
  if (!o.fast_only) {
    ref_timing = Measure(model, true, 1, inputs, o.seconds);
    print("reference", ref_timing);
  }
  if (o.reference) {
    main_timing = ref_timing;
  } else if (!o.fast_only) {
    std::printf("fast / reference: %.1fx faster (median)\n", ref_timing.median_us / main_timing.median_us);
  }

  if (o.profile) {
    PrintProfile(model, o.reference, threads, inputs, static_cast<int>(std::max<size_t>(3, std::min<size_t>(main_timing.runs, 1000))));
  }

  if (threads > 1) {
    const double one = Throughput(model, 1, o.reference, inputs, main_timing.median_us, o.seconds);
    const double many = Throughput(model, threads, o.reference, inputs, main_timing.median_us, o.seconds);
    std::printf("dataset throughput: 1 thread %.1f inferences/s, %d threads %.1f inferences/s (%.2fx)\n", one,
                threads, many, many / one);
  }

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak memory (max resident set): %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  // Last, once the model has run: a model the interpreter refuses leaves no
  // file behind (a command writes all its outputs or none).
  if (!o.save.empty()) SaveModel(model, o.save);
}

}  // namespace

void SetupBenchCommand(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Time a model in the interpreter: fast kernels against the reference");
  cmd->footer(
      "Runs the model on seeded random inputs: one warm-up, then repeated inferences\n"
      "for --seconds, once with the fast kernels and once with the reference kernels\n"
      "(the oracle) in the same process, and prints median and min microseconds per\n"
      "inference, MAC/s (MACs as `inspect` counts them) and the ratio. --threads N\n"
      "(0: every core) also times one inference with the fast kernels' work split\n"
      "over N threads (\"fast xN\"), and dataset throughput with N workers (one\n"
      "sample each) against one.\n"
      "Peak memory is the process's maximum resident set (getrusage).\n\n"
      "--synthetic mobilenet_v2 (or MODEL synthetic:mobilenet_v2) builds a 224x224\n"
      "int8 MobileNetV2 (layer shapes of the paper, width 1.0, seeded random\n"
      "weights) instead of reading a file; mobilenet_v2_float is its float twin,\n"
      "mobilenet_v2_pt and mobilenet_v2_pt_float are laid out as PyTorch exports\n"
      "are (NCHW input and TRANSPOSE, explicit PADs, MEAN).\n\n"
      "--profile prints each operator's minimum time and class (1x1 conv + FC,\n"
      "depthwise, other conv, add, pad, transpose, mean/pool, other), which\n"
      "tests/bench/xnnpack_compare.sh sums to set beside XNNPACK's; with\n"
      "--threads N also its time on N threads and the speedup, which shows\n"
      "the operators that do not split.\n\n"
      "Example:\n"
      "  tinyforge bench person_detect.tflite --threads 2\n"
      "  tinyforge bench --synthetic mobilenet_v2");
  cmd->add_option("MODEL", options->model, "The .tflite model, or synthetic:NAME (as --synthetic NAME)")
      ->check(CLI::ExistingFile | CLI::Validator(
                                      [](std::string& value) -> std::string {
                                        if (value.rfind(kSyntheticPrefix, 0) != 0) return "not synthetic:NAME";
                                        return CLI::IsMember(SyntheticModelNames())(value.substr(sizeof kSyntheticPrefix - 1));
                                      },
                                      "synthetic:NAME"));
  cmd->add_option("--synthetic", options->synthetic, "A built-in synthetic model instead of a file (mobilenet_v2, ...)")
      ->check(CLI::IsMember(SyntheticModelNames()));
  cmd->add_option("--threads,-j", options->threads,
                  "Also time one inference split over this many threads, and dataset throughput on as many "
                  "workers (0: every core; default 1: skip)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--reference", options->reference, "Measure only the reference kernels");
  cmd->add_flag("--fast-only", options->fast_only, "Measure only the fast kernels");
  cmd->add_option("--save", options->save, "Also write the timed model (a synthetic one, say) to this .tflite file");
  cmd->add_option("--seconds", options->seconds, "Time budget per measurement (default 1)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--profile", options->profile, "Also print the time of every operator");
  AddBudgetOptions(*cmd);
  cmd->add_option("--seed", options->seed, "Seed of the random inputs and synthetic weights (default 1)");
  cmd->add_option("--data,-d", options->data,
                  "Time on these samples (one source per model input, cycled over) instead of random inputs: "
                  "kernels whose time depends on the values (e.g. early-exit, sparse data) are timed as deployed");
  AddDataOptions(*cmd, options->data_flags);
  cmd->callback([options] { RunBench(*options); });
}

}  // namespace tinyforge
