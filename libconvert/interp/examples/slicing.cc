// Operators that pick parts of a tensor: GATHER (constant and run-time
// positions, batch_dims), GATHER_ND, SLICE (constant and run-time begin,
// int32 and int64), STRIDED_SLICE (masks, negative strides), SPLIT,
// SPLIT_V, PACK and UNPACK.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

void AddGathers(std::vector<OpExample>& out) {
  const Op gather = tflite::BuiltinOperator_GATHER, gather_nd = tflite::BuiltinOperator_GATHER_ND;
  for (const Type t : {kF32, kI8}) {
    const std::string tag = TypeTag(t);
    AddExample(out, "gather_" + tag + "_axis1", gather, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {4, 3, 5}, DataQuant(t));
      const int positions = b.Constant<int32_t>({2, 2}, {2, 0, 1, 2});
      const int y = b.Output(t, {4, 2, 2, 5}, DataQuant(t));
      tflite::GatherOptionsT o;
      o.axis = 1;
      b.Operator(gather, {x, positions}, {y}, o);
    });
    AddExample(
        out, "gather_" + tag + "_runtime_positions", gather, t,
        [t](ExampleBuilder& b) {
          const int x = b.Input(t, {4, 6}, DataQuant(t));
          const int positions = b.Input(kI32, {5});
          const int y = b.Output(t, {5, 6}, DataQuant(t));
          b.Operator(gather, {x, positions}, {y}, tflite::GatherOptionsT{});
        },
        {std::nullopt, InputRange{0, 3}});
    AddExample(out, "gather_" + tag + "_batch_dims1", gather, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {2, 4, 3}, DataQuant(t));
      const int positions = b.Constant<int32_t>({2, 3}, {3, 0, 0, 1, 2, 3});
      const int y = b.Output(t, {2, 3, 3}, DataQuant(t));
      tflite::GatherOptionsT o;
      o.axis = 1;
      o.batch_dims = 1;
      b.Operator(gather, {x, positions}, {y}, o);
    });
    AddExample(out, "gather_nd_" + tag, gather_nd, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {3, 4, 2}, DataQuant(t));
      const int indices = b.Constant<int32_t>({3, 2}, {2, 3, 0, 1, 1, 0});
      const int y = b.Output(t, {3, 2}, DataQuant(t));
      b.Operator(gather_nd, {x, indices}, {y});
    });
    AddExample(
        out, "gather_nd_" + tag + "_runtime_indices", gather_nd, t,
        [t](ExampleBuilder& b) {
          const int x = b.Input(t, {3, 3, 4}, DataQuant(t));
          const int indices = b.Input(kI32, {2, 2, 2});
          const int y = b.Output(t, {2, 2, 4}, DataQuant(t));
          b.Operator(gather_nd, {x, indices}, {y});
        },
        {std::nullopt, InputRange{0, 2}});
  }
}

void AddSlices(std::vector<OpExample>& out) {
  const Op slice = tflite::BuiltinOperator_SLICE, strided = tflite::BuiltinOperator_STRIDED_SLICE;
  for (const Type t : {kF32, kI8, kI16, kI32, kBool}) {
    const std::string tag = TypeTag(t);
    AddExample(out, "slice_" + tag, slice, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {3, 4, 5}, DataQuant(t));
      const int begin = b.Ints({1, 0, 2});
      const int size = b.Ints({2, 3, -1});
      const int y = b.Output(t, {2, 3, 3}, DataQuant(t));
      b.Operator(slice, {x, begin, size}, {y}, tflite::SliceOptionsT{});
    });
    AddExample(out, "strided_slice_" + tag + "_strides", strided, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {5, 6, 4}, DataQuant(t));
      const int begin = b.Ints({1, 0, 0});
      const int end = b.Ints({5, 6, 4});
      const int strides = b.Ints({2, 3, 1});
      const int y = b.Output(t, {2, 2, 4}, DataQuant(t));
      b.Operator(strided, {x, begin, end, strides}, {y}, tflite::StridedSliceOptionsT{});
    });
  }
  AddExample(out, "slice_float_int64_begin", slice, kF32, [](ExampleBuilder& b) {
    const int x = b.Input(kF32, {2, 5, 3, 4});
    const int begin = b.Constant<int64_t>({4}, {1, 1, 0, 2});
    const int size = b.Constant<int64_t>({4}, {1, 3, 3, 2});
    const int y = b.Output(kF32, {1, 3, 3, 2});
    b.Operator(slice, {x, begin, size}, {y}, tflite::SliceOptionsT{});
  });
  for (const Type t : {kF32, kI8}) {
    AddExample(
        out, "slice_" + TypeTag(t) + "_runtime_begin", slice, t,
        [t](ExampleBuilder& b) {
          const int x = b.Input(t, {4, 5, 6}, DataQuant(t));
          const int begin = b.Input(kI32, {3});
          const int size = b.Ints({3, 4, 5});
          const int y = b.Output(t, {3, 4, 5}, DataQuant(t));
          b.Operator(slice, {x, begin, size}, {y}, tflite::SliceOptionsT{});
        },
        {std::nullopt, InputRange{0, 1}});
    AddExample(out, "strided_slice_" + TypeTag(t) + "_masks_negative_stride", strided, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {4, 6, 5}, DataQuant(t));
      const int begin = b.Ints({0, -1, 1});
      const int end = b.Ints({3, 0, 4});
      const int strides = b.Ints({1, -2, 1});
      const int y = b.Output(t, {4, 3}, DataQuant(t));
      tflite::StridedSliceOptionsT o;
      o.begin_mask = 1;       // axis 0 from the start
      o.end_mask = 1 | 2;     // axis 0 to the end; axis 1 down to the front
      o.shrink_axis_mask = 4;  // axis 2: the one element at begin 1
      b.Operator(strided, {x, begin, end, strides}, {y}, o);
    });
  }
}

