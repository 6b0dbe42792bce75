// `tinyforge emit`: carries a file (usually a .tflite model) into C/C++
// source for a microcontroller build, or (--reverse) back out of it.
#include <filesystem>
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
#include "emit/load_test_vectors.h"
#include "emit/project.h"
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
  if (!options.test_data.empty()) given.push_back("--test-data");
  if (!options.project.empty()) given.push_back("--project");
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

// Flags that only mean something with --test-data, and --project's rules.
void CheckTestDataFlags(const EmitOptions& o, bool is_model) {
  if (o.test_data.empty()) {
    const char* needs = !o.expected.empty()        ? "--expected"
                        : !o.test_data_out.empty() ? "--test-data-out"
                        : o.samples > 0            ? "--samples"
                        : o.quantize_inputs        ? "--quantize-inputs"
                        : !o.project.empty()       ? "--project"
                                                   : nullptr;
    if (needs != nullptr) {
      throw Error(std::string(needs) + " needs --test-data X.npy (the samples" +
                  (o.project.empty() ? ")" : " the project's main.cc runs and checks)"));
    }
    return;
  }
  if (!is_model) throw Error(o.input + ": --test-data needs a .tflite model (its inputs give the vectors' types)");
  if (o.project.empty()) return;
  for (const auto& [given, flag] : {std::pair{!o.output.empty(), "-o"}, {!o.header.empty(), "--header"},
                                    {!o.resolver.empty(), "--resolver"}, {!o.test_data_out.empty(), "--test-data-out"},
                                    {!o.format.empty() && o.format != "tflm", "--format"}}) {
    if (given) {
      throw Error(std::string(flag) + " does not apply to --project, which writes every file into " + o.project +
                  " under fixed names (model_data.cc/.h, model_ops.h, test_data.c/.h, main.cc, CMakeLists.txt)");
    }
  }
}

