#include "libconvert/data/npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>

#include "libconvert/base/error.h"
#include "libconvert/base/file_util.h"
#include "tests/test_util.h"


namespace tinyforge {
namespace {

namespace fs = std::filesystem;

const std::string kSharedDir = testing::SharedDir();

std::vector<uint8_t> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A fresh empty directory per test (removed and recreated by test_util).
class TempDir {
 public:
  explicit TempDir(const std::string& tag) : path_(testing::TempDir("npy_" + tag)) {}
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A .npy file built by hand, independently of the code under test: the given
// dict text, padded with spaces and '\n' so the data starts at a multiple of
// `align`.
std::vector<uint8_t> HandMadeNpy(const std::string& dict, const std::vector<uint8_t>& data,
                                 int major = 1, size_t align = 64) {
  const size_t length_width = major == 1 ? 2 : 4;
  const size_t prefix = 8 + length_width;
  size_t total = prefix + dict.size() + 1;
  total = (total + align - 1) / align * align;
  const size_t header_length = total - prefix;
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  for (size_t i = 0; i < length_width; ++i) out.push_back((header_length >> (8 * i)) & 0xff);
  out.insert(out.end(), dict.begin(), dict.end());
  out.resize(total - 1, ' ');
  out.push_back('\n');
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// Runs ParseNpy and returns the Error's message; fails the test if it does
// not throw a tinyforge::Error.
std::string ParseError(const std::vector<uint8_t>& bytes, const std::string& name = "bad.npy") {
  try {
    ParseNpy(bytes.data(), bytes.size(), name);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no tinyforge::Error";
  return "";
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const std::string kF32x3Dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
const std::vector<uint8_t> kF32x3Data = {0, 0, 0x80, 0x3f,   // 1.0f
                                         0, 0, 0, 0xc0,      // -2.0f
                                         0, 0, 0xc0, 0x7f};  // NaN

// ---------------------------------------------------------------------------
// DType table, against numpy's names and descrs.

TEST(NpyDType, TableMatchesNumpy) {
  struct Row {
    DType dtype;
    size_t size;
    const char* name;
    const char* descr;
  };
  const Row rows[] = {
      {DType::kFloat32, 4, "float32", "<f4"}, {DType::kFloat64, 8, "float64", "<f8"},
      {DType::kInt8, 1, "int8", "|i1"},       {DType::kUInt8, 1, "uint8", "|u1"},
      {DType::kInt16, 2, "int16", "<i2"},     {DType::kUInt16, 2, "uint16", "<u2"},
      {DType::kInt32, 4, "int32", "<i4"},     {DType::kInt64, 8, "int64", "<i8"},
      {DType::kBool, 1, "bool", "|b1"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(DTypeSize(r.dtype), r.size) << r.name;
    EXPECT_STREQ(DTypeName(r.dtype), r.name);
    EXPECT_STREQ(DTypeDescr(r.dtype), r.descr);
  }
  EXPECT_TRUE(IsFloatDType(DType::kFloat32));
  EXPECT_TRUE(IsFloatDType(DType::kFloat64));
  EXPECT_FALSE(IsFloatDType(DType::kInt32));
  EXPECT_EQ(DTypeOf<float>::value, DType::kFloat32);
  EXPECT_EQ(DTypeOf<bool>::value, DType::kBool);
}

// ---------------------------------------------------------------------------
// Header bytes, against what numpy 1.24 wrote (header lengths observed with
// numpy.save; the dict text is numpy's repr).

void ExpectHeader(DType dtype, const std::vector<int64_t>& shape, const std::string& dict,
                  size_t total) {
  const std::vector<uint8_t> h = EncodeNpyHeader(dtype, shape);
  ASSERT_EQ(h.size(), total) << dict;
  const std::vector<uint8_t> prefix = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                       static_cast<uint8_t>((total - 10) & 0xff),
                                       static_cast<uint8_t>((total - 10) >> 8)};
  EXPECT_EQ(std::vector<uint8_t>(h.begin(), h.begin() + 10), prefix) << dict;
  EXPECT_EQ(std::string(h.begin() + 10, h.begin() + 10 + dict.size()), dict);
  for (size_t i = 10 + dict.size(); i + 1 < total; ++i) EXPECT_EQ(h[i], ' ') << dict << " @" << i;
  EXPECT_EQ(h.back(), '\n');
}

TEST(EncodeNpyHeader, MatchesNumpySave) {
  ExpectHeader(DType::kFloat32, {1, 10},
               "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 10), }", 128);
  ExpectHeader(DType::kFloat64, {}, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
               128);
  ExpectHeader(DType::kBool, {10}, "{'descr': '|b1', 'fortran_order': False, 'shape': (10,), }",
               128);
  ExpectHeader(DType::kUInt8, {12345678901, 0},
               "{'descr': '|u1', 'fortran_order': False, 'shape': (12345678901, 0), }", 128);
  // 16 dims: 128 bytes without numpy's 20 spaces of growth room, 192 with.
  std::string ones16 = "1";
  for (int i = 1; i < 16; ++i) ones16 += ", 1";
  ExpectHeader(DType::kInt8, std::vector<int64_t>(16, 1),
               "{'descr': '|i1', 'fortran_order': False, 'shape': (" + ones16 + "), }", 192);
}

TEST(EncodeNpyHeader, RejectsNegativeDim) {
  EXPECT_THROW(EncodeNpyHeader(DType::kFloat32, {2, -1}), Error);
}

// ---------------------------------------------------------------------------
// Parsing hand-made files.

TEST(ParseNpy, HandMadeFloat32) {
  const std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  const NpyArray a = ParseNpy(f.data(), f.size(), "x.npy");
  EXPECT_EQ(a.dtype, DType::kFloat32);
  EXPECT_EQ(a.shape, std::vector<int64_t>{3});
  const Span<const float> v = a.View<float>();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], -2.0f);
  EXPECT_TRUE(std::isnan(v[2]));
}

TEST(ParseNpy, AcceptsVersions2And3OldAlignmentAndSpacing) {
  for (int major : {1, 2, 3}) {
    for (size_t align : {16, 64}) {
      const std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data, major, align);
      const NpyArray a = ParseNpy(f.data(), f.size(), "v.npy");
      EXPECT_EQ(a.data, kF32x3Data) << major << " " << align;
    }
  }
  // Other key order, double quotes, no trailing comma, odd spacing.
  const std::vector<uint8_t> f = HandMadeNpy(
      "{ \"shape\" : ( 3 , ) ,'fortran_order':False,  'descr':\"<f4\"}", kF32x3Data);
  EXPECT_EQ(ParseNpy(f.data(), f.size(), "v.npy").shape, std::vector<int64_t>{3});
}

TEST(ParseNpy, ShapesAndOneByteOrders) {
  {
    const auto f = HandMadeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                               std::vector<uint8_t>(8, 0));
    const NpyArray a = ParseNpy(f.data(), f.size(), "s.npy");
    EXPECT_TRUE(a.shape.empty());
    EXPECT_EQ(a.NumElements(), 1u);
  }
  {
    const auto f = HandMadeNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (0, 5), }", {});
    const NpyArray a = ParseNpy(f.data(), f.size(), "z.npy");
    EXPECT_EQ(a.shape, (std::vector<int64_t>{0, 5}));
    EXPECT_EQ(a.NumElements(), 0u);
  }
  for (const char* descr : {"<u1", "|u1"}) {
    const auto f = HandMadeNpy(std::string("{'descr': '") + descr +
                                   "', 'fortran_order': False, 'shape': (2, 1), }",
                               {7, 250});
    const NpyArray a = ParseNpy(f.data(), f.size(), "u.npy");
    EXPECT_EQ(a.dtype, DType::kUInt8) << descr;
    EXPECT_EQ(a.View<uint8_t>()[1], 250);
  }
}

// ---------------------------------------------------------------------------
// Malformed input: always a tinyforge::Error naming the file.

TEST(ParseNpy, TruncatedAtEveryByteOfHandMadeFile) {
  const std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  for (size_t n = 0; n < f.size(); ++n) {
    // A copy of exactly n bytes, so ASan sees any read past the end.
    const std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
    SCOPED_TRACE(n);
    ParseError(cut, "cut.npy");
  }
  EXPECT_NO_THROW(ParseNpy(f.data(), f.size(), "whole.npy"));
  EXPECT_THROW(ParseNpy(nullptr, 0, "empty.npy"), Error);
}

TEST(ParseNpy, TruncatedAtEveryByteOfRealFile) {
  TF_REQUIRE_SHARED();
  const std::string path = kSharedDir + "/golden/person_detect/output_0.npy";
  const std::vector<uint8_t> f = Slurp(path);
  ASSERT_EQ(f.size(), 130u) << path;  // 128-byte header + int8 [1,2]
  for (size_t n = 0; n < f.size(); ++n) {
    const std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
    SCOPED_TRACE(n);
    ParseError(cut, "output_0.npy");
  }
  EXPECT_NO_THROW(ParseNpy(f.data(), f.size(), "output_0.npy"));
}

TEST(ParseNpy, BadMagicAndVersion) {
  std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[1] = 'X';
  EXPECT_TRUE(Contains(ParseError(f), "not a .npy file"));
  for (uint8_t major : {0, 4, 255}) {
    f = HandMadeNpy(kF32x3Dict, kF32x3Data);
    f[6] = major;
    EXPECT_TRUE(Contains(ParseError(f), "version")) << int(major);
  }
  f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[7] = 1;  // 1.1 does not exist
  EXPECT_TRUE(Contains(ParseError(f), "version 1.1"));
}

TEST(ParseNpy, FortranOrder) {
  const auto f =
      HandMadeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", kF32x3Data);
  const std::string msg = ParseError(f, "f.npy");
  EXPECT_TRUE(Contains(msg, "fortran-order arrays are not supported: save with np.ascontiguousarray"))
      << msg;
}

TEST(ParseNpy, ByteOrderAndUnsupportedDescrs) {
  const auto with_descr = [](const std::string& descr, size_t item) {
    return HandMadeNpy("{'descr': " + descr + ", 'fortran_order': False, 'shape': (3,), }",
                       std::vector<uint8_t>(3 * item, 0));
  };
  EXPECT_TRUE(Contains(ParseError(with_descr("'>f4'", 4)), "big-endian"));
  EXPECT_TRUE(Contains(ParseError(with_descr("'>i2'", 2)), "big-endian"));
  EXPECT_TRUE(Contains(ParseError(with_descr("'|f4'", 4)), "expected '<f4'"));
  EXPECT_TRUE(Contains(ParseError(with_descr("'=i4'", 4)), "byte order"));
  for (const char* d : {"'<f2'", "'<u4'", "'<c8'", "'|S4'", "'<U1'", "'|O'", "''", "'f4'"}) {
    EXPECT_TRUE(Contains(ParseError(with_descr(d, 4)), "unsupported descr")) << d;
  }
  EXPECT_TRUE(Contains(ParseError(with_descr("[('a', '<f4')]", 4)), "structured"));
  EXPECT_TRUE(Contains(ParseError(with_descr("3", 4)), "dtype string"));
}

TEST(ParseNpy, DataSizeMismatch) {
  std::vector<uint8_t> more = kF32x3Data;
  more.push_back(0);
  std::string msg = ParseError(HandMadeNpy(kF32x3Dict, more), "m.npy");
  EXPECT_TRUE(Contains(msg, "13 bytes")) << msg;
  EXPECT_TRUE(Contains(msg, "expected 12")) << msg;
  msg = ParseError(HandMadeNpy(kF32x3Dict, {1, 2, 3, 4}), "m.npy");
  EXPECT_TRUE(Contains(msg, "4 bytes")) << msg;
  EXPECT_TRUE(Contains(msg, "expected 12")) << msg;
}

TEST(ParseNpy, HeaderLengthOverrun) {
  std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[8] = 0xff;
  f[9] = 0xff;
  EXPECT_TRUE(Contains(ParseError(f), "runs past the end"));
  std::vector<uint8_t> v2 = HandMadeNpy(kF32x3Dict, kF32x3Data, 2);
  v2[11] = 0x80;  // header length ~2^31
  EXPECT_TRUE(Contains(ParseError(v2), "runs past the end"));
}

TEST(ParseNpy, StrictDict) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<f4', 'fortran_order': False, }", "no 'shape'"},
      {"{'descr': '<f4', 'shape': (3,), }", "no 'fortran_order'"},
      {"{'fortran_order': False, 'shape': (3,), }", "no 'descr'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "twice"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1, }", "unexpected key"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", "-3 is negative"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", "must be a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", "a tuple for 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3.0,), }", "',' or ')'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }", "plain decimal"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (+3,), }", "non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,,), }", "non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': false, 'shape': (3,), }", "True or False"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }", "True or False"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': (3,), }", "',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x", "only spaces"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }}", "only spaces"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), ", "end of the header"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (3,), }", "header"},
      {"{'de\\scr': '<f4', 'fortran_order': False, 'shape': (3,), }", "without escapes"},
      {"['descr', '<f4']", "'{'"},
      {"", "'{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
       "larger than 2^63-1"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
       "too large"},
  };
  for (const auto& [dict, expected] : cases) {
    const std::string msg = ParseError(HandMadeNpy(dict, kF32x3Data), "d.npy");
    EXPECT_TRUE(Contains(msg, expected)) << dict << "\n -> " << msg;
  }
  std::string many = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 65; ++i) many += "1, ";
  many += "), }";
  EXPECT_TRUE(Contains(ParseError(HandMadeNpy(many, {0, 0, 0, 0})), "more than 64 dims"));
  // A NUL inside the header.
  std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[12] = 0;
  ParseError(f);
}