void AddSplitPack(std::vector<OpExample>& out) {
  for (const Type t : {kF32, kI8, kI16, kI32, kI64}) {
    const std::string tag = TypeTag(t);
    if (t != kI64) {
      AddExample(out, "split_" + tag, tflite::BuiltinOperator_SPLIT, t, [t](ExampleBuilder& b) {
        const int axis = b.Constant<int32_t>({}, {1});
        const int x = b.Input(t, {2, 6, 3}, DataQuant(t));
        std::vector<int> outputs;
        for (int i = 0; i < 3; ++i) outputs.push_back(b.Output(t, {2, 2, 3}, DataQuant(t)));
        tflite::SplitOptionsT o;
        o.num_splits = 3;
        b.Operator(tflite::BuiltinOperator_SPLIT, {axis, x}, outputs, o);
      });
      AddExample(out, "split_v_" + tag, tflite::BuiltinOperator_SPLIT_V, t, [t](ExampleBuilder& b) {
        const int x = b.Input(t, {2, 3, 7}, DataQuant(t));
        const int sizes = b.Ints({2, 4, 1});
        const int axis = b.Constant<int32_t>({}, {-1});
        std::vector<int> outputs;
        for (const int n : {2, 4, 1}) outputs.push_back(b.Output(t, {2, 3, n}, DataQuant(t)));
        tflite::SplitVOptionsT o;
        o.num_splits = 3;
        b.Operator(tflite::BuiltinOperator_SPLIT_V, {x, sizes, axis}, outputs, o);
      });
      AddExample(out, "unpack_" + tag, tflite::BuiltinOperator_UNPACK, t, [t](ExampleBuilder& b) {
        const int x = b.Input(t, {3, 2, 4}, DataQuant(t));
        const int y0 = b.Output(t, {3, 4}, DataQuant(t));
        const int y1 = b.Output(t, {3, 4}, DataQuant(t));
        tflite::UnpackOptionsT o;
        o.num = 2;
        o.axis = 1;
        b.Operator(tflite::BuiltinOperator_UNPACK, {x}, {y0, y1}, o);
      });
    }
    AddExample(out, "pack_" + tag, tflite::BuiltinOperator_PACK, t, [t](ExampleBuilder& b) {
      std::vector<int> inputs;
      for (int i = 0; i < 3; ++i) inputs.push_back(b.Input(t, {2, 5}, DataQuant(t)));
      const int y = b.Output(t, {2, 3, 5}, DataQuant(t));
      tflite::PackOptionsT o;
      o.values_count = 3;
      o.axis = 1;
      b.Operator(tflite::BuiltinOperator_PACK, inputs, {y}, o);
    });
  }
}

}  // namespace

void AddSlicingExamples(std::vector<OpExample>& out) {
  AddGathers(out);
  AddSlices(out);
  AddSplitPack(out);
}

}  // namespace tinyforge::interp::examples
