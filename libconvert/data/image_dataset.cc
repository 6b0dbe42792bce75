#include "libconvert/data/image_dataset.h"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <memory>
#include <system_error>

#include "libconvert/base/checked_math.h"
#include "libconvert/base/error.h"
#include "libconvert/base/memory_budget.h"
#include "libconvert/data/class_folders.h"
#include "libconvert/data/preprocess.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxImageSide = 1 << 15;  // pixels, for --image-size

bool ParseSide(const std::string& text, int* side) {
  if (text.empty() || text.size() > 6) return false;
  for (char ch : text) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  }
  *side = std::atoi(text.c_str());
  return *side > 0 && *side <= kMaxImageSide;
}

// Throws Error (kBadInput) naming the flag when `p` cannot be applied.
void CheckImagePreprocess(const ImagePreprocess& p) {
  if ((p.height == 0) != (p.width == 0) || p.height < 0 || p.width < 0 || p.height > kMaxImageSide ||
      p.width > kMaxImageSide) {
    throw Error("--image-size: " + std::to_string(p.height) + "x" + std::to_string(p.width) +
                " is not a size (each side 1 to " + std::to_string(kMaxImageSide) + ")");
  }
  if (!std::isfinite(p.scale) || p.scale == 0) {
    throw Error("--scale: " + JoinNumbers({p.scale}) + " would map every pixel to one value; give a finite, non-zero scale");
  }
  const size_t channels = p.grayscale ? 1 : 3;
  const std::string per_channel = "one value or one per channel (" + std::to_string(channels) +
                                  (p.grayscale ? ", with --grayscale)" : ", RGB)");
  if (p.mean.size() != 1 && p.mean.size() != channels) {
    throw Error("--mean: " + std::to_string(p.mean.size()) + " values (" + JoinNumbers(p.mean) + "); give " + per_channel);
  }
  if (p.stddev.size() != 1 && p.stddev.size() != channels) {
    throw Error("--std: " + std::to_string(p.stddev.size()) + " values (" + JoinNumbers(p.stddev) + "); give " + per_channel);
  }
  for (double m : p.mean) {
    if (!std::isfinite(m)) throw Error("--mean: " + JoinNumbers(p.mean) + " holds a value that is not finite");
  }
  for (double s : p.stddev) {
    if (!std::isfinite(s) || s == 0) {
      throw Error("--std: " + JoinNumbers(p.stddev) + " holds " + JoinNumbers({s}) + "; a standard deviation must be finite and non-zero");
    }
  }
}

