// Calibration: ranges equal an independent min/max over the float model's
// activations, any thread count gives the same table, tables survive JSON,
// and bad data or tables are refused with a message naming the problem.
#include "quantize/calibrator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "libconvert/base/error.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/model/model_io.h"
#include "tests/test_util.h"

namespace tinyforge::quantize {
namespace {

using testing::ModelPath;
using testing::SharedDir;

struct Fixture {
  Model model = LoadModel(ModelPath("conv_fc_mnist"));
  NpyArray images = ReadNpy(SharedDir() + "/data/mnist/calib_images_f32.npy");
  ModelInputArrays arrays{{images}, {"calib_images_f32.npy"}};
  std::vector<DatasetView> Views(size_t n) {
    std::vector<DatasetView> v = ViewModelInputs(model, arrays);
    for (auto& view : v) view = view.Limit(n);
    return v;
  }
};

CalibrationTable CalibrateOn(Fixture& f, const std::string& method, int threads, size_t n = 200) {
  CalibrationOptions o = ParseCalibrationMethod(method);
  o.threads = threads;
  return Calibrate(f.model, f.Views(n), o);
}

void ExpectSameTable(const CalibrationTable& a, const CalibrationTable& b) {
  ASSERT_EQ(a.ranges.size(), b.ranges.size());
  for (const auto& [index, r] : a.ranges) {
    const TensorRange& s = b.ranges.at(index);
    EXPECT_EQ(r.min, s.min) << r.name;
    EXPECT_EQ(r.max, s.max) << r.name;
    EXPECT_EQ(r.observed_min, s.observed_min) << r.name;
    EXPECT_EQ(r.observed_max, s.observed_max) << r.name;
  }
}

TEST(Calibrator, MinMaxEqualsAnIndependentPass) {
  TF_REQUIRE_SHARED();
  Fixture f;
  const CalibrationTable table = CalibrateOn(f, "minmax", 2, 100);
  // Independent: run each sample by hand and take min/max of every float
  // activation the interpreter holds afterwards.
  interp::Interpreter interpreter(f.model);
  interpreter.Prepare();
  std::map<int, std::pair<float, float>> expected;
  for (size_t s = 0; s < 100; ++s) {
    std::memcpy(interpreter.input(0).data, f.images.data.data() + s * 784 * 4, 784 * 4);
    interpreter.Invoke();
    for (size_t i = 0; i < interpreter.num_tensors(); ++i) {
      const interp::RuntimeTensor& t = interpreter.tensor(static_cast<int>(i));
      if (t.constant || t.type != tflite::TensorType_FLOAT32) continue;
      auto& e = expected.try_emplace(static_cast<int>(i), std::numeric_limits<float>::infinity(),
                                     -std::numeric_limits<float>::infinity()).first->second;
      for (int64_t k = 0; k < t.count(); ++k) {
        e.first = std::min(e.first, t.Data<float>()[k]);
        e.second = std::max(e.second, t.Data<float>()[k]);
      }
    }
  }
  ASSERT_EQ(table.ranges.size(), expected.size());
  for (const auto& [index, e] : expected) {
    EXPECT_EQ(table.ranges.at(index).min, e.first);
    EXPECT_EQ(table.ranges.at(index).max, e.second);
  }
  EXPECT_EQ(table.samples, 100u);
}

TEST(Calibrator, SameTableForAnyThreadCount) {
  TF_REQUIRE_SHARED();
  Fixture f;
  for (const char* method : {"minmax", "percentile:99.9", "mse"}) {
    SCOPED_TRACE(method);
    const CalibrationTable one = CalibrateOn(f, method, 1);
    ExpectSameTable(one, CalibrateOn(f, method, 2));
    ExpectSameTable(one, CalibrateOn(f, method, 3));
  }
}

TEST(Calibrator, ClippedRangesStayInsideTheObservedRange) {
  TF_REQUIRE_SHARED();
  Fixture f;
  for (const char* method : {"percentile:99", "mse"}) {
    const CalibrationTable t = CalibrateOn(f, method, 2);
    EXPECT_EQ(t.method, std::string(method));
    size_t clipped = 0;
    for (const auto& [index, r] : t.ranges) {
      EXPECT_GE(r.min, r.observed_min) << r.name;
      EXPECT_LE(r.max, r.observed_max) << r.name;
      clipped += r.min > r.observed_min || r.max < r.observed_max ? 1 : 0;
    }
    // Real activations have long tails: a method that clips must clip some
    // tensor strictly inside what it observed, or it is min/max in disguise.
    EXPECT_GT(clipped, 0u) << method;
  }
}

TEST(Calibrator, JsonRoundTripAndWrongModel) {
  TF_REQUIRE_SHARED();
  Fixture f;
  const CalibrationTable table = CalibrateOn(f, "percentile:99.99", 2);
  const nlohmann::json json = nlohmann::json::parse(CalibrationToJson(table).dump());
  ExpectSameTable(table, CalibrationFromJson(json, f.model, "t.json"));
  EXPECT_EQ(CalibrationFromJson(json, f.model, "t.json").method, "percentile:99.99");

  const Model other = LoadModel(ModelPath("hello_world_float"));
  try {
    CalibrationFromJson(json, other, "t.json");
    FAIL() << "a table for another model was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t.json: ", 0), 0u) << e.what();
  }
  nlohmann::json bad = json;
  bad["tensors"][0]["min"] = 5.0;
  bad["tensors"][0]["max"] = 1.0;
  EXPECT_THROW(CalibrationFromJson(bad, f.model, "t.json"), Error);
  EXPECT_THROW(CalibrationFromJson(nlohmann::json::object(), f.model, "t.json"), Error);
}

TEST(Calibrator, NaNInDataNamesTheSample) {
  TF_REQUIRE_SHARED();
  Fixture f;
  f.arrays.arrays[0].MutableView<float>()[3 * 784 + 10] = std::nanf("");
  try {
    CalibrateOn(f, "minmax", 2);
    FAIL() << "NaN accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("calib_images_f32.npy"), std::string::npos) << m;
    EXPECT_NE(m.find("sample 3"), std::string::npos) << m;
  }
}

TEST(Calibrator, MethodParsing) {
  EXPECT_EQ(ParseCalibrationMethod("minmax").method, CalibrationMethod::kMinMax);
  EXPECT_EQ(ParseCalibrationMethod("mse").method, CalibrationMethod::kMse);
  EXPECT_DOUBLE_EQ(ParseCalibrationMethod("percentile").percentile, 99.99);
  EXPECT_DOUBLE_EQ(ParseCalibrationMethod("percentile:99.5").percentile, 99.5);
  for (const char* bad : {"", "max", "percentile:", "percentile:0", "percentile:101", "percentile:9x", "mse2"}) {
    EXPECT_THROW(ParseCalibrationMethod(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace tinyforge::quantize
