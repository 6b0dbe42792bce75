// The .npy reader: the dtype table, headers, strict parsing, corrupt files.
#include <cmath>
#include <limits>

#include "tests/data/npy_test_util.h"

namespace tinyforge {
namespace {

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
      {DType::kInt32, 4, "int32", "<i4"},     {DType::kUInt32, 4, "uint32", "<u4"},
      {DType::kInt64, 8, "int64", "<i8"},     {DType::kBool, 1, "bool", "|b1"},
      {DType::kFloat16, 2, "float16", "<f2"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(DTypeSize(r.dtype), r.size) << r.name;
    EXPECT_STREQ(DTypeName(r.dtype), r.name);
    EXPECT_STREQ(DTypeDescr(r.dtype), r.descr);
  }
  EXPECT_TRUE(IsFloatDType(DType::kFloat32));
  EXPECT_TRUE(IsFloatDType(DType::kFloat64));
  EXPECT_TRUE(IsFloatDType(DType::kFloat16));
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
    ParseNpyError(cut, "cut.npy");
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
    ParseNpyError(cut, "output_0.npy");
  }
  EXPECT_NO_THROW(ParseNpy(f.data(), f.size(), "output_0.npy"));
}

TEST(ParseNpy, BadMagicAndVersion) {
  std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[1] = 'X';
  EXPECT_TRUE(Contains(ParseNpyError(f), "not a .npy file"));
  for (uint8_t major : {0, 4, 255}) {
    f = HandMadeNpy(kF32x3Dict, kF32x3Data);
    f[6] = major;
    EXPECT_TRUE(Contains(ParseNpyError(f), "version")) << int(major);
  }
  f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[7] = 1;  // 1.1 does not exist
  EXPECT_TRUE(Contains(ParseNpyError(f), "version 1.1"));
}

TEST(ParseNpy, FortranOrder) {
  const auto f =
      HandMadeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", kF32x3Data);
  const std::string msg = ParseNpyError(f, "f.npy");
  EXPECT_TRUE(Contains(msg, "fortran-order arrays are not supported: save with np.ascontiguousarray"))
      << msg;
}

TEST(ParseNpy, ByteOrderAndUnsupportedDescrs) {
  const auto with_descr = [](const std::string& descr, size_t item) {
    return HandMadeNpy("{'descr': " + descr + ", 'fortran_order': False, 'shape': (3,), }",
                       std::vector<uint8_t>(3 * item, 0));
  };
  EXPECT_TRUE(Contains(ParseNpyError(with_descr("'>f4'", 4)), "big-endian"));
  EXPECT_TRUE(Contains(ParseNpyError(with_descr("'>i2'", 2)), "big-endian"));
  EXPECT_TRUE(Contains(ParseNpyError(with_descr("'|f4'", 4)), "expected '<f4'"));
  EXPECT_TRUE(Contains(ParseNpyError(with_descr("'=i4'", 4)), "byte order"));
  for (const char* d : {"'<u8'", "'<c8'", "'|S4'", "'<U1'", "'|O'", "''", "'f4'"}) {
    EXPECT_TRUE(Contains(ParseNpyError(with_descr(d, 4)), "unsupported descr")) << d;
  }
  EXPECT_TRUE(Contains(ParseNpyError(with_descr("[('a', '<f4')]", 4)), "structured"));
  EXPECT_TRUE(Contains(ParseNpyError(with_descr("3", 4)), "dtype string"));
}

TEST(ParseNpy, DataSizeMismatch) {
  std::vector<uint8_t> more = kF32x3Data;
  more.push_back(0);
  std::string msg = ParseNpyError(HandMadeNpy(kF32x3Dict, more), "m.npy");
  EXPECT_TRUE(Contains(msg, "13 bytes")) << msg;
  EXPECT_TRUE(Contains(msg, "expected 12")) << msg;
  msg = ParseNpyError(HandMadeNpy(kF32x3Dict, {1, 2, 3, 4}), "m.npy");
  EXPECT_TRUE(Contains(msg, "4 bytes")) << msg;
  EXPECT_TRUE(Contains(msg, "expected 12")) << msg;
}

TEST(ParseNpy, HeaderLengthOverrun) {
  std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[8] = 0xff;
  f[9] = 0xff;
  EXPECT_TRUE(Contains(ParseNpyError(f), "runs past the end"));
  std::vector<uint8_t> v2 = HandMadeNpy(kF32x3Dict, kF32x3Data, 2);
  v2[11] = 0x80;  // header length ~2^31
  EXPECT_TRUE(Contains(ParseNpyError(v2), "runs past the end"));
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
    const std::string msg = ParseNpyError(HandMadeNpy(dict, kF32x3Data), "d.npy");
    EXPECT_TRUE(Contains(msg, expected)) << dict << "\n -> " << msg;
  }
  std::string many = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 65; ++i) many += "1, ";
  many += "), }";
  EXPECT_TRUE(Contains(ParseNpyError(HandMadeNpy(many, {0, 0, 0, 0})), "more than 64 dims"));
  // A NUL inside the header.
  std::vector<uint8_t> f = HandMadeNpy(kF32x3Dict, kF32x3Data);
  f[12] = 0;
  ParseNpyError(f);
}

TEST(ParseNpy, BoolBytesMustBe0Or1) {
  const std::string dict = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
  const std::vector<uint8_t> good = HandMadeNpy(dict, {0, 1, 1});
  const NpyArray a = ParseNpy(good.data(), good.size(), "b.npy");
  EXPECT_EQ(a.dtype, DType::kBool);
  EXPECT_TRUE(a.View<bool>()[2]);
  EXPECT_TRUE(Contains(ParseNpyError(HandMadeNpy(dict, {0, 2, 1}), "b.npy"), "bool element 1"));
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

}  // namespace
}  // namespace tinyforge

namespace tinyforge {
namespace {

// Bit patterns and values from the IEEE 754 binary16 definition
// (value = (-1)^s * 2^(e-15) * 1.m, subnormals 2^-14 * 0.m).
TEST(HalfToFloat, KnownValues) {
  EXPECT_EQ(HalfToFloat(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(HalfToFloat(0x8000)));
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x3555), 1365.0f / 4096.0f);      // 0.333251953125
  EXPECT_EQ(HalfToFloat(0x7bff), 65504.0f);               // largest finite
  EXPECT_EQ(HalfToFloat(0x0400), 1.0f / 16384.0f);        // smallest normal, 2^-14
  EXPECT_EQ(HalfToFloat(0x0001), 1.0f / 16777216.0f);     // smallest subnormal, 2^-24
  EXPECT_EQ(HalfToFloat(0x83ff), -1023.0f / 16777216.0f); // largest subnormal, negative
  EXPECT_EQ(HalfToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(HalfToFloat(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
}

TEST(ParseNpy, Float16) {
  // The data bytes numpy.save writes for np.array([1, -2, 0.5], np.float16).
  const std::vector<uint8_t> f = HandMadeNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }",
                                             {0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38});
  const NpyArray a = ParseNpy(f.data(), f.size(), "h.npy");
  ASSERT_EQ(a.dtype, DType::kFloat16);
  const Span<const Float16> v = a.View<Float16>();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(HalfToFloat(v[0].bits), 1.0f);
  EXPECT_EQ(HalfToFloat(v[1].bits), -2.0f);
  EXPECT_EQ(HalfToFloat(v[2].bits), 0.5f);
}

}  // namespace
}  // namespace tinyforge