// The file kinds stb decodes that image folders take.
bool IsImageName(const fs::path& name) {
  return HasExtension(name, {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm"});
}

std::string SizeText(int64_t height, int64_t width) { return std::to_string(height) + "x" + std::to_string(width); }

using StbPixels = std::unique_ptr<unsigned char, void (*)(void*)>;

[[noreturn]] void FailDecode(const std::string& path) {
  const char* reason = stbi_failure_reason();
  throw Error(path + ": cannot decode the image (stb: " + (reason ? reason : "no reason given") + ")");
}

// The header's size is only what the file claims: its pixels are reserved
// against the memory budget (`reservation`, held while they live) before
// stb allocates them, so a few bytes claiming 65535x65535 are refused, not
// decoded (found by fuzzing).
StbPixels Decode(const std::string& path, int channels, int* height, int* width, MemoryReservation& reservation) {
  int claimed_channels = 0;
  if (!stbi_info(path.c_str(), width, height, &claimed_channels)) FailDecode(path);
  reservation = MemoryReservation(int64_t{*width} * *height * channels,
                                  path + ": the decoded " + SizeText(*height, *width) + " image");
  int decoded_channels = 0;
  unsigned char* pixels = stbi_load(path.c_str(), width, height, &decoded_channels, channels);
  if (pixels == nullptr) FailDecode(path);
  return StbPixels(pixels, stbi_image_free);
}

}  // namespace

ImagePreprocess ParseImagePreprocess(const std::string& image_size, const std::string& scale,
                                     const std::vector<double>& mean, const std::vector<double>& std,
                                     bool grayscale) {
  ImagePreprocess p;
  p.grayscale = grayscale;
  if (!image_size.empty()) {
    const size_t x = image_size.find_first_of("xX");
    const bool ok = x == std::string::npos
                        ? ParseSide(image_size, &p.height) && ParseSide(image_size, &p.width)
                        : ParseSide(image_size.substr(0, x), &p.height) && ParseSide(image_size.substr(x + 1), &p.width);
    if (!ok) {
      throw Error("--image-size: '" + image_size + "' is not HxW or N (e.g. 28x28, or 96 for 96x96; each side 1 to " +
                  std::to_string(kMaxImageSide) + ")");
    }
  }
  p.scale = ParseScale(scale.empty() ? "1/255" : scale).value();
  if (!mean.empty()) p.mean = mean;
  if (!std.empty()) p.stddev = std;
  CheckImagePreprocess(p);
  return p;
}

NpyArray LoadImageDataset(const std::string& dir, const ImagePreprocess& p) { return LoadImageFolder(dir, p).array; }

Samples LoadImageFolder(const std::string& dir, const ImagePreprocess& p) {
  CheckImagePreprocess(p);
  FolderFiles list = ListClassFolders(dir, IsImageName, ".png, .jpg, .jpeg, .bmp or .pgm file");
  const std::vector<fs::path>& files = list.files;
  const int channels = p.grayscale ? 1 : 3;

  // Each 8-bit value of channel c maps to one float: a table per channel.
  std::vector<std::array<float, 256>> table(static_cast<size_t>(channels));
  for (size_t c = 0; c < table.size(); ++c) {
    const double mean = p.mean[p.mean.size() == 1 ? 0 : c];
    const double stddev = p.stddev[p.stddev.size() == 1 ? 0 : c];
    for (int v = 0; v < 256; ++v) table[c][static_cast<size_t>(v)] = static_cast<float>(PreprocessValue(v, Fraction{p.scale, 1}, mean, stddev));
  }

  NpyArray result;
  MemoryReservation result_memory;
  int height = p.height, width = p.width;
  std::string first;  // the file that set the size, when none was given
  std::vector<unsigned char> resized;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = files[i].string();
    int h = 0, w = 0;
    MemoryReservation decoded;
    const StbPixels pixels = Decode(path, channels, &h, &w, decoded);
    if (height == 0) {
      height = h;
      width = w;
      first = files[i].filename().string();
    }
    if (i == 0) {
      const std::vector<int64_t> shape = {static_cast<int64_t>(files.size()), height, width, channels};
      const std::optional<int64_t> count = CheckedProduct(shape);
      const std::optional<int64_t> bytes = count ? CheckedMul(*count, int64_t{sizeof(float)}) : std::nullopt;
      result_memory = MemoryReservation(bytes.value_or(std::numeric_limits<int64_t>::max()),
                                        dir + ": " + std::to_string(files.size()) + " images of " +
                                            SizeText(height, width) + " as float32");
      result = NpyArray::Zeros(DType::kFloat32, shape);
    }
    const unsigned char* src = pixels.get();
    if (h != height || w != width) {
      if (!first.empty()) {
        throw Error(path + ": the image is " + SizeText(h, w) + " (HxW) but " + first + " is " +
                    SizeText(height, width) + "; pass --image-size to resize every image to one size");
      }
      resized.resize(static_cast<size_t>(height) * static_cast<size_t>(width) * static_cast<size_t>(channels));
      if (!stbir_resize_uint8(src, w, h, 0, resized.data(), width, height, 0, channels)) {
        throw Error(path + ": stb could not resize the image from " + SizeText(h, w) + " to " + SizeText(height, width));
      }
      src = resized.data();
    }
    const size_t per_image = static_cast<size_t>(height) * static_cast<size_t>(width) * static_cast<size_t>(channels);
    float* dst = result.MutableView<float>().data() + i * per_image;
    for (size_t e = 0; e < per_image; ++e) dst[e] = table[e % static_cast<size_t>(channels)][src[e]];
  }
  return Samples{std::move(result), std::move(list.labels), std::move(list.classes)};
}


