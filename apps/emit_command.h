// `tinyforge emit`: options and the function that runs them.
#pragma once

#include <string>

#include <vector>

#include "apps/commands.h"
#include "libconvert/tflm/target.h"

namespace tinyforge {

struct EmitOptions {
  std::string input;       // FILE
  std::string output;      // -o; "" or "-": standard output
  std::string header;      // --header
  std::string name;        // --name
  std::string name_space;  // --namespace
  std::string format;      // --format; "" picks by input
  int align = 16;          // --align
  std::string section;     // --section
  bool progmem = false;    // --progmem
  bool no_const = false;   // --no-const
  int line_width = 80;     // --line-width
  std::string resolver;    // --resolver
  bool reverse = false;    // --reverse
  bool force = false;      // --force: an output may be the input file
  TflmTarget target = kDefaultTflmTarget;  // --target: the build the arena size is for
  std::vector<std::string> test_data;  // --test-data: one sample source per model input
  std::vector<std::string> expected;   // --expected: one .npy per model output
  std::string test_data_out;           // --test-data-out; "": test_data.c next to -o
  size_t samples = 0;                  // --samples: only the first N; 0: all
  bool quantize_inputs = false;        // --quantize-inputs
  DataFlags data;                      // --scale, --mean, ... (apps/options.cc)
  int threads = 0;                     // --threads, for computing expected outputs
  std::string project;                 // --project DIR

  // Which of the options above were given on the command line (some do not
  // combine with --format xxd or --reverse).
  bool align_given = false;
  bool line_width_given = false;
  bool target_given = false;
};

// Throws tinyforge::Error on bad input or flags.
void RunEmit(const EmitOptions& options);

// --name and --namespace, with emit's help (`more` ends --name's default),
// for emit and for pipeline's emit step.
void AddArrayNameOptions(CLI::App& cmd, std::string& name, std::string& name_space, const std::string& more = ")");
// Throws tinyforge::Error naming the flag when either is not valid, so a
// pipeline fails before its first stage rather than at emit.
void CheckArrayNameOptions(const std::string& name, const std::string& name_space);

}  // namespace tinyforge