TEST(ParseNpy, BoolBytesMustBe0Or1) {
  const std::string dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
  const std::vector<uint8_t> good = HandMadeNpy(dict, {0, 1, 1});
  const NpyArray a = ParseNpy(good.data(), good.size(), "b.npy");
  EXPECT_EQ(a.dtype, DType::kBool);
  EXPECT_TRUE(a.View<bool>()[2]);
  EXPECT_TRUE(Contains(ParseError(HandMadeNpy(dict, {0, 2, 1}), "b.npy"), "bool element 1"));
}

// Seeded random corruption of a valid file: parse or throw Error, never crash
// (run under ASan/UBSan to make this meaningful).
TEST(ParseNpy, RandomCorruptionNeverCrashes) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::vector<uint8_t> base = HandMadeNpy(kF32x3Dict, kF32x3Data);
  const std::string alphabet = "{}()[],:' \"0123456789-<>|fiub True False descr shape\n\x93";
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> f = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % f.size();
      switch (rng() % 4) {
        case 0: f[pos] = static_cast<uint8_t>(rng()); break;
        case 1: f[pos] = static_cast<uint8_t>(alphabet[rng() % alphabet.size()]); break;
        case 2: f.erase(f.begin() + static_cast<std::ptrdiff_t>(pos)); break;
        default: f.insert(f.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<uint8_t>(rng()));
      }
      if (f.empty()) f.push_back(0);
    }
    try {
      const NpyArray a = ParseNpy(f.data(), f.size(), "r.npy");
      EXPECT_EQ(a.data.size(), a.NumElements() * DTypeSize(a.dtype));
    } catch (const Error& e) {
      EXPECT_TRUE(Contains(e.what(), "r.npy")) << e.what();
    }
  }
}

