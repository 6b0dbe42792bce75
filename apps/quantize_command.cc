// `tinyforge quantize`: float .tflite + calibration data in, full-integer
// .tflite out, then a report of what quantization cost.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "libconvert/compare/compare.h"
#include "libconvert/compare/compare_text.h"
#include "libconvert/compare/evaluate.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/interp/batch.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/verify.h"
#include "libconvert/base/progress.h"
#include "quantize/bias_correction.h"
#include "quantize/calibrator.h"
#include "quantize/equalization.h"
#include "quantize/dequantize.h"
#include "quantize/precision_search.h"
#include "quantize/quantizer.h"
#include "quantize/recipe.h"

namespace tinyforge {
namespace {

struct QuantizeCommandOptions {
  std::string model;
  std::string output;
  std::vector<std::string> calib;
  size_t samples = 0;  // 0 = all
  size_t random = 0;
  std::string method = "minmax";
  std::string io = "int8";
  std::string activations = "int8";
  bool per_channel_fc = false;
  std::vector<std::string> int16_layers;
  std::vector<std::string> keep_float;
  std::string calibration_out;
  std::string calibration_in;
  std::string report;
  std::vector<std::string> eval;
  std::string labels;
  std::optional<double> max_drop;
  std::optional<double> min_cosine;
  std::string recipe_in;
  std::string recipe_out;
  bool precision_flags_given = false;  // --activations, --per-channel-fc, --int16-layers or --keep-float
  DataFlags data;
  bool strict = false;
  bool bias_correct = false;  // --bias-correct (quantize/bias_correction.h)
  bool equalize = false;      // --equalize (quantize/equalization.h)
  int threads = 0;
  bool quiet = false;
  bool force = false;  // an output may be an input file
};

// Uniform noise in [-1, 1] (seeded, so runs repeat) for every float input;
// zeros for other inputs.
ModelInputArrays RandomInputs(const Model& model, size_t samples) {
  ModelInputArrays result;
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const auto& g = model.subgraph(0);
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    const tflite::TensorT& t = model.tensor(0, g.inputs[k]);
    std::vector<int64_t> shape{static_cast<int64_t>(samples)};
    shape.insert(shape.end(), t.shape.begin(), t.shape.end());
    const auto dtype = NpyDTypeOf(t.type);
    if (!dtype) throw Error(model.source() + ": " + DescribeModelInput(model, k) + " has a type .npy cannot hold");
    NpyArray a = NpyArray::Zeros(*dtype, shape);
    if (*dtype == DType::kFloat32) {
      for (float& v : a.MutableView<float>()) v = uniform(rng);
    }
    result.arrays.push_back(std::move(a));
    result.names.push_back("--random input " + std::to_string(k));
  }
  return result;
}

quantize::IoType ParseIo(const std::string& text) {
  if (text == "float") return quantize::IoType::kFloat;
  if (text == "int8") return quantize::IoType::kInt8;
  if (text == "uint8") return quantize::IoType::kUInt8;
  throw Error("--io: '" + text + "' is not one of float, int8, uint8", ErrorCode::kBadInput);
}

quantize::ActivationType ParseActivations(const std::string& text) {
  if (text == "int8") return quantize::ActivationType::kInt8;
  if (text == "int16") return quantize::ActivationType::kInt16;
  throw Error("--activations: '" + text + "' is not one of int8, int16", ErrorCode::kBadInput);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// --max-drop / --min-cosine: the precision search, its table printed.
quantize::SearchResult SearchPrecision(const Model& model, const quantize::CalibrationTable& table,
                                       const quantize::QuantizeOptions& options, const ModelInputArrays& eval,
                                       const std::vector<int64_t>& labels, const QuantizeCommandOptions& o) {
  CompareThresholds budget;
  budget.max_drop_points = o.max_drop;
  budget.min_cosine = o.min_cosine;
  const quantize::SearchData data{eval.arrays, eval.names, labels, o.threads};
  auto on_trial = [&o](const quantize::SearchTrial& t) {
    if (!o.quiet) std::fprintf(stderr, "search: %s: %s\n", t.change.c_str(), t.meets ? "meets the budget" : "misses");
  };
  quantize::SearchResult result = quantize::SearchPrecision(model, table, options, data, budget, on_trial);
  if (!o.quiet) {
    std::printf("precision search (%s):\n%s", result.met ? "budget met" : "budget NOT met",
                quantize::SearchTable(result).c_str());
  }
  return result;
}

void Quantize(const QuantizeCommandOptions& o) {
  // Check every option before any work, so a typo costs nothing.
  quantize::CalibrationOptions calibration = quantize::ParseCalibrationMethod(o.method);
  calibration.threads = o.threads;
  quantize::QuantizeOptions options;
  options.io = ParseIo(o.io);
  options.activations = ParseActivations(o.activations);
  options.per_channel_fc = o.per_channel_fc;
  options.int16_layers = o.int16_layers;
  options.keep_float = o.keep_float;
  options.strict = o.strict;
  if (!o.recipe_in.empty()) {
    if (o.precision_flags_given) {
      throw Error(o.recipe_in + ": --recipe-in sets the precision of every layer; leave out --activations, "
                  "--per-channel-fc, --int16-layers and --keep-float (or edit the recipe)");
    }
    quantize::ApplyRecipe(ParseJsonFile(o.recipe_in), o.recipe_in, options);
  }
  const bool search = o.max_drop || o.min_cosine;
  if (o.bias_correct && !o.calibration_in.empty()) {
    throw Error("--bias-correct needs --calib samples (a calibration table holds no samples to take means over)");
  }
  if (search && o.eval.empty() && !o.calibration_in.empty()) {
    throw Error("--max-drop/--min-cosine need --data SOURCE (the calibration table holds no samples to measure on)");
  }
  const DataOptions data = ParseDataFlags(o.data);
  const int sources = (o.calib.empty() ? 0 : 1) + (o.random > 0 ? 1 : 0) + (o.calibration_in.empty() ? 0 : 1);
  if (sources != 1) {
    throw Error("give exactly one of --calib SOURCE (one per model input), --random N or --calibration-in TABLE.json",
                ErrorCode::kBadInput);
  }

  // All outputs or none: each goes to a temporary file beside it now (so a
  // bad path fails before any work) and all are renamed into place at the
  // end, after everything succeeded.
  std::vector<std::string> inputs = {o.model, o.calibration_in};
  inputs.insert(inputs.end(), o.calib.begin(), o.calib.end());
  inputs.insert(inputs.end(), o.eval.begin(), o.eval.end());
  inputs.insert(inputs.end(), {o.labels, o.recipe_in});
  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  auto open_output = [&](const std::string& path) -> AtomicFileWriter* {
    if (path.empty()) return nullptr;
    RefuseOverwritingInput(path, inputs, o.force);
    for (const auto& w : writers) {
      if (w->path() == path) throw Error(path + ": given for two outputs; each needs its own file");
    }
    writers.push_back(std::make_unique<AtomicFileWriter>(path));
    return writers.back().get();
  };
  AtomicFileWriter* model_out = open_output(o.output);
  AtomicFileWriter* calibration_out = open_output(o.calibration_out);
  AtomicFileWriter* report_out = open_output(o.report);
  AtomicFileWriter* recipe_out = open_output(o.recipe_out);

  // A weight-only or partly quantized model is made float first, then
  // quantized whole; what was dequantized is said in one line.
  const quantize::FloatModel float_input = quantize::FloatModelToQuantize(LoadModel(o.model));
  // --equalize: the same function with balanced channel ranges, calibrated
  // and quantized (and compared, being the same function) in its place.
  std::optional<Model> equalized;
  quantize::EqualizationReport equalization;
  if (o.equalize) equalized = quantize::EqualizeLayers(float_input.model, &equalization);
  const Model& model = equalized ? *equalized : float_input.model;
  const std::string dequantized = float_input.dequantized.Summary();
  if (!dequantized.empty() && !o.quiet) std::printf("%s: %s\n", o.model.c_str(), dequantized.c_str());
  ModelInputArrays calib;
  if (o.calibration_in.empty()) {
    if (o.random > 0) {
      std::fprintf(stderr, "warning: calibrating on %zu samples of uniform noise in [-1, 1]: "
                           "fine for a smoke test, useless for accuracy\n", o.random);
      calib = RandomInputs(model, o.random);
    } else {
      calib = ReadModelInputs(model, o.calib, /*quantize_floats=*/false, data);
    }
  }
  std::vector<DatasetView> calib_views = ViewModelInputs(model, calib);
  if (o.samples > 0) {
    for (DatasetView& v : calib_views) v = v.Limit(o.samples);
  }
  // Evaluation data (the report's and the search's): --data, else the calibration samples.
  const ModelInputArrays eval =
      o.eval.empty() ? ModelInputArrays() : ReadModelInputs(model, o.eval, /*quantize_floats=*/false, data);
  const ModelInputArrays& eval_data = o.eval.empty() ? calib : eval;
  const std::vector<int64_t> labels = o.labels.empty() ? eval_data.labels : ReadLabels(o.labels);
  // The comparison takes every output's real values: an output without
  // them (a BOOL, a UINT32) is refused now, before calibrating and
  // quantizing print warnings about a run that cannot finish.
  if (!eval_data.arrays.empty()) {
    for (size_t k = 0; k < model.subgraph(0).outputs.size(); ++k) CheckOutputHasRealValues(model, k);
  }
  if (o.max_drop && labels.empty()) {
    throw Error("--max-drop needs labels: --labels Y.npy, or a labelled --data source (class folders, a CSV label "
                "column); without labels, budget the outputs with --min-cosine");
  }

  // What quantizing costs is printed against a plain float run of the same
  // samples, measured here first; one untimed sample warms both up alike.
  std::optional<double> float_seconds;
  if (!calib_views.empty() && calib_views[0].num_samples() > 0) {
    std::vector<DatasetView> one = calib_views;
    for (DatasetView& v : one) v = v.Limit(1);
    interp::RunDataset(model, one, o.threads);
    const auto float_start = std::chrono::steady_clock::now();
    interp::RunDataset(model, calib_views, o.threads);
    float_seconds = Seconds(float_start);
  }

  const auto start = std::chrono::steady_clock::now();
  quantize::CalibrationTable table;
  if (!o.calibration_in.empty()) {
    table = quantize::CalibrationFromJson(ParseJsonFile(o.calibration_in), model, o.calibration_in);
  } else {
    Progress progress("calibrate", calib_views.empty() ? 1 : calib_views[0].num_samples(), !o.quiet);
    calibration.on_sample = progress.Callback();
    table = quantize::Calibrate(model, calib_views, calibration);
  }
  if (calibration_out) calibration_out->Write(JsonText(quantize::CalibrationToJson(table), 1));
  const double calibrate_seconds = Seconds(start);
  // --bias-correct: the float biases shifted by the mean error the int8
  // weights add on the calibration samples, before the search and the final
  // quantization (the report still compares against the model as given).
  std::optional<Model> corrected;
  std::optional<quantize::BiasCorrectionReport> correction;
  if (o.bias_correct) {
    quantize::BiasCorrection c =
        quantize::CorrectBiases(model, quantize::QuantizeModel(model, table, options).model, calib_views, o.threads);
    correction = c.report;
    corrected = std::move(c.model);
  }
  const Model& to_quantize = corrected ? *corrected : model;
  std::optional<quantize::SearchResult> search_result;
  if (search) {
    search_result = SearchPrecision(to_quantize, table, options, eval_data, labels, o);
    options = search_result->trials[search_result->chosen].options;
  }
  quantize::QuantizeResult result =
      search_result ? std::move(*search_result->model) : quantize::QuantizeModel(to_quantize, table, options);
  VerifyModel(result.model);
  const std::vector<uint8_t> model_bytes = SerializeModel(result.model);
  model_out->Write(model_bytes.data(), model_bytes.size());
  result.model.set_source(o.output);
  const double quantize_seconds = Seconds(start);
  for (const std::string& w : result.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

  const auto size_before = static_cast<size_t>(std::filesystem::file_size(o.model));
  const size_t size_after = model_bytes.size();
  nlohmann::ordered_json report;
  report["schema"] = "tinyforge.quantize/1";
  report["model"] = o.model;
  report["output"] = o.output;
  report["calibration"] = {{"method", table.method}, {"samples", table.samples}};
  report["options"] = {{"io", o.io}, {"strict", o.strict}};
  report["recipe"] = quantize::RecipeToJson(options);
  report["data"] = DataFlagsToJson(o.data);
  if (o.equalize) report["equalization"] = {{"pairs", equalization.pairs}};
  if (correction) {
    report["bias_correction"] = {{"layers", correction->layers},
                                 {"without_bias", correction->without_bias},
                                 {"largest_shift_of_bias", correction->largest_shift}};
  }
  report["warnings"] = result.warnings;
  report["size_bytes"] = {{"before", size_before}, {"after", size_after}};
  if (!o.quiet) {
    std::printf("%s: %zu operators, calibrated on %zu samples (%s)\n", o.output.c_str(),
                result.model.subgraph(0).operators.size(), table.samples, table.method.c_str());
    if (o.equalize) std::printf("equalization: %zu layer pairs balanced\n", equalization.pairs);
    if (correction) {
      std::printf("bias correction: %zu layers shifted (largest shift %.3g of its layer's largest bias)%s\n",
                  correction->layers, correction->largest_shift,
                  correction->without_bias ? (", " + std::to_string(correction->without_bias) + " without a bias left alone").c_str() : "");
    }
    std::printf("size: %zu -> %zu bytes (%.1f%%)\n", size_before, size_after,
                100.0 * static_cast<double>(size_after) / static_cast<double>(std::max<size_t>(size_before, 1)));
  }

  if (float_seconds) {
    const double ratio = quantize_seconds / std::max(*float_seconds, 1e-9);
    report["timing_seconds"] = {{"quantize", quantize_seconds}, {"calibrate", calibrate_seconds},
                                {"float_run", *float_seconds}, {"ratio", ratio}};
    if (!o.quiet) {
      std::printf("time: quantize %.1f ms (calibration %.1f ms) = %.2fx a float run of the same %zu samples (%.1f ms)\n",
                  1e3 * quantize_seconds, 1e3 * calibrate_seconds, ratio, table.samples, 1e3 * *float_seconds);
    }
  }

  // The report: both models on the evaluation (or calibration) data, every
  // layer compared.
  if (eval_data.arrays.empty()) {
    if (!o.quiet) std::printf("no report: give --data SOURCE to compare the models\n");
  } else {
    CompareOptions compare;
    compare.threads = o.threads;
    compare.layers = true;
    compare.samples = o.eval.empty() ? o.samples : 0;
    Progress progress("report", ViewModelInputs(model, eval_data)[0].num_samples(), !o.quiet);
    compare.on_sample = progress.Callback();
    const CompareResult comparison =
        CompareModelsOnArrays(model, result.model, eval_data.arrays, eval_data.names, labels, compare);
    progress.Finish();
    report["comparison"] = CompareToJson(comparison);
    if (!o.quiet) std::printf("%s", CompareSummaryText(comparison, 50).c_str());
    // What each flag suggests, measured on the evaluation data (not the
    // calibration samples, which would flatter every change); the search has
    // measured its own changes already.
    if (!o.eval.empty() && !search_result) {
      const quantize::SearchData search_data{eval_data.arrays, eval_data.names, labels, o.threads};
      const std::vector<quantize::SearchTrial> tried =
          quantize::MeasureSuggestions(to_quantize, table, options, result, comparison.layers, search_data);
      if (!tried.empty()) {
        report["suggestions_measured"] = quantize::TrialsToJson(tried, /*verdicts=*/false);
        if (!o.quiet) {
          std::printf("the flags' suggestions, measured on --data:\n%s",
                      quantize::TrialsTable(tried, SIZE_MAX, /*verdicts=*/false).c_str());
        }
      }
    }
  }
  if (search_result) report["search"] = quantize::SearchToJson(*search_result);
  if (recipe_out) recipe_out->Write(JsonText(quantize::RecipeToJson(options), 1));
  if (report_out) report_out->Write(JsonText(report, 1));
  // Once everything succeeded: a command that fails prints its one error
  // line and nothing else.
  if (o.calibration_in.empty() && o.random == 0 && !calib_views.empty()) {
    WarnAboutCalibration(o.calib, calib_views[0].num_samples(), o.eval, !o.labels.empty() || o.max_drop.has_value());
  }
  for (const auto& w : writers) w->Commit();
  if (search_result && !search_result->met) {
    std::vector<std::string> failed = {"no configuration tried meets the budget; wrote the best found (trial " +
                                       std::to_string(search_result->chosen) + ")"};
    const auto& missed = search_result->trials[search_result->chosen].failed;
    failed.insert(failed.end(), missed.begin(), missed.end());
    throw CheckFailedError(failed);
  }
}

}  // namespace

void SetupQuantizeCommand(CLI::App& app) {
  auto o = std::make_shared<QuantizeCommandOptions>();
  CLI::App* cmd = app.add_subcommand("quantize", "Post-training full-integer (int8) quantization of a float model");
  cmd->footer(
      "Calibration runs the float model on sample inputs and records each tensor's\n"
      "range; the output follows the TFLite quantization spec: int8 symmetric\n"
      "weights (per channel for CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV), int32\n"
      "bias, asymmetric int8 activations (or symmetric int16 with --activations\n"
      "int16, int64 bias; or for some layers only with --int16-layers REGEX, QUANTIZE\n"
      "requantizing int8 <-> int16 around them). Operators TFLM cannot run in integer\n"
      "stay float between DEQUANTIZE and QUANTIZE, with a warning (an error with --strict).\n\n"
      "Calibration data: one source per model input: a .npy, [N, ...input shape] (or\n"
      "the input shape without its batch dim of 1), of any numeric dtype: float32\n"
      "prepared exactly as the model expects (e.g. pixels / 255), or raw values with\n"
      "--scale/--mean/--std (uint8 digits: --scale 1/255). Or a directory of images\n"
      "(.png/.jpg/.jpeg/.bmp, sorted by name) made float32 [N,H,W,C] by\n"
      "x = (pixel * scale - mean) / std: [0,1] is the default, [-1,1] is\n"
      "--scale 1/127.5 --mean 1; ImageNet statistics are --mean 0.485,0.456,0.406\n"
      "--std 0.229,0.224,0.225.\n\n"
      "Examples:\n"
      "  tinyforge quantize mnist.tflite -o mnist_int8.tflite --calib calib.npy\n"
      "  tinyforge quantize m.tflite -o m8.tflite --calib x.npy --method percentile:99.99 --io float\n"
      "  tinyforge quantize mnist.tflite -o mnist_int8.tflite --calib digits/ --grayscale --image-size 28\n"
      "  tinyforge quantize m.tflite -o a.tflite --calib x.npy --calibration-out table.json\n"
      "  tinyforge quantize m.tflite -o b.tflite --calibration-in table.json --per-channel-fc\n"
      "  tinyforge quantize m.tflite -o m8.tflite --calib x.npy --data ex.npy --labels ey.npy --max-drop 1 \\\n"
      "      --recipe-out recipe.json\n\n"
      "Accuracy budget: with --max-drop (or --min-cosine) the model is quantized as asked and\n"
      "measured on the evaluation data; when it misses the budget, the layers that add the most\n"
      "error by themselves are changed one at a time, cheapest first: per-channel weights for a\n"
      "FULLY_CONNECTED layer, int16 activations for the layer (where TFLM has a 16x8 kernel),\n"
      "keeping the layer float. Each trial is measured; the table shows accuracy, size, MACs\n"
      "left float and the TFLM arena. The recipe (--recipe-out) is JSON:\n"
      "{\"schema\": \"tinyforge.recipe/1\", \"activations\": \"int8\", \"per_channel_fc\": [regex, ...],\n"
      "\"int16_layers\": [regex, ...], \"keep_float\": [regex, ...]}, the regexes searched in\n"
      "operators' output tensor names; write one by hand just as well.\n\n"
      "Report: every layer's error by itself (isolated) and in the full run (accumulated); a\n"
      "layer is flagged from its isolated error alone, with what to try, and with --data each\n"
      "flagged layer's changes (per-channel FC weights, int16 for the layer, float) are measured\n"
      "on that data and printed as a table (\"suggestions_measured\" in --report).");
  cmd->add_option("MODEL", o->model, "The float .tflite model")->required()->check(CLI::ExistingFile);
  cmd->add_option("--output,-o", o->output, "Where the quantized .tflite goes")->required();
  cmd->add_option("--calib", o->calib, "Calibration samples, one source per model input, in order: .npy, image folder, .csv, WAV");
  AddSamplesOption(*cmd, o->samples, "the calibration data");
  cmd->add_option("--random", o->random, "Calibrate on N samples of uniform noise in [-1,1] (smoke tests only)");
  cmd->add_option("--method", o->method,
                  "Range choice: minmax (TensorFlow's rule, default), percentile[:P] (clip tails, P=99.99), "
                  "mse (clip minimizing quantization error)");
  cmd->add_option("--io", o->io, "Model input/output type: int8 (default), uint8 or float (QUANTIZE/DEQUANTIZE at the edges)");
  CLI::Option* activations =
      cmd->add_option("--activations", o->activations, "Activation type: int8 (default) or int16 (16x8 mode)");
  CLI::Option* per_channel_fc =
      cmd->add_flag("--per-channel-fc", o->per_channel_fc, "Per-channel weights for FULLY_CONNECTED too");
  CLI::Option* int16_layers =
      cmd->add_option("--int16-layers", o->int16_layers,
                      "Give operators whose output tensor name matches this regex int16 activations (16x8) in "
                      "an int8 model");
  CLI::Option* keep_float = cmd->add_option("--keep-float", o->keep_float,
                                            "Keep operators whose output tensor name matches this regex float");
  cmd->add_option("--calibration-out", o->calibration_out, "Write the calibration table (JSON) here");
  cmd->add_option("--calibration-in", o->calibration_in, "Reuse a calibration table instead of calibrating")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data,-d", o->eval,
                  "Data for the report, one source per model input (default: the calibration data)");
  AddHiddenAlias(*cmd, "--eval", o->eval);
  AddDataOptions(*cmd, o->data);
  cmd->add_option("--report", o->report, "Write the report as JSON here");
  const std::string budget = "Accuracy budget (mixed precision)";
  cmd->add_option("--labels,-l", o->labels,
                  "Integer class labels for the evaluation data, one per sample (default: the source's own, e.g. "
                  "class folders): the report gives both models' accuracy")
      ->check(CLI::ExistingFile)
      ->group(budget);
  cmd->add_option("--max-drop", o->max_drop,
                  "Search for the smallest change that keeps the accuracy drop within PP points (needs labels); "
                  "exit 1 with the best found when nothing does")
      ->group(budget);
  cmd->add_option("--min-cosine", o->min_cosine,
                  "Search as --max-drop, the budget being every output's cosine against the float model (no labels needed)")
      ->group(budget);
  cmd->add_option("--recipe-out", o->recipe_out,
                  "Write the precision chosen for each layer as a JSON recipe (reusable with --recipe-in)")
      ->group(budget);
  cmd->add_option("--recipe-in", o->recipe_in,
                  "Quantize as this JSON recipe says (activations; per_channel_fc, int16_layers and keep_float "
                  "layer regexes)")
      ->check(CLI::ExistingFile)
      ->group(budget);
  cmd->add_flag("--strict", o->strict, "Fail instead of keeping an operator float");
  cmd->add_flag("--equalize", o->equalize,
                "Cross-layer equalization: balance the channel ranges of conv/FC pairs joined by no activation or "
                "ReLU before calibrating (the float function is unchanged)");
  cmd->add_flag("--bias-correct", o->bias_correct,
                "Shift each conv/FC layer's bias so its mean output on the calibration samples is the float "
                "model's despite the int8 weights (prune's bias correction; on the corpus's labelled models it "
                "changed top-1 by at most 2 in 9,000)");
  AddThreadsOption(*cmd, o->threads);
  AddBudgetOptions(*cmd);
  cmd->add_flag("--quiet,-q", o->quiet, "Print only warnings and errors");
  AddForceOption(*cmd, o->force);
  cmd->callback([o, activations, per_channel_fc, int16_layers, keep_float] {
    o->precision_flags_given =
        activations->count() + per_channel_fc->count() + int16_layers->count() + keep_float->count() > 0;
    Quantize(*o);
  });
}

}  // namespace tinyforge
