// `tinyforge run`: runs a model in the reference interpreter on .npy inputs
// and writes one .npy per output.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "libconvert/base/file_util.h"
#include "libconvert/interp/batch.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"

namespace tinyforge {
namespace {

// Outputs this small are printed (a classifier's scores, a regression
// value), so a user sees the answer without opening the .npy.
constexpr size_t kPrintableElements = 16;

std::string FormatValues(const NpyArray& a, size_t begin, size_t count) {
  std::string s = "[";
  for (size_t i = begin; i < begin + count; ++i) {
    if (i != begin) s += ", ";
    char buffer[32];
    switch (a.dtype) {
      case DType::kFloat32: std::snprintf(buffer, sizeof buffer, "%.6g", a.View<float>()[i]); break;
      case DType::kFloat64: std::snprintf(buffer, sizeof buffer, "%.6g", a.View<double>()[i]); break;
      case DType::kInt8: std::snprintf(buffer, sizeof buffer, "%d", a.View<int8_t>()[i]); break;
      case DType::kUInt8: std::snprintf(buffer, sizeof buffer, "%u", a.View<uint8_t>()[i]); break;
      case DType::kInt16: std::snprintf(buffer, sizeof buffer, "%d", a.View<int16_t>()[i]); break;
      case DType::kInt32: std::snprintf(buffer, sizeof buffer, "%d", a.View<int32_t>()[i]); break;
      default: std::snprintf(buffer, sizeof buffer, "?"); break;
    }
    s += buffer;
  }
  return s + "]";
}

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output_dir = ".";
  int threads = 0;
  DataFlags data;
  bool quantize_inputs = false;
  bool quiet = false;
  bool reference = false;  // only the reference kernels (same integer bits, slower)
  bool force = false;      // an output may overwrite a --data file
};

void RunInto(const RunOptions& o, const DataOptions& data);

void Run(const RunOptions& o) {
  // Not CLI11's required(): that would refuse the old spelling -i/--input.
  if (o.inputs.empty()) throw Error("--data is required (one sample source per model input; see --help)");
  // The outputs are renamed into the directory together at the end, and a
  // failure removes a directory created for them, so a failed run leaves
  // nothing behind.
  const DataOptions data = ParseDataFlags(o.data);
  WithOutputDir(o.output_dir, "--out-dir", [&] { RunInto(o, data); });
}

void RunInto(const RunOptions& o, const DataOptions& data) {
  const Model model = LoadModel(o.model);
  const ModelInputArrays arrays = ReadModelInputs(model, o.inputs, o.quantize_inputs, data);
  const std::vector<DatasetView> views = ViewModelInputs(model, arrays);
  const size_t samples = views.empty() ? 1 : views[0].num_samples();

  const auto start = std::chrono::steady_clock::now();
  const std::vector<NpyArray> outputs =
      interp::RunDataset(model, views, o.threads, interp::InterpreterOptions{o.reference});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const std::string path = (std::filesystem::path(o.output_dir) / ("output_" + std::to_string(k) + ".npy")).string();
    RefuseOverwritingInput(path, o.inputs, o.force);
    writers.push_back(std::make_unique<AtomicFileWriter>(path));
    WriteNpy(*writers.back(), outputs[k]);
  }
  for (const auto& w : writers) w->Commit();
  for (size_t k = 0; k < outputs.size(); ++k) {
    const std::string& path = writers[k]->path();
    if (!o.quiet) {
      std::printf("%s  %s %s", path.c_str(), DTypeName(outputs[k].dtype), ShapeToString(outputs[k].shape).c_str());
      const size_t per_sample = outputs[k].NumElements() / std::max<size_t>(samples, 1);
      if (samples == 1 && per_sample <= kPrintableElements) {
        std::printf("  %s", FormatValues(outputs[k], 0, per_sample).c_str());
      }
      std::printf("\n");
    }
  }
  if (!o.quiet) {
    std::printf("%zu sample%s in %.3f s (%.1f samples/s, %d thread%s)\n", samples, samples == 1 ? "" : "s",
                seconds, seconds > 0 ? static_cast<double>(samples) / seconds : 0.0,
                interp::WorkerCount(o.threads, samples), interp::WorkerCount(o.threads, samples) == 1 ? "" : "s");
  }
}

}  // namespace

void SetupRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a model on sample inputs in the reference interpreter");
  cmd->footer(
      "Each --data is one source per model input, in order: a .npy of any numeric\n"
      "dtype, an image folder, a .csv or WAV (see `tinyforge data --help`). A .npy of\n"
      "the input's dtype is used as it is; other numbers become the input's type by\n"
      "value after --scale/--mean/--std (integer inputs: with --quantize-inputs).\n"
      "Its shape is the input's shape (one sample) or N samples of it ([N, ...], or\n"
      "[N, ...rest] when the input's batch dim is 1).\n"
      "Outputs are written as output_K.npy ([N, ...] for N samples).\n\n"
      "Example:\n"
      "  tinyforge run model.tflite --data digits.npy --out-dir out --threads 2\n"
      "  tinyforge run int8.tflite --data floats.npy --quantize-inputs\n"
      "  tinyforge run float.tflite --data digits_uint8.npy --scale 1/255");
  cmd->add_option("MODEL", options->model, "The .tflite model")->required()->check(CLI::ExistingFile);
  cmd->add_option("--data,-d", options->inputs,
                  "Samples for the next model input: .npy, image folder, .csv, WAV (required)");
  AddHiddenAlias(*cmd, "--input,-i", options->inputs);
  cmd->add_option("--out-dir,-o", options->output_dir, "Where output_K.npy go (default: .)");
  AddHiddenAlias(*cmd, "--output-dir", options->output_dir);
  AddThreadsOption(*cmd, options->threads);
  AddBudgetOptions(*cmd);
  AddForceOption(*cmd, options->force);
  AddDataOptions(*cmd, options->data);
  cmd->add_flag("--quantize-inputs", options->quantize_inputs,
                "Quantize float data for int8/int16 inputs with each input's scale and zero point");
  cmd->add_flag("--quiet,-q", options->quiet, "Print nothing on success");
  cmd->add_flag("--reference", options->reference,
                "Use only the reference kernels (TFLM's arithmetic step by step; the fast kernels give the same "
                "integer bits, float within 1e-5 relative)");
  cmd->callback([options] { Run(*options); });
}

}  // namespace tinyforge