TEST(ReadNpy, MissingFileNamesIt) {
  try {
    ReadNpy("/nonexistent/dir/missing.npy");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), "/nonexistent/dir/missing.npy")) << e.what();
  }
}

TEST(ReadNpy, ErrorsNameThePath) {
  TempDir dir("errors");
  const std::string path = dir.File("fortran.npy");
  const auto f =
      HandMadeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", kF32x3Data);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(f.data()),
                                              static_cast<std::streamsize>(f.size()));
  try {
    ReadNpy(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
  }
}

// ---------------------------------------------------------------------------
// Views and construction.

TEST(NpyArray, ZerosAndViews) {
  NpyArray a = NpyArray::Zeros(DType::kInt16, {2, 3});
  EXPECT_EQ(a.data.size(), 12u);
  EXPECT_EQ(a.NumElements(), 6u);
  a.MutableView<int16_t>()[5] = -7;
  EXPECT_EQ(a.data[10], 0xf9);  // -7 little-endian
  EXPECT_EQ(a.data[11], 0xff);
  EXPECT_EQ(a.View<int16_t>()[5], -7);
  EXPECT_THROW(a.View<uint16_t>(), Error);
  EXPECT_THROW(a.View<float>(), Error);
  a.data.pop_back();
  EXPECT_THROW(a.View<int16_t>(), Error);
  EXPECT_THROW(NpyArray::Zeros(DType::kFloat32, {-1}), Error);
  EXPECT_THROW(NpyArray::Zeros(DType::kFloat64, {int64_t{1} << 62, 4}), Error);
  EXPECT_EQ(ShapeToString({1000, 28, 28}), "[1000,28,28]");
  EXPECT_EQ(ShapeToString({}), "[]");
}

