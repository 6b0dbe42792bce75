#include "emit/emit_file.h"

#include <filesystem>
#include <memory>

#include "emit/byte_io.h"
#include "emit/identifiers.h"
#include "emit/resolver.h"
#include "emit/sha256.h"
#include "emit/xxd.h"
#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"

namespace tinyforge::emit {
namespace {

namespace fs = std::filesystem;

bool IsStandardOutput(const std::string& path) { return path.empty() || path == "-"; }

std::string BaseName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// model_data.cc -> model_data.h
std::string HeaderPathFor(const std::string& source_path) {
  fs::path path(source_path);
  path.replace_extension(".h");
  return path.string();
}

// How the definition file spells the #include of its header: relative to the
// definition file's directory.
std::string IncludeSpelling(const std::string& header_path, const std::string& source_path) {
  const fs::path header = fs::absolute(header_path).lexically_normal();
  const fs::path dir = fs::absolute(source_path).parent_path().lexically_normal();
  const fs::path relative = header.lexically_relative(dir);
  return (relative.empty() ? header : relative).generic_string();
}

std::string HashFile(const std::string& path) {
  FileSource source(path);
  Sha256 hash;
  std::vector<unsigned char> chunk(1 << 16);
  while (const std::size_t n = source.Read(chunk.data(), chunk.size())) {
    hash.Update(chunk.data(), n);
  }
  return hash.HexDigest();
}

// A sink for an output path: an atomic file, or the standard output.
class Output {
 public:
  Output(const std::string& path, std::FILE* standard_output) : path_(path) {
    if (IsStandardOutput(path)) {
      stream_ = std::make_unique<StreamSink>(standard_output, "standard output");
    } else {
      file_ = std::make_unique<AtomicFileSink>(path);
    }
  }
  ByteSink& sink() { return file_ ? static_cast<ByteSink&>(*file_) : *stream_; }
  void Commit() {
    if (file_) file_->Commit();
    if (stream_) stream_->Flush();
  }
  std::string label() const { return IsStandardOutput(path_) ? "-" : path_; }

 private:
  std::string path_;
  std::unique_ptr<AtomicFileSink> file_;
  std::unique_ptr<StreamSink> stream_;
};

void CheckDistinct(const std::vector<std::string>& paths) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    for (std::size_t j = i + 1; j < paths.size(); ++j) {
      if (IsStandardOutput(paths[i]) && IsStandardOutput(paths[j])) {
        throw Error("two outputs go to standard output: give -o, --header and --resolver "
                    "distinct files");
      }
      if (!IsStandardOutput(paths[i]) && !IsStandardOutput(paths[j]) &&
          fs::absolute(paths[i]).lexically_normal() ==
              fs::absolute(paths[j]).lexically_normal()) {
        throw Error(paths[i] + ": named as two outputs (-o, --header, --resolver, --test-data-out)");
      }
    }
  }
}

}  // namespace

bool IsTfliteFile(const std::string& path) {
  if (EndsWith(path, ".tflite")) return true;
  FileSource source(path);
  unsigned char head[8] = {};
  std::size_t got = 0;
  while (got < sizeof(head)) {
    const std::size_t n = source.Read(head + got, sizeof(head) - got);
    if (n == 0) break;
    got += n;
  }
  return got == sizeof(head) && head[4] == 'T' && head[5] == 'F' && head[6] == 'L' &&
         head[7] == '3';
}

Format DefaultFormat(bool is_model) { return is_model ? Format::kTflm : Format::kC; }

std::string ArrayNameFor(const EmitRequest& request) {
  if (!request.array.name.empty()) return request.array.name;
  return request.array.format == Format::kXxd
             ? XxdArrayName(request.input_path)
             : DefaultArrayName(request.input_path, request.array.format, request.input_is_model);
}

