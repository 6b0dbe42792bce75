// Operators that move elements: PAD, PADV2, MIRROR_PAD (reflect and
// symmetric), TRANSPOSE, CONCATENATION, SPACE_TO_DEPTH, DEPTH_TO_SPACE,
// RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (align_corners and
// half_pixel_centers). Quantized inputs and outputs share their parameters,
// as TFLM's kernels require.
#include "libconvert/interp/examples/example_builder.h"
#include "libconvert/interp/examples/families.h"

namespace tinyforge::interp::examples {
namespace {

void AddPads(std::vector<OpExample>& out) {
  for (const Type t : {kF32, kI8, kI16, kI32}) {
    const std::string tag = TypeTag(t);
    AddExample(out, "pad_" + tag + "_4d", tflite::BuiltinOperator_PAD, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {1, 4, 3, 2}, DataQuant(t));
      const int pads = b.Constant<int32_t>({4, 2}, {0, 0, 1, 2, 2, 1, 0, 1});
      const int y = b.Output(t, {1, 7, 6, 3}, DataQuant(t));
      b.Operator(tflite::BuiltinOperator_PAD, {x, pads}, {y}, tflite::PadOptionsT{});
    });
    AddExample(out, "pad_" + tag + "_2d", tflite::BuiltinOperator_PAD, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {3, 5}, DataQuant(t));
      const int pads = b.Constant<int32_t>({2, 2}, {2, 0, 1, 3});
      const int y = b.Output(t, {5, 9}, DataQuant(t));
      b.Operator(tflite::BuiltinOperator_PAD, {x, pads}, {y}, tflite::PadOptionsT{});
    });
    AddExample(out, "padv2_" + tag, tflite::BuiltinOperator_PADV2, t, [t](ExampleBuilder& b) {
      const Quant q = DataQuant(t);
      const int x = b.Input(t, {2, 3, 4}, q);
      const int pads = b.Constant<int32_t>({3, 2}, {0, 1, 2, 0, 1, 1});
      const int value = t == kF32 ? b.Constant<float>({1}, {0.75f}, q)
                        : t == kI8 ? b.Constant<int8_t>({1}, {37}, q)
                        : t == kI16 ? b.Constant<int16_t>({1}, {-1234}, q)
                                    : b.Constant<int32_t>({1}, {-7}, q);
      const int y = b.Output(t, {3, 5, 6}, q);
      b.Operator(tflite::BuiltinOperator_PADV2, {x, pads, value}, {y}, tflite::PadV2OptionsT{});
    });
  }
  for (const Type t : {kF32, kI8}) {
    for (const auto mode : {tflite::MirrorPadMode_REFLECT, tflite::MirrorPadMode_SYMMETRIC}) {
      const std::string m = mode == tflite::MirrorPadMode_REFLECT ? "reflect" : "symmetric";
      AddExample(out, "mirror_pad_" + TypeTag(t) + "_" + m, tflite::BuiltinOperator_MIRROR_PAD, t, [t, mode](ExampleBuilder& b) {
        const int x = b.Input(t, {1, 4, 5, 3}, DataQuant(t));
        const int edge = mode == tflite::MirrorPadMode_REFLECT ? 3 : 4;
        const int pads = b.Constant<int32_t>({4, 2}, {0, 0, 2, edge, edge, 1, 0, 0});
        const int y = b.Output(t, {1, 6 + edge, 6 + edge, 3}, DataQuant(t));
        tflite::MirrorPadOptionsT o;
        o.mode = mode;
        b.Operator(tflite::BuiltinOperator_MIRROR_PAD, {x, pads}, {y}, o);
      });
    }
  }
}