// ---------------------------------------------------------------------------
// Writing.

// Values from a formula both this test and the numpy script below use.
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
      case DType::kInt64: a.MutableView<int64_t>()[i] = v * 90000000000000000; break;
      case DType::kBool: a.MutableView<bool>()[i] = i % 3 == 1; break;
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
    {DType::kInt64, {2, 2}},           {DType::kBool, {2, 3}},
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
            "         'int64': v * 90000000000000000, 'bool': np.arange(n) % 3 == 1}[dt]\n"
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

TEST(NpyCorpus, EveryFileRereadsAndReencodesByteIdentical) {
  TF_REQUIRE_SHARED();
  size_t count = 0;
  for (const char* sub : {"data", "golden"}) {
    const fs::path root = fs::path(kSharedDir) / sub;
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".npy") continue;
      const std::string path = entry.path().string();
      SCOPED_TRACE(path);
      const NpyArray a = ReadNpy(path);
      // numpy.save wrote these: our encoding of the same array must match.
      std::vector<uint8_t> ours = EncodeNpyHeader(a.dtype, a.shape);
      ours.insert(ours.end(), a.data.begin(), a.data.end());
      EXPECT_TRUE(ours == Slurp(path));
      ++count;
    }
  }
  EXPECT_GE(count, 100u) << "expected the full corpus under " << kSharedDir;
}