EmitResult EmitFile(const EmitRequest& request, std::FILE* standard_output) {
  ArrayOptions options = request.array;
  const Format format = options.format;
  if (!options.name.empty()) CheckIdentifier(options.name, "name");
  options.name = ArrayNameFor(request);
  if (format != Format::kXxd) ValidateArrayOptions(options);

  const bool two_files = format == Format::kTflm || format == Format::kC;
  if (!two_files && !request.header_path.empty()) {
    throw Error("--header applies to --format tflm and c (they write a source and a "
                "header); --format " + std::string(FormatName(format)) +
                " writes one file: use -o");
  }
  std::string header_path = request.header_path;
  if (two_files && header_path.empty() && !IsStandardOutput(request.output_path)) {
    header_path = HeaderPathFor(request.output_path);
  }
  if (!request.resolver_path.empty() && request.model == nullptr) {
    throw Error(request.input_path + ": --resolver needs a .tflite model whose operators "
                "are known");
  }
  if (request.test_vectors != nullptr && IsStandardOutput(request.test_data_path)) {
    throw Error("--test-data needs a file for the test vectors (--test-data-out), not standard output");
  }
  std::vector<std::string> outputs = {request.output_path};
  if (!header_path.empty()) outputs.push_back(header_path);
  if (!request.resolver_path.empty()) outputs.push_back(request.resolver_path);
  const std::string test_header_path = request.test_vectors ? HeaderPathFor(request.test_data_path) : "";
  if (request.test_vectors != nullptr) {
    outputs.push_back(request.test_data_path);
    outputs.push_back(test_header_path);
  }
  for (const auto& [path, text] : request.extra_files) outputs.push_back(path);
  CheckDistinct(outputs);
  for (const std::string& output : outputs) {
    if (!IsStandardOutput(output)) RefuseOverwritingInput(output, {request.input_path}, request.force);
  }

  FileSource source(request.input_path);
  const uint64_t size = source.size();
  if (size == 0 && format != Format::kXxd) {
    throw Error(request.input_path + ": is empty; C and C++ have no empty arrays "
                "(--format xxd writes one the way xxd does)");
  }
  SourceSummary summary;
  summary.file_name = BaseName(request.input_path);
  summary.size = size;
  summary.model = request.model;
  if (format != Format::kXxd) summary.sha256 = HashFile(request.input_path);

  // The resolver first: an operator TFLM lacks fails before any output.
  std::string resolver_text;
  if (!request.resolver_path.empty()) {
    ResolverOptions resolver;
    resolver.array_name = options.name;
    resolver.namespaces = options.namespaces;
    resolver.model_label = summary.file_name;
    resolver.model_path = request.input_path;
    StringSink text(resolver_text);
    WriteResolverHeader(request.model->op_names, resolver, text);
  }

  // The test vectors next: a value C cannot write fails before any output.
  std::vector<std::pair<std::string, std::string>> extra_files;
  if (request.test_vectors != nullptr) {
    extra_files.emplace_back(request.test_data_path,
                             TestDataSource(options.name, *request.test_vectors,
                                            IncludeSpelling(test_header_path, request.test_data_path)));
    extra_files.emplace_back(test_header_path, TestDataHeader(options.name, *request.test_vectors));
  }
  extra_files.insert(extra_files.end(), request.extra_files.begin(), request.extra_files.end());

  EmitResult result;
  result.array_name = options.name;
  Output main_output(request.output_path, standard_output);
  uint64_t written = 0;
  switch (format) {
    case Format::kXxd:
      written = WriteXxd(source, options.name, main_output.sink());
      break;
    case Format::kHeaderOnly:
      written = WriteHeaderOnly(source, options, summary, main_output.sink());
      break;
    case Format::kTflm:
    case Format::kC: {
      const std::string include =
          header_path.empty() ? "" : IncludeSpelling(header_path, request.output_path);
      written = WriteArraySource(source, options, summary, include, main_output.sink());
      break;
    }
  }
  if (written != size) {
    throw Error(request.input_path + ": changed while being read (" + std::to_string(size) +
                " bytes at open, " + std::to_string(written) + " read)");
  }
  std::unique_ptr<Output> header_output;
  if (!header_path.empty()) {
    header_output = std::make_unique<Output>(header_path, standard_output);
    WriteArrayHeader(options, summary, header_output->sink());
  }
  std::unique_ptr<Output> resolver_output;
  if (!request.resolver_path.empty()) {
    resolver_output = std::make_unique<Output>(request.resolver_path, standard_output);
    resolver_output->sink().Write(resolver_text);
  }

  std::vector<std::unique_ptr<Output>> extra_outputs;
  for (const auto& [path, text] : extra_files) {
    extra_outputs.push_back(std::make_unique<Output>(path, standard_output));
    extra_outputs.back()->sink().Write(text);
  }

  main_output.Commit();
  result.files_written.push_back(main_output.label());
  std::vector<Output*> rest = {header_output.get(), resolver_output.get()};
  for (const auto& output : extra_outputs) rest.push_back(output.get());
  for (Output* output : rest) {
    if (output != nullptr) {
      output->Commit();
      result.files_written.push_back(output->label());
    }
  }
  result.size = written;
  return result;
}

ReverseResult ReverseFile(const ReverseRequest& request, std::FILE* standard_output) {
  if (!request.name.empty() && !IsIdentifierSyntax(request.name)) {
    throw Error("invalid --name '" + request.name + "': not a C identifier");
  }
  if (!IsStandardOutput(request.output_path)) {
    RefuseOverwritingInput(request.output_path, {request.input_path}, request.force);
  }
  FileSource source(request.input_path);
  Output output(request.output_path, standard_output);
  ReverseResult result = ReverseArray(source, request.input_path, request.name, output.sink());
  output.Commit();
  return result;
}

}  // namespace tinyforge::emit
