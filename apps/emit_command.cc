// `tinyforge emit`: carries a file (usually a .tflite model) into C/C++
// source for a microcontroller build, or (--reverse) back out of it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "apps/emit_command.h"
#include "emit/describe_model.h"
#include "emit/emit_file.h"
#include "emit/format.h"
#include "emit/identifiers.h"
#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"

namespace tinyforge {
namespace {

std::string FormatHelp() {
  std::string text = "Layout of the generated source:";
  for (const emit::FormatInfo& info : emit::kFormats) {
    text += "\n  " + std::string(info.name) + ": " + std::string(info.summary);
  }
  return text;
}

// Flags that make no sense in `mode`, as "--flag" names; empty when fine.
std::vector<std::string> GivenFlags(const EmitOptions& options, bool with_output_flags) {
  std::vector<std::string> given;
  if (!options.header.empty()) given.push_back("--header");
  if (!options.name_space.empty()) given.push_back("--namespace");
  if (options.align_given) given.push_back("--align");
  if (!options.section.empty()) given.push_back("--section");
  if (options.progmem) given.push_back("--progmem");
  if (options.no_const) given.push_back("--no-const");
  if (options.line_width_given) given.push_back("--line-width");
  if (options.target_given) given.push_back("--target");
  if (with_output_flags) {
    if (!options.format.empty()) given.push_back("--format");
    if (!options.resolver.empty()) given.push_back("--resolver");
  }
  return given;
}

void RunReverse(const EmitOptions& options) {
  const std::vector<std::string> extra = GivenFlags(options, true);
  if (!extra.empty()) {
    throw Error(extra.front() + " does not apply to --reverse (it takes FILE, -o and "
                "--name)");
  }
  if (options.output.empty()) {
    throw Error(options.input + ": --reverse needs -o OUT for the bytes (-o - writes them "
                "to standard output)");
  }
  emit::ReverseRequest request;
  request.input_path = options.input;
  request.output_path = options.output;
  request.name = options.name;
  request.force = options.force;
  emit::ReverseFile(request);
}

}  // namespace

void RunEmit(const EmitOptions& options) {
  if (options.reverse) {
    RunReverse(options);
    return;
  }
  const bool is_model = emit::IsTfliteFile(options.input);
  emit::Format format = emit::DefaultFormat(is_model);
  if (!options.format.empty()) {
    const std::optional<emit::Format> parsed = emit::ParseFormat(options.format);
    if (!parsed) {
      throw Error("invalid --format '" + options.format + "': use one of " +
                  emit::FormatNameList());
    }
    format = *parsed;
  }
  if (format == emit::Format::kXxd) {
    const std::vector<std::string> extra = GivenFlags(options, false);
    if (!extra.empty()) {
      throw Error(extra.front() + " does not apply to --format xxd, which writes exactly "
                  "what xxd -i writes (it takes -o, --name and --resolver)");
    }
  }

  // The model is read (and verified) when its description is used: for the
  // header comment and constants, and for the resolver. --format xxd alone
  // copies bytes, like xxd.
  std::optional<emit::ModelDescription> description;
  if (is_model && (format != emit::Format::kXxd || !options.resolver.empty())) {
    description = emit::DescribeModel(LoadModel(options.input), options.target);
  }

  emit::EmitRequest request;
  request.input_path = options.input;
  request.output_path = options.output;
  request.header_path = options.header;
  request.resolver_path = options.resolver;
  request.model = description ? &*description : nullptr;
  request.input_is_model = is_model;
  request.force = options.force;
  request.array.format = format;
  request.array.name = options.name;
  request.array.namespaces = emit::ParseNamespace(options.name_space);
  request.array.alignment = options.align;
  request.array.section = options.section;
  request.array.progmem = options.progmem;
  request.array.constant = !options.no_const;
  request.array.line_width = options.line_width;
  emit::EmitFile(request);
}

void SetupEmitCommand(CLI::App& app) {
  auto options = std::make_shared<EmitOptions>();
  CLI::App* emit = app.add_subcommand(
      "emit",
      "Write a file (usually a .tflite model) as a C/C++ array to compile into "
      "firmware, with a header describing the model and, on request, a TFLM op "
      "resolver holding exactly its operators. --reverse gets the bytes back out "
      "of such source.");
  emit->footer(
      "Examples:\n"
      "  tinyforge emit model.tflite -o model_data.cc          (+ model_data.h)\n"
      "  tinyforge emit model.tflite -o model_data.cc --resolver model_ops.h\n"
      "  tinyforge emit --format xxd blob.bin > blob.h         (same as xxd -i)\n"
      "  tinyforge emit --reverse model_data.cc -o model.tflite\n"
      "Output is deterministic, and each file is written whole or not at all.");

  emit->add_option("FILE", options->input,
                   "Input file; with --reverse, the C/C++ source to read the array from")
      ->required();
  emit->add_option("-o,--output", options->output,
                   "Where to write: the .cc/.c source for tflm and c, the header for "
                   "header-only, the text for xxd, the bytes for --reverse. Default or "
                   "'-': standard output");
  emit->add_option("--header", options->header,
                   "Header for tflm and c (default: -o with the extension .h; none when "
                   "writing to standard output)");
  emit->add_option("--name", options->name,
                   "Array name, a C identifier (default from the file name: "
                   "g_<name>_model_data for tflm, <path as given> for xxd); with "
                   "--reverse, which array to read when the source has several");
  emit->add_option("--namespace", options->name_space,
                   "C++ namespace for the declarations, e.g. app::model (tflm, "
                   "header-only)");
  std::vector<std::string> format_names;
  for (const emit::FormatInfo& info : emit::kFormats) format_names.emplace_back(info.name);
  emit->add_option("--format", options->format, FormatHelp())
      ->check(CLI::IsMember(format_names));
  CLI::Option* align = emit->add_option(
      "--align", options->align,
      "Alignment of the array in bytes, a power of two (default 16; at least 16 for "
      "tflm and header-only, as TFLM requires)");
  emit->add_option("--section", options->section,
                   "Put the array in this linker section (__attribute__((section)), "
                   "GCC/Clang), e.g. .rodata.model or an external-flash region");
  emit->add_flag("--progmem", options->progmem,
                 "Add AVR's PROGMEM so the array stays in flash (read it with "
                 "pgm_read_byte)");
  emit->add_flag("--no-const", options->no_const,
                 "A mutable array (placed in RAM): only for code that patches the model");
  CLI::Option* line_width = emit->add_option(
      "--line-width", options->line_width,
      "Longest data line in characters (default 80, i.e. 13 bytes a line)");
  emit->add_option("--resolver", options->resolver,
                   "Also write a header with NAME_op_resolver(), returning a "
                   "tflite::MicroMutableOpResolver<N> that adds exactly the model's N "
                   "operators");
  CLI::Option* target =
      AddTargetOption(*emit, options->target, "The TFLM build the header's NAME_arena_bytes is for");
  emit->add_flag("--reverse", options->reverse,
                 "Read an array out of C/C++ source (ours, xxd -i's or TFLM's "
                 "generate_cc_arrays style) and write its bytes to -o");

  AddForceOption(*emit, options->force);

  emit->callback([options, align, line_width, target]() {
    options->align_given = align->count() > 0;
    options->line_width_given = line_width->count() > 0;
    options->target_given = target->count() > 0;
    RunEmit(*options);
  });
}

}  // namespace tinyforge
