// One function per subcommand: each adds itself (options, help text and the
// callback that runs it) to the CLI. apps/main.cc only wires them.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "libconvert/data/data_options.h"
#include "libconvert/tflm/target.h"

namespace tinyforge {

// `tinyforge inspect`: what a model holds (apps/inspect_command.cc).
void SetupInspectCommand(CLI::App& app);
// `tinyforge rewrite`: lossless re-pack and clean-up passes (apps/rewrite_command.cc).
void SetupRewriteCommand(CLI::App& app);
// `tinyforge run`: run a model on .npy inputs (apps/run_command.cc).
void SetupRunCommand(CLI::App& app);
// `tinyforge emit`: a file as a C/C++ array (apps/emit_command.cc).
void SetupEmitCommand(CLI::App& app);
// `tinyforge quantize`: post-training int8 quantization (apps/quantize_command.cc).
void SetupQuantizeCommand(CLI::App& app);
// `tinyforge compare`: a candidate model against a reference (apps/compare_command.cc).
void SetupCompareCommand(CLI::App& app);
// `tinyforge pipeline`: prune, quantize, compare, emit (apps/pipeline_command.cc).
void SetupPipelineCommand(CLI::App& app);
// `tinyforge prune`: magnitude, block and channel pruning (apps/prune_command.cc).
void SetupPruneCommand(CLI::App& app);
// `tinyforge bench`: fast kernels against the reference (apps/bench_command.cc).
void SetupBenchCommand(CLI::App& app);
// `tinyforge data`: decode a sample source into .npy arrays (apps/data_command.cc).
void SetupDataCommand(CLI::App& app);
// `tinyforge ops`: what tinyforge does with every operator (apps/ops_command.cc).
void SetupOpsCommand(CLI::App& app);

// -j/--threads N on `cmd`: worker threads for dataset work (0: every
// core), the same flag and help on every command that has one
// (apps/options.cc).
CLI::Option* AddThreadsOption(CLI::App& cmd, int& threads);

// --max-memory SIZE and --max-work COUNT on `cmd`, in option group `group`
// ("" for the default one): the memory and work budgets (libconvert/base/
// memory_budget.h, work_budget.h) for what a model's shapes claim; the same
// flags and help on every command that runs a model.
void AddBudgetOptions(CLI::App& cmd, const std::string& group = "");

// --force on `cmd`: lets an output be an input file (no command overwrites
// a file it reads otherwise); the same flag and help on every command.
CLI::Option* AddForceOption(CLI::App& cmd, bool& force);

// The data flags as typed; ParseDataFlags checks them (before any work).
struct DataFlags {
  std::string scale;  // "" = the source's default
  std::vector<double> mean, stddev;
  std::string image_size;
  bool grayscale = false;
  std::string label_column;
  std::string clip = "pad";
  std::string layout = "nhwc";
};

// --scale, --mean, --std, --image-size, --grayscale, --layout, --label-column
// and --clip on `cmd`, the same names and help on every command that reads
// samples (apps/options.cc); libconvert/data/source.h says what each does.
void AddDataOptions(CLI::App& cmd, DataFlags& flags);
DataOptions ParseDataFlags(const DataFlags& flags);
// The flags as a JSON object for reports ("data": {...}), so a run can be
// reproduced; unset ones are null.
nlohmann::ordered_json DataFlagsToJson(const DataFlags& flags);

// Runs `work` with `dir` (the directory flag `flag`, e.g. "--out-dir")
// created if missing; when `work` throws and the directory was created here,
// it is removed again, so a failed command leaves nothing behind. An Error
// (bad input) naming the flag when `dir` is empty or cannot be a directory.
void WithOutputDir(const std::string& dir, const std::string& flag, const std::function<void()>& work);

// Writes `text` to standard output and flushes it; an Error when that fails
// (a closed pipe, a full disk), so a command never reports success for
// output that was lost.
void WriteStdout(const std::string& text);

// The JSON document in `path`; an Error (bad input) naming the file when it
// cannot be read or is not valid JSON.
nlohmann::json ParseJsonFile(const std::string& path);

// `json` as the text a command writes, indented by `indent` and ending in a
// newline. Strings from a model (tensor names, descriptions) need not be
// valid UTF-8, which JSON requires: such bytes become U+FFFD rather than an
// exception after the work is done (found by tests/fuzz/cli_campaign.sh).
template <typename Json>
std::string JsonText(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace) + "\n";
}

// An old spelling of an option (CLI11 names, e.g. "-i,--input") bound to the
// same variable, kept working for users' scripts and CI jobs and shown
// nowhere in --help. The vocabulary (README, "One vocabulary"): --data
// for the samples a model is run or measured on, --out-dir for output
// folders, --auto-sparsity for prune's search.
template <typename T>
void AddHiddenAlias(CLI::App& cmd, const std::string& old_names, T& variable) {
  cmd.add_option(old_names, variable)->group("");  // the empty group hides it
}

// The calibration sanity checks quantize and pipeline share, as warnings:
// fewer than 64 samples calibrating (`samples`), and accuracy measured on the
// calibration data itself (`eval` the same files as `calib`, or labels given
// with no --data so the calibration samples are measured).
void WarnAboutCalibration(const std::vector<std::string>& calib, size_t samples, const std::vector<std::string>& eval,
                          bool measures_accuracy);

// -n/--samples N on `cmd`: only the first N samples of `what` (0, the
// default: all), the same flag and help on every command that has one.
CLI::Option* AddSamplesOption(CLI::App& cmd, size_t& samples, const std::string& what);


// --target host|cortex-m4 on `cmd`: the TFLM build the arena figure is for
// (default cortex-m4); `purpose` opens the help text.
CLI::Option* AddTargetOption(CLI::App& cmd, TflmTarget& target, const std::string& purpose);

}  // namespace tinyforge
