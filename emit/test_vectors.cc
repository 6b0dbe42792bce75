#include "emit/test_vectors.h"

#include <climits>
#include <cstring>

#include "emit/description.h"
#include "emit/identifiers.h"
#include "libconvert/base/error.h"

namespace tinyforge::emit {
namespace {

constexpr std::size_t kTestDataLineWidth = 100;

std::string TestShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Element i of a sample as a C literal of TestElementType(dtype).
std::string ElementLiteral(DType dtype, const uint8_t* sample, std::size_t i) {
  const auto read = [&](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, sample + i * sizeof v, sizeof v);
    return v;
  };
  switch (dtype) {
    case DType::kFloat32: return FloatLiteral(read(0.0f));
    case DType::kInt8: return std::to_string(read(int8_t{0}));
    case DType::kUInt8: return std::to_string(read(uint8_t{0}));
    case DType::kBool: return read(uint8_t{0}) != 0 ? "1" : "0";
    case DType::kInt16: return std::to_string(read(int16_t{0}));
    case DType::kInt32: {
      const int32_t v = read(int32_t{0});
      // -2147483648 is the negation of a constant too large for int.
      return v == INT32_MIN ? "(-2147483647 - 1)" : std::to_string(v);
    }
    case DType::kInt64: {
      const int64_t v = read(int64_t{0});
      return v == INT64_MIN ? "(-9223372036854775807LL - 1)" : std::to_string(v) + "LL";
    }
    default: break;
  }
  throw Error(std::string("test vectors: no C type for ") + DTypeName(dtype), ErrorCode::kInternal);
}

void AppendSampleArray(const std::string& prefix, const TestTensor& tensor, std::size_t k, std::string& out) {
  const DType dtype = tensor.samples.dtype();
  const std::size_t n = tensor.samples.elements_per_sample();
  out += "const " + TestElementType(dtype) + " " + prefix + "_sample_" + std::to_string(k) + "[" +
         std::to_string(n) + "] = {\n";
  std::string line = " ";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string item = " " + ElementLiteral(dtype, tensor.samples.sample(k), i) + ",";
    if (line.size() + item.size() > kTestDataLineWidth) {
      out += line + "\n";
      line = " ";
    }
    line += item;
  }
  out += line + "\n};\n";
}

std::string IncludeGuardFor(const std::string& name) { return IncludeGuard(name + "_test_data"); }

// Applies `f(prefix, tensor)` to every input, then every expected output.
template <typename F>
void ForEachTestTensor(const std::string& name, const TestVectors& v, F f) {
  for (std::size_t i = 0; i < v.inputs.size(); ++i) f(TestArrayPrefix(name, "input", i, v.inputs.size()), v.inputs[i]);
  for (std::size_t i = 0; i < v.expected.size(); ++i) {
    f(TestArrayPrefix(name, "expected", i, v.expected.size()), v.expected[i]);
  }
}

std::size_t TestSampleCount(const TestVectors& v) { return v.inputs.empty() ? 0 : v.inputs[0].samples.num_samples(); }

}  // namespace

std::string TestArrayPrefix(const std::string& name, const std::string& role, std::size_t index, std::size_t count) {
  return name + "_test_" + role + (count == 1 ? "" : std::to_string(index));
}

std::string TestElementType(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return "float";
    case DType::kInt8: return "int8_t";
    case DType::kUInt8: return "uint8_t";
    case DType::kBool: return "uint8_t";  // TFLM's bool is one byte, 0 or 1
    case DType::kInt16: return "int16_t";
    case DType::kInt32: return "int32_t";
    case DType::kInt64: return "int64_t";
    default: return "";
  }
}

