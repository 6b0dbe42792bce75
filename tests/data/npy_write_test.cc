// The .npy writer: round trips, known bytes, byte-identical to numpy.save.
#include "tests/data/npy_test_util.h"

namespace tinyforge {
namespace {

NpyArray FormulaArray(DType dtype, std::vector<int64_t> shape) {
  NpyArray a = NpyArray::Zeros(dtype, std::move(shape));
  const size_t n = a.NumElements();
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = static_cast<int64_t>(i % 100) - 50;
    switch (dtype) {
      case DType::kFloat32: a.MutableView<float>()[i] = static_cast<float>(v) / 4; break;
      case DType::kFloat64: a.MutableView<double>()[i] = static_cast<double>(v) / 4; break;
      case DType::kInt8: a.MutableView<int8_t>()[i] = static_cast<int8_t>(v); break;
      case DType::kUInt8: a.MutableView<uint8_t>()[i] = static_cast<uint8_t>(v + 50); break;
      case DType::kInt16: a.MutableView<int16_t>()[i] = static_cast<int16_t>(v * 300); break;
      case DType::kUInt16: a.MutableView<uint16_t>()[i] = static_cast<uint16_t>((v + 50) * 600); break;
      case DType::kInt32: a.MutableView<int32_t>()[i] = static_cast<int32_t>(v * 40000000); break;
      case DType::kUInt32: a.MutableView<uint32_t>()[i] = static_cast<uint32_t>((v + 50) * 40000000); break;
      case DType::kInt64: a.MutableView<int64_t>()[i] = v * 90000000000000000; break;
      case DType::kBool: a.MutableView<bool>()[i] = i % 3 == 1; break;
      case DType::kFloat16: a.MutableView<Float16>()[i].bits = static_cast<uint16_t>(0x3c00 + v); break;
    }
  }
  return a;
}

struct WriteCase {
  DType dtype;
  std::vector<int64_t> shape;
};
const std::vector<WriteCase> kWriteCases = {
    {DType::kFloat32, {1, 10}},        {DType::kFloat32, {2, 3, 4}},
    {DType::kFloat64, {}},             {DType::kInt8, {1, 96, 96, 1}},
    {DType::kUInt8, {1000}},           {DType::kInt16, {0, 5}},
    {DType::kUInt16, {7}},             {DType::kInt32, {3, 2}},
    {DType::kUInt32, {4}},
    {DType::kInt64, {2, 2}},           {DType::kBool, {2, 3}},
    {DType::kFloat16, {4, 2}},
    {DType::kInt8, std::vector<int64_t>(16, 1)},
};

TEST(WriteNpy, RoundTripsEveryDType) {
  TempDir dir("roundtrip");
  int k = 0;
  for (const WriteCase& c : kWriteCases) {
    const NpyArray a = FormulaArray(c.dtype, c.shape);
    const std::string path = dir.File("rt" + std::to_string(k++) + ".npy");
    WriteNpy(path, a);
    const NpyArray b = ReadNpy(path);
    EXPECT_EQ(b.dtype, a.dtype) << path;
    EXPECT_EQ(b.shape, a.shape) << path;
    EXPECT_EQ(b.data, a.data) << path;
    const std::vector<uint8_t> bytes = Slurp(path);
    EXPECT_EQ(bytes.size() - a.data.size(), EncodeNpyHeader(a.dtype, a.shape).size());
    EXPECT_EQ((bytes.size() - a.data.size()) % 64, 0u) << path;
  }
  // Only the written files are left (no temporaries).
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, kWriteCases.size());
}

TEST(WriteNpy, KnownBytesForSmallArray) {
  TempDir dir("known");
  NpyArray a = NpyArray::Zeros(DType::kFloat32, {3});
  a.MutableView<float>()[0] = 1.0f;
  a.MutableView<float>()[1] = -2.0f;
  a.MutableView<float>()[2] = std::numeric_limits<float>::quiet_NaN();
  WriteNpy(dir.File("k.npy"), a);
  // numpy: dict + 20 spaces of growth room, then padded to 64.
  std::string dict_with_growth = kF32x3Dict + std::string(20, ' ');
  EXPECT_EQ(Slurp(dir.File("k.npy")), HandMadeNpy(dict_with_growth, kF32x3Data));
}

