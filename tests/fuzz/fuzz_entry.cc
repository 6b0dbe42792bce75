#include "tests/fuzz/fuzz_entry.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>

#include "emit/byte_io.h"
#include "emit/reverse.h"
#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/base/memory_budget.h"
#include "libconvert/base/work_budget.h"
#include "libconvert/data/image_dataset.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/data/npy.h"
#include "libconvert/interp/batch.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/rewrite.h"
#include "libconvert/model/synthetic_models.h"
#include "libconvert/model/verify.h"
#include "libconvert/summary/model_summary.h"
#include "nlohmann/json.hpp"
#include "quantize/calibrator.h"
#include "quantize/quantizer.h"

namespace tinyforge::fuzz {
namespace {

constexpr char kFuzzSource[] = "fuzz.input";

// Sets the fuzz memory and work budgets for one entry call and gives the old
// ones back.
class FuzzBudget {
 public:
  FuzzBudget() : saved_memory_(MemoryBudget()), saved_work_(WorkBudget()) {
    SetMemoryBudget(kFuzzMemoryBudget);
    SetWorkBudget(kFuzzWorkBudget);
  }
  ~FuzzBudget() {
    SetMemoryBudget(saved_memory_);
    SetWorkBudget(saved_work_);
  }
  FuzzBudget(const FuzzBudget&) = delete;
  FuzzBudget& operator=(const FuzzBudget&) = delete;

 private:
  int64_t saved_memory_;
  int64_t saved_work_;
};

// A clean rejection: kBadInput, one line. Anything else is returned as the
// violation.
Violation CheckRejection(const Error& e) {
  const std::string message = e.what();
  if (e.code() != ErrorCode::kBadInput) {
    return "an Error of exit code " + std::to_string(e.exit_code()) + " (not 2): " + message;
  }
  if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos) {
    return "an error message of more than one line: " + message;
  }
  if (message.empty()) return "an empty error message";
  return "";
}

// Runs `body` under the fuzz budget; a thrown Error is checked as a
// rejection, any other exception is a violation (the CLI's exit 3).
Violation Guarded(const std::function<Violation()>& body) {
  const FuzzBudget budget;
  try {
    return body();
  } catch (const Error& e) {
    return CheckRejection(e);
  } catch (const std::exception& e) {
    return std::string("an exception that is not a tinyforge::Error (exit 3): ") + e.what();
  }
}

// The input bytes as a model must keep holding once they loaded: they
// serialize, load again and serialize to the same bytes, and rewrite.
Violation CheckRoundTrip(const Model& model) {
  const std::vector<uint8_t> compact = SerializeModel(model, {false});
  try {
    const Model again = ParseModel(compact.data(), compact.size(), kFuzzSource);
    if (SerializeModel(again, {false}) != compact) return "re-serializing a reloaded model changed its bytes";
    const std::vector<uint8_t> aligned = SerializeModel(model, {true});
    ParseModel(aligned.data(), aligned.size(), kFuzzSource);
  } catch (const Error& e) {
    return std::string("a loaded model did not load again after serializing: ") + e.what();
  }
  RewriteOptions options;
  options.align = true;
  options.dedupe_buffers = true;
  options.strip_unused = true;
  options.strip_names = true;
  options.description = "fuzz";
  try {
    Rewrite(model, options);
  } catch (const Error& e) {
    return std::string("rewriting a loaded model failed: ") + e.what();
  }
  return "";
}

// `tinyforge run` with one zero sample per input: the output arrays are
// reserved, every operator prepared, then invoked (the tensors sharing
// memory, as `run` has them).
std::vector<NpyArray> RunOnZeros(const Model& model) {
  ModelInputArrays inputs;
  std::vector<MemoryReservation> reserved;
  const auto& g = model.subgraph(0);
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    const tflite::TensorT& t = model.tensor(0, g.inputs[k]);
    const std::optional<DType> dtype = NpyDTypeOf(t.type);
    if (!dtype) throw Error(DescribeModelInput(model, k) + ": no .npy type holds it");
    // A file's array is bounded by the file; these zeros by the budget.
    const std::optional<int64_t> count = CheckedProduct(t.shape);
    const std::optional<int64_t> bytes =
        count ? CheckedMul(*count, static_cast<int64_t>(DTypeSize(*dtype))) : std::nullopt;
    if (!bytes) throw Error(DescribeModelInput(model, k) + ": no array of its shape can be made");
    reserved.emplace_back(*bytes, DescribeModelInput(model, k) + " as zeros");
    inputs.arrays.push_back(NpyArray::Zeros(*dtype, std::vector<int64_t>(t.shape.begin(), t.shape.end())));
    inputs.names.push_back("zeros" + std::to_string(k) + ".npy");
  }
  const std::vector<DatasetView> views = ViewModelInputs(model, inputs);
  return interp::RunDataset(model, views, 1);
}