void CheckTestVectors(const TestVectors& v) {
  if (v.inputs.empty()) throw Error("test vectors: the model has no inputs");
  const std::size_t count = TestSampleCount(v);
  const auto check = [&](const TestTensor& t) {
    const std::string& file = t.samples.array_name();
    if (t.samples.num_samples() == 0) throw Error(file + ": holds no samples; test vectors need at least one");
    if (t.samples.num_samples() != count) {
      throw Error(file + ": holds " + std::to_string(t.samples.num_samples()) + " samples for " + t.label + ", but " +
                  v.inputs[0].samples.array_name() + " holds " + std::to_string(count));
    }
    if (TestElementType(t.samples.dtype()).empty()) {
      throw Error(file + ": " + t.label + " is " + DTypeName(t.samples.dtype()) + ", which test vectors cannot hold");
    }
    if (t.samples.elements_per_sample() > static_cast<std::size_t>(INT_MAX)) {
      throw Error(file + ": " + t.label + " has more elements per sample than a C int counts");
    }
    if (const auto bad = t.samples.FindNonFinite()) {
      throw Error(file + ": sample " + std::to_string(bad->sample) + ", element " + std::to_string(bad->element) +
                  " of " + t.label + " is " + std::to_string(bad->value) + "; C has no literal for it");
    }
  };
  for (const TestTensor& t : v.inputs) check(t);
  for (const TestTensor& t : v.expected) check(t);
}

std::string TestDataHeader(const std::string& name, const TestVectors& v) {
  CheckTestVectors(v);
  const std::string guard = IncludeGuardFor(name);
  std::string out = "// Test vectors for " + name + ".\n// " + CommentSafe(v.origin) + ".\n" +
                    "// Generated by `tinyforge emit --test-data`; do not edit, regenerate instead.\n" +
                    "// C and C++: sample K of a tensor is NAME_test_ROLE[K] (see tinyforge emit --help).\n" +
                    "#ifndef " + guard + "\n#define " + guard + "\n\n#include <stdint.h>\n\n" +
                    "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  out += "enum { " + name + "_test_count = " + std::to_string(TestSampleCount(v)) + " };\n";
  ForEachTestTensor(name, v, [&](const std::string& prefix, const TestTensor& t) {
    const std::string type = TestElementType(t.samples.dtype());
    out += "\n// " + CommentSafe(t.label) + ": " + type + " " + TestShapeText(t.shape) + "\n";
    out += "enum { " + prefix + "_elements = " + std::to_string(t.samples.elements_per_sample()) + " };\n";
    if (!t.shape.empty()) {
      out += "static const int " + prefix + "_dims[" + std::to_string(t.shape.size()) + "] = {";
      for (std::size_t d = 0; d < t.shape.size(); ++d) out += (d > 0 ? ", " : "") + std::to_string(t.shape[d]);
      out += "};\n";
    }
    for (std::size_t k = 0; k < t.samples.num_samples(); ++k) {
      out += "extern const " + type + " " + prefix + "_sample_" + std::to_string(k) + "[" + prefix + "_elements];\n";
    }
    out += "extern const " + type + "* const " + prefix + "[" + name + "_test_count];\n";
  });
  out += "\n#ifdef __cplusplus\n}  // extern \"C\"\n#endif\n\n#endif  // " + guard + "\n";
  return out;
}

std::string TestDataSource(const std::string& name, const TestVectors& v, const std::string& header_include) {
  CheckTestVectors(v);
  std::string out = "// Test vectors for " + name + ".\n// " + CommentSafe(v.origin) + ".\n" +
                    "// Generated by `tinyforge emit --test-data`; do not edit, regenerate instead.\n" +
                    "#include \"" + header_include + "\"\n";
  ForEachTestTensor(name, v, [&](const std::string& prefix, const TestTensor& t) {
    out += "\n// " + CommentSafe(t.label) + "\n";
    for (std::size_t k = 0; k < t.samples.num_samples(); ++k) AppendSampleArray(prefix, t, k, out);
    out += "const " + TestElementType(t.samples.dtype()) + "* const " + prefix + "[" + name + "_test_count] = {\n";
    for (std::size_t k = 0; k < t.samples.num_samples(); ++k) out += "  " + prefix + "_sample_" + std::to_string(k) + ",\n";
    out += "};\n";
  });
  return out;
}

}  // namespace tinyforge::emit