void AddTransposeConcat(std::vector<OpExample>& out) {
  for (const Type t : kAnyType) {
    const std::string tag = TypeTag(t);
    AddExample(out, "transpose_" + tag + "_4d", tflite::BuiltinOperator_TRANSPOSE, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {2, 3, 4, 5}, DataQuant(t));
      const int perm = b.Ints({0, 3, 1, 2});
      const int y = b.Output(t, {2, 5, 3, 4}, DataQuant(t));
      b.Operator(tflite::BuiltinOperator_TRANSPOSE, {x, perm}, {y}, tflite::TransposeOptionsT{});
    });
    AddExample(out, "concatenation_" + tag + "_3_inputs", tflite::BuiltinOperator_CONCATENATION, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {2, 3, 2}, DataQuant(t));
      const int y = b.Input(t, {2, 3, 4}, DataQuant(t));
      const int z = b.Input(t, {2, 3, 1}, DataQuant(t));
      const int o = b.Output(t, {2, 3, 7}, DataQuant(t));
      tflite::ConcatenationOptionsT options;
      options.axis = -1;
      b.Operator(tflite::BuiltinOperator_CONCATENATION, {x, y, z}, {o}, options);
    });
  }
  AddExample(out, "transpose_float_3d", tflite::BuiltinOperator_TRANSPOSE, kF32, [](ExampleBuilder& b) {
    const int x = b.Input(kF32, {3, 4, 5});
    const int perm = b.Ints({2, 0, 1});
    const int y = b.Output(kF32, {5, 3, 4});
    b.Operator(tflite::BuiltinOperator_TRANSPOSE, {x, perm}, {y}, tflite::TransposeOptionsT{});
  });
  for (const Type t : {kF32, kI8, kI16}) {
    AddExample(out, "concatenation_" + TypeTag(t) + "_axis1_constant", tflite::BuiltinOperator_CONCATENATION, t,
               [t](ExampleBuilder& b) {
                 const Quant q = DataQuant(t);
                 const int x = b.Input(t, {1, 2, 3, 4}, q);
                 const int c = t == kF32 ? b.Random(kF32, {1, 3, 3, 4}, -1, 1)
                                         : b.Random(t, {1, 3, 3, 4}, t == kI8 ? -128 : -32768, t == kI8 ? 127 : 32767, q);
                 const int o = b.Output(t, {1, 5, 3, 4}, q);
                 tflite::ConcatenationOptionsT options;
                 options.axis = 1;
                 b.Operator(tflite::BuiltinOperator_CONCATENATION, {x, c}, {o}, options);
               });
  }
}

void AddSpaceDepthResize(std::vector<OpExample>& out) {
  for (const Type t : {kF32, kI8}) {
    const std::string tag = TypeTag(t);
    AddExample(out, "space_to_depth_" + tag, tflite::BuiltinOperator_SPACE_TO_DEPTH, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {2, 4, 6, 3}, DataQuant(t));
      const int y = b.Output(t, {2, 2, 3, 12}, DataQuant(t));
      tflite::SpaceToDepthOptionsT o;
      o.block_size = 2;
      b.Operator(tflite::BuiltinOperator_SPACE_TO_DEPTH, {x}, {y}, o);
    });
    AddExample(out, "depth_to_space_" + tag, tflite::BuiltinOperator_DEPTH_TO_SPACE, t, [t](ExampleBuilder& b) {
      const int x = b.Input(t, {1, 2, 3, 18}, DataQuant(t));
      const int y = b.Output(t, {1, 6, 9, 2}, DataQuant(t));
      tflite::DepthToSpaceOptionsT o;
      o.block_size = 3;
      b.Operator(tflite::BuiltinOperator_DEPTH_TO_SPACE, {x}, {y}, o);
    });
  }
  struct Resize {
    const char* variant;
    Dims in;
    int h, w;
    bool align_corners, half_pixel;
  };
  const Resize kResizes[] = {{"upscale", {1, 3, 4, 2}, 6, 8, false, false},
                             {"align_corners", {2, 4, 3, 3}, 7, 5, true, false},
                             {"half_pixel_centers_downscale", {1, 8, 6, 2}, 3, 4, false, true}};
  for (const Type t : {kF32, kI8, kI16}) {
    for (const Resize& r : kResizes) {
      AddExample(out, "resize_nearest_neighbor_" + TypeTag(t) + "_" + r.variant,
                 tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, t, [t, r](ExampleBuilder& b) {
                   const int x = b.Input(t, r.in, DataQuant(t));
                   const int size = b.Ints({r.h, r.w});
                   const int y = b.Output(t, {r.in[0], r.h, r.w, r.in[3]}, DataQuant(t));
                   tflite::ResizeNearestNeighborOptionsT o;
                   o.align_corners = r.align_corners;
                   o.half_pixel_centers = r.half_pixel;
                   b.Operator(tflite::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, {x, size}, {y}, o);
                 });
      if (t == kI16) continue;
      AddExample(out, "resize_bilinear_" + TypeTag(t) + "_" + r.variant, tflite::BuiltinOperator_RESIZE_BILINEAR, t,
                 [t, r](ExampleBuilder& b) {
                   const int x = b.Input(t, r.in, DataQuant(t));
                   const int size = b.Ints({r.h, r.w});
                   const int y = b.Output(t, {r.in[0], r.h, r.w, r.in[3]}, DataQuant(t));
                   tflite::ResizeBilinearOptionsT o;
                   o.align_corners = r.align_corners;
                   o.half_pixel_centers = r.half_pixel;
                   b.Operator(tflite::BuiltinOperator_RESIZE_BILINEAR, {x, size}, {y}, o);
                 });
    }
  }
}

}  // namespace

void AddShuffleExamples(std::vector<OpExample>& out) {
  AddPads(out);
  AddTransposeConcat(out);
  AddSpaceDepthResize(out);
}

}  // namespace tinyforge::interp::examples
