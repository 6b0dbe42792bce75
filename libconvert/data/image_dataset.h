// A directory of images as a dataset: every .png, .jpg, .jpeg, .bmp, .pgm and .ppm file
// directly in the directory (extension case-insensitive, other files and
// subdirectories ignored), in byte order of the file names; or, when the
// directory holds no image itself, one subfolder per class (DIR/<class>/*.png):
// the sorted subfolder names are the classes, label k for the k-th, and the
// samples run class by class, each in file name order. Decoded with stb
// and preprocessed into float32 [N, H, W, C], NHWC, C = 1 with `grayscale`
// else 3 (RGB; alpha is dropped, gray images are repeated into R, G and B).
//
// Per pixel value p in [0, 255] of channel c, computed in double and stored as
// float32:
//   x = (p * scale - mean[c]) / stddev[c]
// What common models expect:
//   [0, 1], MNIST-style `x / 255`         defaults (scale 1/255, mean 0, std 1)
//   [-1, 1], MobileNet/Inception-style    --scale 1/127.5 --mean 1
//     `x / 127.5 - 1`
//   raw [0, 255] (model rescales itself)  --scale 1
//   ImageNet statistics (torchvision)     --mean 0.485,0.456,0.406
//                                         --std 0.229,0.224,0.225
// Models that want BGR channel order or integer pixels are not covered.
//
// Resizing (when the size is given and differs from the decoded one) runs on
// the 8-bit pixels with stb_image_resize's default filters (Mitchell when
// shrinking, Catmull-Rom when enlarging), before the arithmetic above, as
// image pipelines that resize uint8 images do. Without a size every image
// must have the first image's size. (source.h gives the model input's H x W
// as the size when --image-size is not given.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "libconvert/data/data_options.h"
#include "libconvert/data/model_inputs.h"
#include "libconvert/data/npy.h"
#include "libconvert/data/samples.h"

namespace tinyforge {

struct ImagePreprocess {
  int height = 0;  // pixels after resizing; 0 with width 0: keep the decoded size
  int width = 0;
  double scale = 1.0 / 255.0;    // multiplies each 0..255 pixel value
  std::vector<double> mean{0.0};    // subtracted after scaling: one value, or one per channel
  std::vector<double> stddev{1.0};  // divides last: one value, or one per channel; never 0
  bool grayscale = false;        // decode to one channel (stb's luma of RGB)
};

// The preprocessing the CLI flags describe; throws Error (kBadInput) naming
// the flag on a bad value.
//   image_size: "HxW", "N" for NxN, or "" to keep the decoded size;
//   scale:      a number or a fraction "1/127.5"; "" for the default 1/255;
//   mean, std:  one value or one per channel (3, or 1 with grayscale); empty
//               keeps the default.
ImagePreprocess ParseImagePreprocess(const std::string& image_size, const std::string& scale,
                                     const std::vector<double>& mean, const std::vector<double>& std,
                                     bool grayscale);

// Loads the images of `dir` as described above. Throws Error (kBadInput)
// with one line naming the directory or the file: an unreadable directory,
// no image in it, an image stb cannot decode (with stb's reason), differing
// sizes without a target size, or bad preprocessing values.
NpyArray LoadImageDataset(const std::string& dir, const ImagePreprocess& p);

// As LoadImageDataset, with the labels and class names of class folders
// (both empty for a flat directory).
Samples LoadImageFolder(const std::string& dir, const ImagePreprocess& p);

// The height, width and channels of an image input: [1,H,W,C] or [H,W,C]
// in NHWC, [1,C,H,W] or [C,H,W] in NCHW; nullopt for another rank.
struct ImageDims {
  int64_t height, width, channels;
};
std::optional<ImageDims> ImageInputDims(const std::vector<int32_t>& shape, Layout layout);

// Throws Error (kBadInput) unless `images` from `dir` ([N,H,W,C], or
// [N,C,H,W] for nchw) fits model
// input k, an image input in `layout`, naming what the images gave, what the
// input expects, and the flags (--image-size, --grayscale, --layout) that
// would make them fit.
void CheckImagesFitInput(const Model& model, size_t k, const NpyArray& images, const std::string& dir,
                         Layout layout);

// [N,H,W,C] float32 images as [N,C,H,W], for channels-first inputs.
NpyArray ImagesToChannelsFirst(const NpyArray& nhwc);

}  // namespace tinyforge