TEST(WriteNpy, RejectsDataShapeMismatchAndKeepsOldFile) {
  TempDir dir("mismatch");
  const std::string path = dir.File("keep.npy");
  WriteNpy(path, FormulaArray(DType::kUInt8, {4}));
  const std::vector<uint8_t> before = Slurp(path);
  NpyArray bad = FormulaArray(DType::kUInt8, {4});
  bad.data.push_back(1);
  EXPECT_THROW(WriteNpy(path, bad), Error);
  EXPECT_EQ(Slurp(path), before);
  EXPECT_THROW(WriteNpy(dir.File("no/such/dir.npy"), FormulaArray(DType::kUInt8, {4})), Error);
}

// Python with numpy, or "" (the check is skipped then).
std::string FindPythonWithNumpy() {
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    const std::string cmd = std::string(python) + " -c 'import numpy' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return python;
  }
  return "";
}

// numpy builds the same formula arrays and saves them; our files must be
// byte-identical, and numpy must load ours to the same values.
TEST(WriteNpy, ByteIdenticalToNumpySave) {
  const std::string python = FindPythonWithNumpy();
  if (python.empty()) GTEST_SKIP() << "python3 with numpy not found; byte comparison skipped";
  TempDir dir("numpy");
  std::ostringstream script;
  script << "import numpy as np, sys\n"
            "def formula(dt, shape):\n"
            "    n = int(np.prod(shape, dtype=np.int64))\n"
            "    v = np.arange(n, dtype=np.int64) % 100 - 50\n"
            "    d = {'float32': v / 4, 'float64': v / 4, 'int8': v, 'uint8': v + 50,\n"
            "         'int16': v * 300, 'uint16': (v + 50) * 600, 'int32': v * 40000000,\n"
            "         'uint32': (v + 50) * 40000000,\n"
            "         'int64': v * 90000000000000000, 'bool': np.arange(n) % 3 == 1,\n"
            "         'float16': (v + 0x3c00).astype(np.uint16).view(np.float16)}[dt]\n"
            "    return d.astype(dt).reshape(shape)\n"
            "bad = 0\n";
  int k = 0;
  for (const WriteCase& c : kWriteCases) {
    const std::string ours = dir.File("ours" + std::to_string(k) + ".npy");
    const std::string theirs = dir.File("theirs" + std::to_string(k) + ".npy");
    ++k;
    WriteNpy(ours, FormulaArray(c.dtype, c.shape));
    std::string shape = "(";
    for (int64_t d : c.shape) shape += std::to_string(d) + ",";
    shape += ")";
    script << "a = formula('" << DTypeName(c.dtype) << "', " << shape << ")\n"
           << "np.save('" << theirs << "', a)\n"
           << "b = np.load('" << ours << "')\n"
           << "if b.dtype != a.dtype or b.shape != a.shape or not np.array_equal(a, b):\n"
           << "    print('numpy reads different values from " << ours << "'); bad = 1\n";
  }
  script << "sys.exit(bad)\n";
  const std::string script_path = dir.File("make.py");
  std::ofstream(script_path) << script.str();
  ASSERT_EQ(std::system((python + " " + script_path).c_str()), 0) << script.str();
  for (int i = 0; i < k; ++i) {
    EXPECT_EQ(Slurp(dir.File("ours" + std::to_string(i) + ".npy")),
              Slurp(dir.File("theirs" + std::to_string(i) + ".npy")))
        << "case " << i;
  }
}

// ---------------------------------------------------------------------------
// The real corpus.

}  // namespace
}  // namespace tinyforge