// --project DIR: every output goes into DIR, and main.cc and CMakeLists.txt
// join them (written together, all or none).
void AddProjectFiles(const EmitOptions& o, const emit::ModelDescription& model, const emit::TestVectors& vectors,
                     emit::EmitRequest& request) {
  const auto at = [&o](const char* name) { return (std::filesystem::path(o.project) / name).string(); };
  request.output_path = at(emit::kProjectModelSource);
  request.header_path = at(emit::kProjectModelHeader);
  request.resolver_path = at(emit::kProjectResolver);
  request.test_data_path = at(emit::kProjectTestSource);
  emit::ProjectOptions project;
  project.array_name = emit::ArrayNameFor(request);
  project.namespaces = request.array.namespaces;
  project.model_label = std::filesystem::path(o.input).filename().string();
  project.target = model.arena->target;
  project.target_description = model.arena->target_description;
  request.extra_files.emplace_back(at(emit::kProjectMain), emit::ProjectMain(project, vectors));
  request.extra_files.emplace_back(at(emit::kProjectCmake), emit::ProjectCmake(project));
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
  CheckTestDataFlags(options, is_model);
  const DataOptions data = ParseDataFlags(options.data);  // checked before any work
  std::optional<Model> model;
  std::optional<emit::ModelDescription> description;
  if (is_model && (format != emit::Format::kXxd || !options.resolver.empty())) {
    model.emplace(LoadModel(options.input));
    description = emit::DescribeModel(*model, options.target);
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
  if (options.test_data.empty()) {
    emit::EmitFile(request);
    return;
  }
  emit::TestDataRequest test_data;
  test_data.input_paths = options.test_data;
  test_data.expected_paths = options.expected;
  test_data.data = data;
  test_data.quantize_inputs = options.quantize_inputs;
  test_data.max_samples = options.samples;
  test_data.threads = options.threads;
  const std::unique_ptr<emit::LoadedTestVectors> vectors = emit::LoadTestVectors(*model, test_data);
  request.test_vectors = &vectors->vectors;
  if (options.project.empty()) {
    // Default: test_data.c beside the model source.
    request.test_data_path = !options.test_data_out.empty() ? options.test_data_out
                             : options.output.empty() || options.output == "-"
                                 ? ""
                                 : (std::filesystem::path(options.output).parent_path() / "test_data.c").string();
    emit::EmitFile(request);
    return;
  }
  AddProjectFiles(options, *description, vectors->vectors, request);
  WithOutputDir(options.project, "--project", [&request] { emit::EmitFile(request); });
}

void AddArrayNameOptions(CLI::App& cmd, std::string& name, std::string& name_space, const std::string& more) {
  cmd.add_option("--name", name,
                 "Array name, a C identifier (default from the file name: g_<name>_model_data for tflm" + more +
                     "; the resolver, arena and test-vector names derive from it");
  cmd.add_option("--namespace", name_space, "C++ namespace for the declarations, e.g. app::model (tflm, header-only)");
}

void CheckArrayNameOptions(const std::string& name, const std::string& name_space) {
  if (!name.empty()) emit::CheckIdentifier(name, "name");
  emit::ParseNamespace(name_space);
}

void SetupEmitCommand(CLI::App& app) {
  auto options = std::make_shared<EmitOptions>();
  CLI::App* emit = app.add_subcommand(
      "emit",
      "Write a file (usually a .tflite model) as a C/C++ array to compile into "
      "firmware. With it come a header describing the model and, on request, a TFLM op "
      "resolver holding exactly its operators. --reverse gets the bytes back out "
      "of such source.");
  emit->footer(
      "Examples:\n"
      "  tinyforge emit model.tflite -o model_data.cc          (+ model_data.h)\n"
      "  tinyforge emit model.tflite -o model_data.cc --resolver model_ops.h\n"
      "  tinyforge emit --format xxd blob.bin > blob.h         (same as xxd -i)\n"
      "  tinyforge emit --reverse model_data.cc -o model.tflite\n"
      "  tinyforge emit int8.tflite -o model_data.cc --test-data digits.npy --samples 4\n"
      "      (+ test_data.c/.h: the first 4 samples and the outputs tinyforge computes for them)\n"
      "  tinyforge emit int8.tflite -o model_data.cc --test-data x.npy --expected y.npy \\\n"
      "      --test-data-out vectors.c                        (+ vectors.h)\n"
      "  tinyforge emit int8.tflite --target host --project fw --test-data x.npy -n 4\n"
      "  cmake -S fw -B fw/build -DTFLM_DIR=/path/to/tflm && cmake --build fw/build && fw/build/model_test\n"
      "      (prints PASS or FAIL; --target host sizes the arena for a PC, the default for a Cortex-M4)\n\n"
      "Test vectors (test_data.c/.h) are plain C99 that also compiles as C++ (extern \"C\", no\n"
      "namespace), kept apart from the model so a release build leaves them out. For the\n"
      "array NAME and ROLE input/expected (input0, input1, ... when there are several):\n"
      "  NAME_test_count, NAME_test_ROLE_elements     enum constants\n"
      "  NAME_test_ROLE_dims[]                        the tensor's shape\n"
      "  NAME_test_ROLE[K]                            sample K, typed as the tensor (int8_t, float, ...)\n"
      "Floats are written as the shortest decimal that reads back exactly. The samples go\n"
      "through the same data layer as every command (see `tinyforge data --help`).\n\n"
      "--project DIR writes model_data.cc/.h, model_ops.h, test_data.c/.h, main.cc and a\n"
      "CMakeLists.txt taking -DTFLM_DIR (a TFLM build: lib/libtensorflow-microlite.a, include/,\n"
      "cxxflags.txt if present). main.cc runs every sample and compares: integers exactly,\n"
      "floats within 1e-4 of the largest expected value of each output (TINYFORGE_FLOAT_TOLERANCE).\n"
      "Output is deterministic, and the files are written all or none.");

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
  AddArrayNameOptions(*emit, options->name, options->name_space,
                      ", <path as given> for xxd); with --reverse, which array to read when the source has several");
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

  const std::string test_group = "Test vectors and project";
  emit->add_option("--test-data", options->test_data,
                   "Samples to write as C test vectors: one source per model input (.npy, image folder, "
                   ".csv, WAV), made the input's type as every command does")
      ->group(test_group);
  emit->add_option("--expected", options->expected,
                   "The outputs expected for those samples: one .npy per model output, in its dtype "
                   "(default: computed by tinyforge's reference interpreter, TFLM's bits for integer models)")
      ->group(test_group);
  emit->add_option("--test-data-out", options->test_data_out,
                   "Where the test vectors go, a .c (its header next to it, .h) (default: test_data.c in -o's "
                   "directory)")
      ->group(test_group);
  AddSamplesOption(*emit, options->samples, "--test-data")->group(test_group);
  emit->add_flag("--quantize-inputs", options->quantize_inputs,
                 "Quantize float samples for an int8/int16 input with the input's scale and zero point")
      ->group(test_group);
  emit->add_option("--project", options->project,
                   "Write a firmware-style project into DIR (created if missing): the sources, the test "
                   "vectors, main.cc and CMakeLists.txt (needs --test-data)")
      ->type_name("DIR")
      ->group(test_group);
  AddThreadsOption(*emit, options->threads)->group(test_group);
  AddBudgetOptions(*emit, test_group);
  AddDataOptions(*emit, options->data);

  emit->callback([options, align, line_width, target]() {
    options->align_given = align->count() > 0;
    options->line_width_given = line_width->count() > 0;
    options->target_given = target->count() > 0;
    RunEmit(*options);
  });
}

}  // namespace tinyforge
