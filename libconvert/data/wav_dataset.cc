#include "libconvert/data/wav_dataset.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <system_error>

#include "libconvert/base/error.h"
#include "libconvert/data/class_folders.h"

namespace tinyforge {
namespace {

namespace fs = std::filesystem;

bool IsWavName(const fs::path& p) { return HasExtension(p, {".wav"}); }

std::vector<int16_t> ReadClip(const std::string& path) {
  SF_INFO info{};
  const std::unique_ptr<SNDFILE, int (*)(SNDFILE*)> file(sf_open(path.c_str(), SFM_READ, &info), sf_close);
  if (!file) throw Error(path + ": cannot read the WAV file (libsndfile: " + sf_strerror(nullptr) + ")");
  const int major = info.format & SF_FORMAT_TYPEMASK, subtype = info.format & SF_FORMAT_SUBMASK;
  if (major != SF_FORMAT_WAV || subtype != SF_FORMAT_PCM_16 || info.channels != 1) {
    throw Error(path + ": not a 16-bit PCM mono WAV (" + std::to_string(info.channels) +
                " channel(s), format 0x" + [&] {
                  char buf[16];
                  std::snprintf(buf, sizeof buf, "%x", static_cast<unsigned>(info.format));
                  return std::string(buf);
                }() + "); convert it, e.g. sox in.wav -b 16 -c 1 out.wav");
  }
  std::vector<int16_t> samples(static_cast<size_t>(info.frames));
  if (sf_read_short(file.get(), samples.data(), info.frames) != info.frames) {
    throw Error(path + ": the WAV file ends before its " + std::to_string(info.frames) + " samples");
  }
  return samples;
}

}  // namespace

bool IsWavSource(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) ? FolderHolds(path, IsWavName) : IsWavName(path);
}

Samples LoadWav(const std::string& path, const std::vector<int32_t>& input_shape, ClipMode clip) {
  std::vector<fs::path> files;
  Samples s;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    files.push_back(path);
  } else {
    FolderFiles list = ListClassFolders(path, IsWavName, ".wav file");
    files = std::move(list.files);
    s.labels = std::move(list.labels);
    s.classes = std::move(list.classes);
  }
  std::vector<int64_t> shape(input_shape.begin() + (input_shape.size() > 1 && input_shape[0] == 1 ? 1 : 0),
                             input_shape.end());
  size_t length = 1;
  for (int64_t d : shape) length *= static_cast<size_t>(std::max<int64_t>(d, 0));
  shape.insert(shape.begin(), static_cast<int64_t>(files.size()));
  s.array = NpyArray::Zeros(DType::kInt16, shape);
  Span<int16_t> out = s.array.MutableView<int16_t>();
  for (size_t i = 0; i < files.size(); ++i) {
    const std::vector<int16_t> clip_samples = ReadClip(files[i].string());
    if (clip == ClipMode::kError && clip_samples.size() != length) {
      throw Error(files[i].string() + ": the clip has " + std::to_string(clip_samples.size()) +
                  " samples, the model input takes " + std::to_string(length) + "; pass --clip pad or --clip cut");
    }
    std::copy_n(clip_samples.begin(), std::min(length, clip_samples.size()), out.begin() + i * length);
  }
  return s;
}

}  // namespace tinyforge
