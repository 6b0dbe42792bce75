// WAV clips as samples, for raw-waveform audio models: 16-bit PCM mono
// files (read with libsndfile), one clip per file; a directory holds .wav
// files (unlabelled, sorted by name) or one subfolder per class as image
// folders do. Each clip is made the model input's length (its element count
// without a batch dim of 1) by ClipMode: pad with zeros, cut, or refuse.
// Samples stay int16 here; the source layer scales them (default 1/32768,
// so [-1, 1)). Feature front-ends (MFCC, micro_speech's spectrogram) are not
// applied: models that take features need them computed first.
#pragma once

#include <string>
#include <vector>

#include "libconvert/data/data_options.h"
#include "libconvert/data/samples.h"

namespace tinyforge {

// True when `path` is a .wav file or a directory whose files (or class
// subfolders' files) are .wav.
bool IsWavSource(const std::string& path);

// int16 [N, sample dims...] with the sample dims `input_shape` without a
// leading batch dim of 1. Throws Error (kBadInput) naming the file: not a
// 16-bit PCM mono WAV, unreadable, or (ClipMode::kError) of another length.
Samples LoadWav(const std::string& path, const std::vector<int32_t>& input_shape, ClipMode clip);

}  // namespace tinyforge
