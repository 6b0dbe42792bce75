// `tinyforge data`: decodes any sample source (.npy, image folder, CSV, WAV)
// with the same flags every command takes, writes the arrays, and prints
// what a model would be fed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/data/data_summary.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/data/source.h"
#include "libconvert/model/model_io.h"

namespace tinyforge {
namespace {

struct DataCommandOptions {
  std::string source;
  std::string output;
  std::string labels_out;
  std::string model;
  std::vector<int32_t> shape;
  DataFlags data;
  bool quiet = false;
  bool force = false;  // an output may be the source or the model
};

void RunData(const DataCommandOptions& o) {
  const DataOptions options = ParseDataFlags(o.data);
  // Both outputs or neither: each goes to a temporary file beside it now (a
  // bad path fails before any work), renamed into place at the end.
  if (o.output == o.labels_out) throw Error(o.output + ": given for -o and --labels-out; each needs its own file");
  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  for (const std::string& path : {o.output, o.labels_out}) {
    if (path.empty()) continue;
    RefuseOverwritingInput(path, {o.source, o.model}, o.force);
    writers.push_back(std::make_unique<AtomicFileWriter>(path));
  }
  if (!o.model.empty() && !o.shape.empty()) throw Error("--model and --shape exclude each other: give one");
  for (int32_t d : o.shape) {
    if (d <= 0) throw Error("--shape: every dim must be positive");
  }
  Samples samples;
  if (!o.model.empty()) {
    const Model model = LoadModel(o.model);
    if (model.subgraph(0).inputs.size() != 1) {
      throw Error(o.model + ": --model needs a model with one input; this one has " +
                  std::to_string(model.subgraph(0).inputs.size()));
    }
    ModelInputArrays in = ReadModelInputs(model, {o.source}, /*quantize_floats=*/true, options);
    samples.array = std::move(in.arrays[0]);
    samples.labels = std::move(in.labels);
    samples.classes = std::move(in.classes);
  } else {
    if (o.shape.empty() && SourceKindOf(o.source) == SourceKind::kWav) {
      throw Error(o.source + ": a WAV source needs --model or --shape (the clip length)");
    }
    samples = LoadSamples(o.source, options, o.shape, DType::kFloat32);
  }
  WriteNpy(*writers[0], samples.array);
  if (!o.labels_out.empty()) {
    if (samples.labels.empty()) throw Error(o.source + ": --labels-out: the source has no labels (class folders or a CSV label column give them)");
    NpyArray labels = NpyArray::Zeros(DType::kInt64, {static_cast<int64_t>(samples.labels.size())});
    std::copy(samples.labels.begin(), samples.labels.end(), labels.MutableView<int64_t>().begin());
    WriteNpy(*writers[1], labels);
  }
  for (auto& w : writers) w->Commit();
  if (!o.quiet) {
    std::string text = DataSummaryText(samples, 16, options.layout);
    text += "wrote    " + o.output + (o.labels_out.empty() ? "" : ", " + o.labels_out) + "\n";
    WriteStdout(text);
  }
}

}  // namespace

void SetupDataCommand(CLI::App& app) {
  auto o = std::make_shared<DataCommandOptions>();
  CLI::App* cmd = app.add_subcommand("data", "Decode a sample source into .npy arrays and summarize it");
  cmd->footer(
      "SOURCE is what every command's data flag takes: a .npy (any numeric dtype), an\n"
      "image folder (flat, or DIR/<class>/*.png), a .csv (one sample per row) or WAV\n"
      "(a .wav, or a folder of them, flat or per class). The same flags apply as\n"
      "everywhere (--scale, --mean, --std, --image-size, --grayscale, --layout,\n"
      "--label-column, --clip). With --model the arrays are made exactly what that model's input is\n"
      "fed (shape and type, float data quantized for integer inputs); --shape gives\n"
      "CSV rows and WAV clips a shape without a model.\n\n"
      "Examples:\n"
      "  tinyforge data eval_u8.npy --scale 1/255 -o eval_f32.npy\n"
      "  tinyforge data digits/ --grayscale -o x.npy --labels-out y.npy\n"
      "  tinyforge data accel.csv --label-column activity --shape 8,3 -o x.npy --labels-out y.npy\n"
      "  tinyforge data clips/ --model kws.tflite -o x.npy --labels-out y.npy");
  cmd->add_option("SOURCE", o->source, "The source to decode")->required();
  cmd->add_option("--output,-o", o->output, "Where the samples go (.npy)")->required();
  cmd->add_option("--labels-out", o->labels_out, "Where the labels go (.npy, int64 [N]) for a labelled source");
  cmd->add_option("--model,-m", o->model, "Fit the samples to this model's input")->check(CLI::ExistingFile);
  cmd->add_option("--shape", o->shape, "One sample's shape, e.g. 8,3 (CSV, WAV without --model)")->delimiter(',');
  AddDataOptions(*cmd, o->data);
  AddForceOption(*cmd, o->force);
  cmd->add_flag("--quiet,-q", o->quiet, "Print nothing on success");
  cmd->callback([o] { RunData(*o); });
}

}  // namespace tinyforge
