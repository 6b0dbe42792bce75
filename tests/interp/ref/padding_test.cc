#include "libconvert/interp/ref/padding.h"

#include <gtest/gtest.h>

#include "libconvert/base/error.h"

namespace tinyforge::ref {
namespace {

TEST(PaddingComputeOutSize, SameIsCeilOfImageOverStride) {
  EXPECT_EQ(ComputeOutSize(Padding::kSame, 224, 3, 2), 112);
  EXPECT_EQ(ComputeOutSize(Padding::kSame, 225, 3, 2), 113);
  EXPECT_EQ(ComputeOutSize(Padding::kSame, 7, 5, 1, 3), 7);  // dilation does not matter
  EXPECT_EQ(ComputeOutSize(Padding::kSame, 1, 3, 3), 1);
}

TEST(PaddingComputeOutSize, ValidCountsWholeDilatedWindows) {
  EXPECT_EQ(ComputeOutSize(Padding::kValid, 224, 3, 2), 111);  // (224 - 3) / 2 + 1
  EXPECT_EQ(ComputeOutSize(Padding::kValid, 10, 3, 1, 2), 6);  // dilated extent 5
  EXPECT_EQ(ComputeOutSize(Padding::kValid, 10, 3, 2, 2), 3);  // (10 - 5) / 2 + 1
  EXPECT_EQ(ComputeOutSize(Padding::kValid, 3, 3, 1), 1);
}

TEST(PaddingComputeOutSize, ValidWithFilterLargerThanImage) {
  // (2 + 2 - 3) / 2 truncates to 0: an empty output, not an error (as TFLM).
  EXPECT_EQ(ComputeOutSize(Padding::kValid, 2, 3, 2), 0);
  // (1 + 1 - 3) / 1 is negative: an error.
  EXPECT_THROW(ComputeOutSize(Padding::kValid, 1, 3, 1), Error);
}

TEST(PaddingComputeOutSize, RejectsBadArguments) {
  EXPECT_THROW(ComputeOutSize(Padding::kSame, 5, 3, 0), Error);
  EXPECT_THROW(ComputeOutSize(Padding::kSame, 5, 0, 1), Error);
  EXPECT_THROW(ComputeOutSize(Padding::kSame, 5, 3, 1, 0), Error);
  EXPECT_THROW(ComputeOutSize(Padding::kSame, -1, 3, 1), Error);
  EXPECT_THROW(ComputeOutSize(static_cast<Padding>(7), 5, 3, 1), Error);
}

TEST(PaddingComputePaddingWithOffset, SplitsOddTotalsWithExtraAfter) {
  int32_t offset = -1;
  // in 5, k 3, s 2: out 3, total (3-1)*2 + 3 - 5 = 2.
  EXPECT_EQ(ComputePaddingWithOffset(2, 1, 5, 3, 3, &offset), 1);
  EXPECT_EQ(offset, 0);
  // in 6, k 3, s 2: out 3, total 4 + 3 - 6 = 1.
  EXPECT_EQ(ComputePaddingWithOffset(2, 1, 6, 3, 3, &offset), 0);
  EXPECT_EQ(offset, 1);
  // in 4, k 2, dilation 3 (extent 4), s 1: out 4, total 3 + 4 - 4 = 3.
  EXPECT_EQ(ComputePaddingWithOffset(1, 3, 4, 2, 4, &offset), 1);
  EXPECT_EQ(offset, 1);
  // VALID output sizes never need padding.
  EXPECT_EQ(ComputePaddingWithOffset(2, 1, 224, 3, 111, &offset), 0);
  EXPECT_EQ(offset, 0);
}

TEST(PaddingComputePaddingHeightWidth, BothAxesIndependently) {
  const WindowGeometry g = ComputePaddingHeightWidth(/*stride*/ 2, 1, /*dilation*/ 1, 2,
                                                     /*in*/ 9, 9, /*filter*/ 4, 3, Padding::kSame);
  EXPECT_EQ(g.out_height, 5);
  EXPECT_EQ(g.out_width, 9);
  // height: (5-1)*2 + 4 - 9 = 3 -> 1 before, 1 extra after.
  EXPECT_EQ(g.padding.height, 1);
  EXPECT_EQ(g.padding.height_offset, 1);
  // width: extent (3-1)*2+1 = 5; (9-1)*1 + 5 - 9 = 4 -> 2 before.
  EXPECT_EQ(g.padding.width, 2);
  EXPECT_EQ(g.padding.width_offset, 0);

  const WindowGeometry v =
      ComputePaddingHeightWidth(1, 3, 2, 1, 10, 11, 3, 2, Padding::kValid);
  EXPECT_EQ(v.out_height, 6);
  EXPECT_EQ(v.out_width, 4);  // (11 + 3 - 2) / 3
  EXPECT_EQ(v.padding.height, 0);
  EXPECT_EQ(v.padding.width, 0);
}

TEST(PaddingComputePaddingHeightWidth, ThrowsOnBadAxis) {
  EXPECT_THROW(ComputePaddingHeightWidth(1, 1, 1, 1, 2, 8, 5, 3, Padding::kValid), Error);
  EXPECT_THROW(ComputePaddingHeightWidth(1, -1, 1, 1, 8, 8, 3, 3, Padding::kSame), Error);
}

}  // namespace
}  // namespace tinyforge::ref
