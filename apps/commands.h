// One function per subcommand: each adds itself (options, help text and the
// callback that runs it) to the CLI. apps/main.cc only wires them.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "libconvert/tflm/target.h"

namespace tinyforge {

// `tinyforge inspect`: what a model holds (apps/inspect_command.cc).
void SetupInspectCommand(CLI::App& app);
// `tinyforge rewrite`: lossless re-pack and clean-up passes (apps/rewrite_command.cc).
void SetupRewriteCommand(CLI::App& app);
// `tinyforge run`: run a model on .npy inputs (apps/run_command.cc).
void SetupRunCommand(CLI::App& app);
// `tinyforge emit`: a file as a C/C++ array (apps/emit_command.cc).
void SetupEmitCommand(CLI::App& app);
// `tinyforge quantize`: post-training int8 quantization (apps/quantize_command.cc).
void SetupQuantizeCommand(CLI::App& app);
// `tinyforge compare`: a candidate model against a reference (apps/compare_command.cc).
void SetupCompareCommand(CLI::App& app);
// `tinyforge pipeline`: prune, quantize, compare, emit (apps/pipeline_command.cc).
void SetupPipelineCommand(CLI::App& app);
// `tinyforge prune`: magnitude, block and channel pruning (apps/prune_command.cc).
void SetupPruneCommand(CLI::App& app);
// `tinyforge bench`: fast kernels against the reference (apps/bench_command.cc).
void SetupBenchCommand(CLI::App& app);
// `tinyforge ops`: what tinyforge does with every operator (apps/ops_command.cc).
void SetupOpsCommand(CLI::App& app);

// -j/--threads N on `cmd`: worker threads for dataset work (0: every
// core), the same flag and help on every command that has one
// (apps/options.cc).
CLI::Option* AddThreadsOption(CLI::App& cmd, int& threads);

// --max-memory SIZE on `cmd`: the memory budget (libconvert/base/
// memory_budget.h) for what a model's shapes claim; the same flag and help on
// every command that runs a model.
CLI::Option* AddMaxMemoryOption(CLI::App& cmd);

// --force on `cmd`: lets an output be an input file (no command overwrites
// a file it reads otherwise); the same flag and help on every command.
CLI::Option* AddForceOption(CLI::App& cmd, bool& force);

// Writes `text` to standard output and flushes it; an Error when that fails
// (a closed pipe, a full disk), so a command never reports success for
// output that was lost.
void WriteStdout(const std::string& text);

// --target host|cortex-m4 on `cmd`: the TFLM build the arena figure is for
// (default cortex-m4); `purpose` opens the help text.
CLI::Option* AddTargetOption(CLI::App& cmd, TflmTarget& target, const std::string& purpose);

}  // namespace tinyforge