// The outputs of an interpreter whose tensors each have their own bytes,
// its inputs set to zeros as RunOnZeros sets them (an input may be a
// variable, which starts from its own value), against `shared`'s: sharing
// memory must change no bit. This run also keeps AddressSanitizer's view of
// each tensor as its own allocation, which a read past one inside the
// shared block would not trip.
Violation CheckSharingChangesNothing(const Model& model, const std::vector<NpyArray>& shared) {
  interp::Interpreter own(model);
  own.Prepare();
  for (size_t k = 0; k < own.num_inputs(); ++k) std::memset(own.input(k).data, 0, own.input(k).bytes);
  own.Invoke();
  for (size_t k = 0; k < own.num_outputs() && k < shared.size(); ++k) {
    const interp::RuntimeTensor& out = own.output(k);
    if (shared[k].data.size() != out.bytes ||
        (out.bytes > 0 && std::memcmp(shared[k].data.data(), out.data, out.bytes) != 0)) {
      return "output " + std::to_string(k) + " differs with the tensors sharing memory";
    }
  }
  return "";
}

Violation RunModel(const uint8_t* data, size_t size) {
  const Model model = ParseModel(data, size, kFuzzSource);
  const Violation round_trip = CheckRoundTrip(model);
  if (!round_trip.empty()) return round_trip;
  const ModelSummary summary = Summarize(model);
  FormatSummary(summary);
  ToJson(summary);
  return CheckSharingChangesNothing(model, RunOnZeros(model));
}

Violation RunNpy(const uint8_t* data, size_t size) {
  const NpyArray array = ParseNpy(data, size, kFuzzSource);
  std::vector<uint8_t> bytes = EncodeNpyHeader(array.dtype, array.shape);
  bytes.insert(bytes.end(), array.data.begin(), array.data.end());
  const NpyArray again = ParseNpy(bytes.data(), bytes.size(), kFuzzSource);
  if (again.dtype != array.dtype || again.shape != array.shape || again.data != array.data) {
    return "a .npy array read back differently after writing it";
  }
  return "";
}

// A folder of this process's own holding the one image file, removed at
// exit (libFuzzer's -fork runs many processes). The path is never destroyed:
// the exit handler runs after static destructors registered later.
const std::filesystem::path& ImageFolder() {
  static const std::filesystem::path* const dir = [] {
    auto* d = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                        ("tinyforge_fuzz_image_" + std::to_string(getpid())));
    std::filesystem::create_directories(*d);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(ImageFolder(), ignored);
    });
    return d;
  }();
  return *dir;
}

Violation RunImage(const uint8_t* data, size_t size) {
  const std::filesystem::path file = ImageFolder() / "image.png";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  // The decoded size as it is, then resized to a fixed size as --image-size does.
  LoadImageFolder(ImageFolder().string(), ParseImagePreprocess("", "", {}, {}, false));
  LoadImageFolder(ImageFolder().string(), ParseImagePreprocess("7x5", "1/127.5", {1.0}, {0.5}, true));
  return "";
}

Violation RunCalibration(const uint8_t* data, size_t size) {
  const Model& model = CalibrationModel();
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(data, data + size);
  } catch (const nlohmann::json::exception&) {
    return "";  // quantize_command's own not-JSON rejection; nothing of ours ran
  }
  const quantize::CalibrationTable table = quantize::CalibrationFromJson(json, model, kFuzzSource);
  quantize::QuantizeResult result = quantize::QuantizeModel(model, table, quantize::QuantizeOptions{});
  // Whatever the table said, what quantize writes must load and prepare.
  try {
    VerifyModel(result.model);
    SerializeModel(result.model);
    interp::Interpreter interpreter(result.model);
    interpreter.Prepare();
  } catch (const Error& e) {
    return std::string("quantize wrote a model that does not prepare: ") + e.what();
  }
  return "";
}

Violation RunReverse(const uint8_t* data, size_t size) {
  emit::MemorySource source(data, size);
  std::string bytes;
  emit::StringSink sink(bytes);
  emit::ReverseArray(source, kFuzzSource, "", sink);
  return "";
}

}  // namespace

const Model& CalibrationModel() {
  static const Model model = BuildSyntheticModel("mobilenet_v2_float_tiny", 1);
  return model;
}

Violation FuzzModel(const uint8_t* data, size_t size) {
  return Guarded([&] { return RunModel(data, size); });
}
Violation FuzzNpy(const uint8_t* data, size_t size) {
  return Guarded([&] { return RunNpy(data, size); });
}
Violation FuzzImage(const uint8_t* data, size_t size) {
  return Guarded([&] { return RunImage(data, size); });
}
Violation FuzzCalibration(const uint8_t* data, size_t size) {
  return Guarded([&] { return RunCalibration(data, size); });
}
Violation FuzzReverse(const uint8_t* data, size_t size) {
  return Guarded([&] { return RunReverse(data, size); });
}

const std::vector<FuzzTarget>& FuzzTargets() {
  static const std::vector<FuzzTarget> targets = {
      {"model", FuzzModel}, {"npy", FuzzNpy}, {"image", FuzzImage},
      {"calibration", FuzzCalibration}, {"reverse", FuzzReverse}};
  return targets;
}

void AbortOnViolation(const char* target, const Violation& v) {
  if (v.empty()) return;
  std::fprintf(stderr, "%s_fuzzer: broken promise: %s\n", target, v.c_str());
  std::abort();
}

}  // namespace tinyforge::fuzz