TEST(NpyCorpus, MnistLabels) {
  TF_REQUIRE_SHARED();
  const NpyArray labels = ReadNpy(kSharedDir + "/data/mnist/calib_labels.npy");
  EXPECT_EQ(labels.dtype, DType::kUInt8);
  ASSERT_EQ(labels.shape, std::vector<int64_t>{1000});
  int counts[10] = {};
  for (uint8_t l : labels.View<uint8_t>()) {
    ASSERT_LT(l, 10);
    ++counts[l];
  }
  for (int c = 0; c < 10; ++c) EXPECT_GT(counts[c], 50) << "class " << c;
}

// README: calib_images_f32 = calib_images / 255.0 computed in float64, stored
// float32.
TEST(NpyCorpus, MnistFloatImagesAreUint8Over255) {
  TF_REQUIRE_SHARED();
  const NpyArray u8 = ReadNpy(kSharedDir + "/data/mnist/calib_images.npy");
  const NpyArray f32 = ReadNpy(kSharedDir + "/data/mnist/calib_images_f32.npy");
  EXPECT_EQ(u8.shape, (std::vector<int64_t>{1000, 28, 28}));
  EXPECT_EQ(f32.shape, (std::vector<int64_t>{1000, 28, 28, 1}));
  const Span<const uint8_t> pixels = u8.View<uint8_t>();
  const Span<const float> values = f32.View<float>();
  ASSERT_EQ(pixels.size(), values.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < pixels.size(); ++i) {
    if (values[i] != static_cast<float>(pixels[i] / 255.0)) ++mismatches;
  }
  EXPECT_EQ(mismatches, 0u);
}