std::optional<ImageDims> ImageInputDims(const std::vector<int32_t>& shape, Layout layout) {
  // The image part of the input, without a batch dim of 1.
  const std::vector<int64_t> dims(shape.size() == 4 && shape[0] == 1 ? shape.begin() + 1 : shape.begin(), shape.end());
  if (dims.size() != 3) return std::nullopt;
  if (layout == Layout::kNchw) return ImageDims{dims[1], dims[2], dims[0]};
  return ImageDims{dims[0], dims[1], dims[2]};
}

void CheckImagesFitInput(const Model& model, size_t k, const NpyArray& images, const std::string& dir,
                         Layout layout) {
  const std::vector<int32_t>& shape = model.tensor(0, model.subgraph(0).inputs.at(k)).shape;
  const bool first = layout == Layout::kNchw;
  const int64_t channels = images.shape[first ? 1 : 3], height = images.shape[first ? 2 : 1],
                width = images.shape[first ? 3 : 2];
  const std::string got = dir + ": the images give " + DTypeName(images.dtype) + " " + ShapeToString(images.shape) +
                          " (" + std::to_string(images.shape[0]) + " images, " + SizeText(height, width) + ", " +
                          std::to_string(channels) + (channels == 1 ? " channel)" : " channels)") + ", but " +
                          DescribeModelInput(model, k);
  const std::optional<ImageDims> want = ImageInputDims(shape, layout);
  if (!want) throw Error(got + " is not an image input ([1,H,W,C] or [H,W,C]; [1,C,H,W] with --layout nchw)");
  std::string fixes;
  if (want->height != height || want->width != width) fixes += " --image-size " + SizeText(want->height, want->width);
  if (want->channels != channels) {
    if (want->channels == 1) {
      fixes += " --grayscale";
    } else if (want->channels == 3) {
      fixes += " without --grayscale";
    } else {
      const std::string other = layout == Layout::kNhwc ? "nchw" : "nhwc";
      throw Error(got + " expects " + std::to_string(want->channels) +
                  " channels; images give 1 (--grayscale) or 3 (RGB); a channels-" +
                  (layout == Layout::kNhwc ? "first" : "last") + " model needs --layout " + other);
    }
  }
  if (fixes.empty()) return;
  const std::string n = "[N,", c = std::to_string(want->channels);
  const std::string hw = std::to_string(want->height) + "," + std::to_string(want->width);
  const std::string expected = layout == Layout::kNhwc ? n + hw + "," + c + "]" : n + c + "," + hw + "]";
  throw Error(got + " expects " + expected + "; pass" + fixes);
}

NpyArray ImagesToChannelsFirst(const NpyArray& nhwc) {
  const size_t n = static_cast<size_t>(nhwc.shape.at(0)), h = static_cast<size_t>(nhwc.shape.at(1)),
               w = static_cast<size_t>(nhwc.shape.at(2)), c = static_cast<size_t>(nhwc.shape.at(3));
  NpyArray out = NpyArray::Zeros(DType::kFloat32, {nhwc.shape[0], nhwc.shape[3], nhwc.shape[1], nhwc.shape[2]});
  const Span<const float> src = nhwc.View<float>();
  Span<float> dst = out.MutableView<float>();
  for (size_t i = 0; i < n; ++i) {
    for (size_t y = 0; y < h; ++y) {
      for (size_t x = 0; x < w; ++x) {
        for (size_t ch = 0; ch < c; ++ch) dst[((i * c + ch) * h + y) * w + x] = src[((i * h + y) * w + x) * c + ch];
      }
    }
  }
  return out;
}

}  // namespace tinyforge
