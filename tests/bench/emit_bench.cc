// emit's speed against `xxd -i`, both measured in this run on the same 4 MB
// file (or --bytes N), both writing a file in the same directory. Prints the
// best of --runs timings and the ratio. Not a test: run it by hand or in CI
// with --min-ratio 5 to turn the bar into an exit code.
//
//   emit_bench [--bytes N] [--runs N] [--min-ratio R]
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

#include "emit/emit_file.h"

namespace {

using Clock = std::chrono::steady_clock;

double BestMilliseconds(int runs, const std::function<void()>& work) {
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    work();
    const std::chrono::duration<double, std::milli> elapsed = Clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t bytes = 4 << 20;
  int runs = 7;
  double min_ratio = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--bytes") == 0) bytes = std::stoul(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::stoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--min-ratio") == 0) min_ratio = std::stod(argv[i + 1]);
  }
  if (std::system("command -v xxd >/dev/null 2>&1") != 0) {
    std::puts("emit_bench: xxd is not installed (Debian package xxd); nothing to compare");
    return 0;
  }

  std::string dir = (std::filesystem::temp_directory_path() / "tinyforge_bench_XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 3;
  const std::string input = dir + "/model.bin";
  {
    std::mt19937 rng(20240601);  // fixed seed: same file every run
    std::string data(bytes, '\0');
    for (char& c : data) c = static_cast<char>(rng() & 0xff);
    std::ofstream(input, std::ios::binary) << data;
  }

  const std::string xxd_out = dir + "/xxd.h";
  const std::string command = "xxd -i " + input + " > " + xxd_out;
  const double xxd_ms = BestMilliseconds(runs, [&] {
    if (std::system(command.c_str()) != 0) std::exit(3);
  });

  const auto emit = [&](tinyforge::emit::Format format, const std::string& out) {
    tinyforge::emit::EmitRequest request;
    request.input_path = input;
    request.array.format = format;
    request.output_path = out;
    tinyforge::emit::EmitFile(request);
  };
  const std::string ours_out = dir + "/ours.h";
  const double xxd_format_ms =
      BestMilliseconds(runs, [&] { emit(tinyforge::emit::Format::kXxd, ours_out); });
  const double tflm_ms =
      BestMilliseconds(runs, [&] { emit(tinyforge::emit::Format::kTflm, dir + "/tflm_data.cc"); });
  const std::string theirs = ReadAll(xxd_out);
  const std::string ours = ReadAll(ours_out);
  const bool same = ours == theirs;
  if (!same) {
    std::printf("xxd:  %zu bytes, starts %.60s\nours: %zu bytes, starts %.60s\n", theirs.size(),
                theirs.c_str(), ours.size(), ours.c_str());
  }
  std::filesystem::remove_all(dir);

  const double ratio = xxd_ms / xxd_format_ms;
  std::printf("input: %zu bytes, best of %d runs\n", bytes, runs);
  std::printf("xxd -i (process):             %8.2f ms\n", xxd_ms);
  std::printf("tinyforge emit --format xxd:  %8.2f ms  %.1fx faster than xxd -i%s\n",
              xxd_format_ms, ratio, same ? "" : "  OUTPUT DIFFERS");
  std::printf("tinyforge emit --format tflm: %8.2f ms  %.1fx faster (incl. sha256 pass, .h)\n",
              tflm_ms, xxd_ms / tflm_ms);
  if (!same) return 2;
  if (min_ratio > 0 && ratio < min_ratio) {
    std::printf("below the required %.1fx\n", min_ratio);
    return 1;
  }
  return 0;
}