// README: person.npy holds the BMP's pixels (top row first) and
// person_input_int8.npy the same bytes as the int8 model input.
TEST(NpyCorpus, PersonImageMatchesBmpAndInt8Input) {
  TF_REQUIRE_SHARED();
  const NpyArray image = ReadNpy(kSharedDir + "/data/person/person.npy");
  const NpyArray input = ReadNpy(kSharedDir + "/data/person/person_input_int8.npy");
  EXPECT_EQ(image.dtype, DType::kUInt8);
  EXPECT_EQ(image.shape, (std::vector<int64_t>{96, 96}));
  EXPECT_EQ(input.dtype, DType::kInt8);
  EXPECT_EQ(input.shape, (std::vector<int64_t>{1, 96, 96, 1}));
  EXPECT_EQ(image.data, input.data);

  const std::vector<uint8_t> bmp = Slurp(kSharedDir + "/data/person/person.bmp");
  ASSERT_GT(bmp.size(), 54u);
  const auto le32 = [&](size_t at) {
    return static_cast<int32_t>(bmp[at] | bmp[at + 1] << 8 | bmp[at + 2] << 16 |
                                static_cast<uint32_t>(bmp[at + 3]) << 24);
  };
  const size_t offset = static_cast<size_t>(le32(10));
  const int32_t height = le32(22);
  ASSERT_EQ(le32(18), 96);
  ASSERT_EQ(std::abs(height), 96);
  ASSERT_GE(bmp.size(), offset + 96 * 96);
  for (size_t r = 0; r < 96; ++r) {
    const size_t bmp_row = height > 0 ? 95 - r : r;  // positive height: bottom-up
    for (size_t c = 0; c < 96; ++c) {
      ASSERT_EQ(image.data[r * 96 + c], bmp[offset + bmp_row * 96 + c]) << r << "," << c;
    }
  }
}

TEST(NpyCorpus, GoldenPersonDetect) {
  TF_REQUIRE_SHARED();
  const NpyArray in = ReadNpy(kSharedDir + "/golden/person_detect/input_0.npy");
  EXPECT_EQ(in.dtype, DType::kInt8);
  EXPECT_EQ(in.shape, (std::vector<int64_t>{1, 96, 96, 1}));
  EXPECT_EQ(in.data.size(), 9216u);
  const NpyArray out = ReadNpy(kSharedDir + "/golden/person_detect/output_0.npy");
  EXPECT_EQ(out.dtype, DType::kInt8);
  EXPECT_EQ(out.shape, (std::vector<int64_t>{1, 2}));
  // The last two bytes of the file are the data.
  const std::vector<uint8_t> raw = Slurp(kSharedDir + "/golden/person_detect/output_0.npy");
  EXPECT_EQ(out.data, std::vector<uint8_t>(raw.end() - 2, raw.end()));
  const NpyArray eq = ReadNpy(kSharedDir + "/golden/single_equal/output_0.npy");
  EXPECT_EQ(eq.dtype, DType::kBool);
  EXPECT_EQ(eq.shape, (std::vector<int64_t>{2, 3}));
}

}  // namespace
}  // namespace tinyforge
