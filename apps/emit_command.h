// `tinyforge emit`: options and the function that runs them.
#pragma once

#include <string>

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

  // Which of the options above were given on the command line (some do not
  // combine with --format xxd or --reverse).
  bool align_given = false;
  bool line_width_given = false;
  bool target_given = false;
};

// Throws tinyforge::Error on bad input or flags.
void RunEmit(const EmitOptions& options);

}  // namespace tinyforge
