// MEAN, SUM, REDUCE_MAX and REDUCE_MIN (the spatial mean of a 4-D tensor
// with keep_dims, the last axis without, several axes with a negative one)
// and ARG_MAX / ARG_MIN.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

struct ReduceSpec {
  const char* variant;
  Dims in;
  std::vector<int32_t> axes;
  bool keep_dims;
  Dims out;
};

void AddReduce(std::vector<OpExample>& out, Op op, Type t, const ReduceSpec& s) {
  AddExample(out, OpTag(op) + "_" + TypeTag(t) + "_" + s.variant, op, t, [op, t, s](ExampleBuilder& b) {
    // MEAN and SUM requantize; REDUCE_MAX and REDUCE_MIN keep the input's
    // parameters (TFLM requires it).
    const bool requantize = op == tflite::BuiltinOperator_MEAN || op == tflite::BuiltinOperator_SUM;
    const float reach = op == tflite::BuiltinOperator_SUM ? 6.0f : 1.2f;
    const int x = b.Input(t, s.in, ActQuant(t, -2, 2));
    const int axes = b.Ints(s.axes);
    const int y = b.Output(t, s.out, requantize ? ActQuant(t, -reach, reach * 0.8f) : ActQuant(t, -2, 2));
    tflite::ReducerOptionsT o;
    o.keep_dims = s.keep_dims;
    b.Operator(op, {x, axes}, {y}, o);
  });
}

}  // namespace

void AddReduceExamples(std::vector<OpExample>& out) {
  const ReduceSpec kSpecs[] = {
      {"spatial_keep_dims", {2, 4, 5, 3}, {1, 2}, true, {2, 1, 1, 3}},
      {"last_axis", {3, 4, 6}, {2}, false, {3, 4}},
      {"two_axes_negative", {2, 3, 4, 5}, {0, -2}, false, {3, 5}},
  };
  const Op kOps[] = {tflite::BuiltinOperator_MEAN, tflite::BuiltinOperator_SUM, tflite::BuiltinOperator_REDUCE_MAX,
                     tflite::BuiltinOperator_REDUCE_MIN};
  for (const Op op : kOps) {
    for (const Type t : {kF32, kI8, kI16}) {
      for (const ReduceSpec& s : kSpecs) AddReduce(out, op, t, s);
    }
  }
  struct ArgSpec {
    const char* variant;
    Dims in;
    int axis;
    Dims out;
  };
  const ArgSpec kArgSpecs[] = {{"last_axis", {2, 3, 10}, 2, {2, 3}}, {"axis1", {2, 7, 4}, 1, {2, 4}}};
  for (const Op op : {tflite::BuiltinOperator_ARG_MAX, tflite::BuiltinOperator_ARG_MIN}) {
    for (const Type t : {kF32, kI8}) {
      for (const ArgSpec& s : kArgSpecs) {
        AddExample(out, OpTag(op) + "_" + TypeTag(t) + "_" + s.variant, op, t, [op, t, s](ExampleBuilder& b) {
          const int x = b.Input(t, s.in, DataQuant(t));
          const int axis = b.Ints({s.axis});
          const int y = b.Output(kI32, s.out);
          if (op == tflite::BuiltinOperator_ARG_MAX) {
            tflite::ArgMaxOptionsT o;
            o.output_type = kI32;
            b.Operator(op, {x, axis}, {y}, o);
          } else {
            tflite::ArgMinOptionsT o;
            o.output_type = kI32;
            b.Operator(op, {x, axis}, {y}, o);
          }
        });
      }
    }
  }
}

}  // namespace tinyforge::interp::examples
