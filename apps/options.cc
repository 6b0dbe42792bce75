// Options several subcommands share, declared in apps/commands.h.
#include "apps/commands.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/base/memory_budget.h"
#include "libconvert/base/warning.h"
#include "libconvert/base/work_budget.h"
#include "libconvert/data/image_dataset.h"

namespace tinyforge {

CLI::Option* AddThreadsOption(CLI::App& cmd, int& threads) {
  return cmd.add_option("--threads,-j", threads, "Worker threads (default 0: every core); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
}

void AddBudgetOptions(CLI::App& cmd, const std::string& group) {
  CLI::Option* memory =
      cmd.add_option_function<std::string>(
             "--max-memory",
             [](const std::string& value) { SetMemoryBudget(ParseMemorySize(value, "--max-memory")); },
             "Most memory for tensors and outputs whose size the model claims, e.g. 512M or 16G (default 4G); "
             "a model that needs more is refused with the tensor and its size")
          ->type_name("SIZE");
  CLI::Option* work =
      cmd.add_option_function<std::string>(
             "--max-work", [](const std::string& value) { SetWorkBudget(ParseWorkCount(value, "--max-work")); },
             "Most operations one inference may take (multiply-accumulates, pooling-window reads, operand "
             "elements times their rank), e.g. 500M or 2T (default 100G); a model that claims more is refused "
             "before it runs, naming its costliest operator")
          ->type_name("COUNT");
  if (!group.empty()) {
    memory->group(group);
    work->group(group);
  }
}

CLI::Option* AddForceOption(CLI::App& cmd, bool& force) {
  return cmd.add_flag("--force", force,
                      "Allow an output to be an input file itself (it is replaced atomically); refused otherwise");
}

void AddDataOptions(CLI::App& cmd, DataFlags& f) {
  const std::string group = "Data (every source kind)";
  cmd.add_option("--scale", f.scale,
                 "Multiply each value by this number or fraction, e.g. 1/255 (default: 1/255 for images, "
                 "1/32768 for WAV, 1 otherwise; a .npy is kept as it is unless --scale/--mean/--std are given)")
      ->group(group);
  cmd.add_option("--mean", f.mean, "Subtract after scaling: one value or one per channel (last dim), default 0")
      ->delimiter(',')
      ->group(group);
  cmd.add_option("--std", f.stddev, "Divide last: one value or one per channel, default 1")->delimiter(',')->group(group);
  cmd.add_option("--image-size", f.image_size,
                 "Image folders: resize every image to HxW (or NxN for one N); default the model input's size. "
                 "stb_image_resize's filters on the 8-bit pixels: Mitchell when shrinking, Catmull-Rom when enlarging")
      ->group(group);
  cmd.add_flag("--grayscale", f.grayscale,
               "Image folders: decode to one channel (the default for a one-channel input; RGB otherwise)")
      ->group(group);
  cmd.add_option("--layout", f.layout,
                 "nhwc (channels last, default) or nchw (channels first, e.g. PyTorch exports): image folders are "
                 "transposed to it, and per-channel --mean/--std follow its channel dim")
      ->group(group);
  cmd.add_option("--label-column", f.label_column, "CSV: the column (header name or 0-based index) holding class labels")
      ->group(group);
  cmd.add_option("--clip", f.clip, "WAV: a clip shorter or longer than the input: pad (with zeros, default), cut, error")
      ->group(group);
}

DataOptions ParseDataFlags(const DataFlags& f) {
  DataOptions o;
  o.preprocess = ParsePreprocess(f.scale, f.mean, f.stddev);
  ParseImagePreprocess(f.image_size, "", {}, {}, f.grayscale);  // --image-size checked now, not at the first image
  o.image_size = f.image_size;
  o.grayscale = f.grayscale;
  o.label_column = f.label_column;
  o.clip = ParseClipMode(f.clip);
  o.layout = ParseLayout(f.layout);
  return o;
}

nlohmann::ordered_json DataFlagsToJson(const DataFlags& f) {
  const auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); };
  return {{"scale", or_null(f.scale)},           {"mean", f.mean},
          {"std", f.stddev},                     {"image_size", or_null(f.image_size)},
          {"grayscale", f.grayscale},            {"label_column", or_null(f.label_column)},
          {"clip", f.clip},                      {"layout", f.layout}};
}

void WithOutputDir(const std::string& dir, const std::string& flag, const std::function<void()>& work) {
  if (dir.empty()) throw Error(flag + " is empty; give a directory ('.' for the current one)");
  std::error_code ec;
  const bool existed = std::filesystem::exists(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the output directory (" + flag + "): " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) throw Error(dir + ": is not a directory (" + flag + " needs one)");
  try {
    work();
  } catch (...) {
    if (!existed) std::filesystem::remove_all(dir, ec);
    throw;
  }
}

void WriteStdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw Error("cannot write to standard output");
  }
}

CLI::Option* AddTargetOption(CLI::App& cmd, TflmTarget& target, const std::string& purpose) {
  std::map<std::string, TflmTarget> names;
  std::string help = purpose + ":";
  std::string choices;
  for (const TflmTarget t : kTflmTargets) {
    const std::string name(TflmTargetName(t));
    names[name] = t;
    help += std::string(t == kTflmTargets[0] ? " " : ", ") + name + " = " + std::string(TflmTargetDescription(t));
    choices += (choices.empty() ? "" : "|") + name;
  }
  help += "; default " + std::string(TflmTargetName(kDefaultTflmTarget)) +
          ", where firmware runs. A 32-bit build has smaller runtime structures, so its arena is smaller";
  return cmd.add_option("--target", target, help)->transform(CLI::CheckedTransformer(names))->option_text(choices);
}

nlohmann::json ParseJsonFile(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON (" + e.what() + ")", ErrorCode::kBadInput);
  }
}

// Ranges from fewer samples than this often miss a layer's tails.
constexpr size_t kFewCalibrationSamples = 64;

void WarnAboutCalibration(const std::vector<std::string>& calib, size_t samples, const std::vector<std::string>& eval,
                          bool measures_accuracy) {
  if (samples < kFewCalibrationSamples) {
    Warn("calibrating on " + std::to_string(samples) + " sample" + (samples == 1 ? "" : "s") +
         ": ranges from fewer than " + std::to_string(kFewCalibrationSamples) +
         " often miss the tails of a layer's values (a few hundred representative samples are usual)");
  }
  bool same = !calib.empty() && eval.size() == calib.size();
  for (size_t k = 0; same && k < calib.size(); ++k) {
    std::error_code ec;
    same = std::filesystem::equivalent(calib[k], eval[k], ec) && !ec;
  }
  if (same || (measures_accuracy && eval.empty() && !calib.empty())) {
    Warn("accuracy is measured on the calibration samples themselves, which flatters the quantized model; "
         "give held-out samples with --data");
  }
}

CLI::Option* AddSamplesOption(CLI::App& cmd, size_t& samples, const std::string& what) {
  return cmd.add_option("--samples,-n", samples, "Use only the first N samples of " + what + " (default 0: all)");
}


}  // namespace tinyforge
