// `tinyforge rewrite`: writes a model back, losslessly or through clean-up
// passes (libconvert/rewrite.h), and reports what each pass changed and the
// bytes it saved.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/rewrite.h"

namespace tinyforge {
namespace {

struct RewriteCommandOptions {
  std::string input;
  std::string output;
  bool force = false;
  RewriteOptions rewrite;
  std::string description;  // copied into rewrite.description when given
};

std::string Count(size_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

// "saved 120 bytes" / "added 48 bytes" / "no change in size".
std::string SizeChange(int64_t saved) {
  if (saved > 0) return "saved " + Count(static_cast<size_t>(saved), "byte", "bytes");
  if (saved < 0) return "added " + Count(static_cast<size_t>(-saved), "byte", "bytes");
  return "no change in size";
}

// The first line of a pass's report: its counts in words.
std::string Headline(const PassReport& r) {
  if (r.pass == "strip-metadata") {
    return "removed " + Count(r.metadata_removed, "metadata entry", "metadata entries") + " and " +
           Count(r.buffers_removed, "buffer", "buffers") + " (" +
           Count(r.data_bytes_removed, "byte", "bytes") + " of data)";
  }
  if (r.pass == "strip-unused") {
    return "removed " + Count(r.tensors_removed, "tensor", "tensors") + ", " +
           Count(r.buffers_removed, "buffer", "buffers") + " (" +
           Count(r.data_bytes_removed, "byte", "bytes") + " of data) and " +
           Count(r.operator_codes_removed, "operator code", "operator codes");
  }
  if (r.pass == "dedupe-buffers") {
    return "merged " + Count(r.buffers_removed, "buffer", "buffers") + " (" +
           Count(r.data_bytes_removed, "byte", "bytes") + " of data) into identical ones; " +
           Count(r.tensors_redirected, "tensor", "tensors") + " re-pointed";
  }
  if (r.pass == "strip-names") return "renamed " + Count(r.tensors_renamed, "tensor", "tensors");
  if (r.pass == "description") return r.lines.empty() ? "unchanged" : "set";
  if (r.pass == "align") return "every data buffer starts 16-byte aligned in the file";
  return "done";
}

void PrintReport(const RewriteCommandOptions& options, const RewriteResult& result,
                 size_t input_bytes) {
  std::printf("%s: %zu bytes\n", options.input.c_str(), input_bytes);
  if (result.passes.empty()) {
    std::printf("no pass given: the model is written back unchanged (lossless round trip)\n");
  }
  for (const PassReport& r : result.passes) {
    std::printf("%s: %s; %s\n", r.pass.c_str(), Headline(r).c_str(),
                SizeChange(r.bytes_saved()).c_str());
    for (const std::string& line : r.lines) std::printf("  %s\n", line.c_str());
  }
  const int64_t saved =
      static_cast<int64_t>(input_bytes) - static_cast<int64_t>(result.bytes.size());
  std::printf("%s: %zu bytes, verified (%s", options.output.c_str(), result.bytes.size(),
              SizeChange(saved).c_str());
  if (input_bytes > 0 && saved != 0) {
    // Signed as the file size changed: +0.1% when the output is larger.
    std::printf(", %+.1f%%", -100.0 * static_cast<double>(saved) / static_cast<double>(input_bytes));
  }
  std::printf(" against the input file)\n");
}

void RunRewrite(const RewriteCommandOptions& options) {
  // Sizes are reported against the file as it is, not a re-serialization.
  const std::vector<uint8_t> input = ReadFileBytes(options.input);
  const Model model = ParseModel(input.data(), input.size(), options.input);
  const RewriteResult result = Rewrite(model, options.rewrite);

  SaveOptions save;
  static_cast<WriteOptions&>(save) = result.write_options;
  save.allow_overwrite_source = options.force;
  SaveModel(result.model, options.output, save);
  PrintReport(options, result, input.size());
}

}  // namespace

void SetupRewriteCommand(CLI::App& app) {
  auto options = std::make_shared<RewriteCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "rewrite",
      "Write a .tflite model back, losslessly or through clean-up passes. The passes make it "
      "smaller or safer to run from flash. With no pass the output holds exactly the same "
      "model (every table and field, metadata and signatures included) in the compact "
      "layout converters write.");
  cmd->footer(
      "Passes run in this fixed order, whatever the order of the flags:\n"
      "  --strip-metadata, --strip-unused, --dedupe-buffers, --strip-names, --description,\n"
      "  --align.\n"
      "None changes what the model computes: every operator keeps its op, options, and its\n"
      "inputs' and outputs' shapes, types, quantization and constant bytes. The result is\n"
      "verified (and reloaded from its bytes) before anything is written; on any error\n"
      "nothing is written.\n"
      "\n"
      "Examples:\n"
      "  tinyforge rewrite person_detect.tflite -o pd.tflite --align\n"
      "      data 16-byte aligned, as Cortex-M needs when the model runs from flash\n"
      "  tinyforge rewrite m.tflite -o small.tflite --strip-unused --dedupe-buffers \\\n"
      "      --strip-names --strip-metadata CONVERSION_METADATA min_runtime_version\n"
      "  tinyforge rewrite m.tflite -o m.tflite --force --description \"kws v3\"");

  cmd->add_option("MODEL", options->input, "The .tflite model to read")->required();
  cmd->add_option("-o,--output", options->output, "Where to write the rewritten model")->required();
  AddForceOption(*cmd, options->force);
  cmd->add_flag("--align", options->rewrite.align,
                "Start every buffer's data 16-byte aligned in the file. Converters do not "
                "align (person_detect.tflite is not), and misaligned model data faults on "
                "Cortex-M; costs at most 15 bytes of padding per buffer");
  cmd->add_flag("--dedupe-buffers", options->rewrite.dedupe_buffers,
                "Store identical constant buffers once (compared byte for byte) and fold "
                "empty buffers into buffer 0");
  cmd->add_flag("--strip-unused", options->rewrite.strip_unused,
                "Remove tensors, buffers and operator codes that nothing uses (subgraph "
                "inputs/outputs, signature tensors and variable tensors are kept)");
  cmd->add_flag("--strip-names", options->rewrite.strip_names,
                "Replace tensor names by short ids t0, t1, ... to save flash; signature "
                "names are kept, so lookups by signature still work");
  cmd->add_option("--strip-metadata", options->rewrite.strip_metadata,
                  "Remove the metadata entries with these names and their buffers, e.g. "
                  "CONVERSION_METADATA min_runtime_version (give MODEL before this option, or "
                  "separate names with commas)")
      ->delimiter(',')
      ->type_name("NAME");
  CLI::Option* description =
      cmd->add_option("--description", options->description, "Set the model's description string");

  cmd->callback([options, description]() {
    if (description->count() > 0) options->rewrite.description = options->description;
    RunRewrite(*options);
  });
}

}  // namespace tinyforge
