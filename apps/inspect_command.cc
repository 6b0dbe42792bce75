// `tinyforge inspect`: what a model holds and costs, and whether TFLM can run
// it, as text for people or (--json) as a stable document for tools.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/board_options.h"
#include "apps/commands.h"
#include "libconvert/tflm/arena.h"
#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/tflm/board_fit.h"
#include "libconvert/summary/model_summary.h"

namespace tinyforge {
namespace {

struct InspectOptions {
  std::string model;  // .tflite path
  bool json = false;  // print the tinyforge.inspect/2 JSON document instead of text
  TflmTarget target = kDefaultTflmTarget;  // the build the arena figures are for
  BoardFlags board;   // --board/--ram/--flash: the fit check, when given
};

void RunInspect(const InspectOptions& options) {
  // Bad board flags are bad input: exit 2 before printing anything.
  if (options.board.Given()) MakeBoardBudget(options.board.board, options.board.ram, options.board.flash);
  const Model model = LoadModel(options.model);
  const ModelSummary summary = Summarize(model);
  // The arena TFLM needs: the question TFLM users ask most.
  const ArenaEstimate arena = EstimateTflmArena(model, options.target);
  if (options.json) {
    nlohmann::ordered_json json = ToJson(summary);
    json["tflm_arena"] = nlohmann::ordered_json::parse(JsonText(arena.ToJson(), -1));
    std::vector<std::string> failures;
    if (options.board.Given()) json["board_fit"] = CheckBoard(options.board, options.model, false, &failures);
    WriteStdout(JsonText(json, 2));
    if (!failures.empty()) ThrowIfDoesNotFit(failures);
  } else {
    WriteStdout(FormatSummary(summary) + "\n" + arena.ToText());
    std::vector<std::string> failures;
    if (options.board.Given()) {
      WriteStdout("\n");
      CheckBoard(options.board, options.model, true, &failures);
    }
    if (!failures.empty()) ThrowIfDoesNotFit(failures);
  }
}

}  // namespace

void SetupInspectCommand(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* inspect = app.add_subcommand(
      "inspect",
      "Show what a .tflite model holds before you deploy it: description and "
      "schema version; each subgraph's inputs and outputs (name, type, shape, "
      "scale and zero point); every operator in execution order with its "
      "version, input/weight/output shapes, key options (stride, padding, "
      "filter, axis, ...), fused activation and MACs; tensors by type with "
      "their constant bytes; total parameters, weight bytes and MACs; metadata "
      "and signature defs; what TensorFlow Lite Micro cannot run (operators "
      "without a kernel, operand types its kernels reject); and the tensor arena "
      "TFLM needs on --target. The model is verified as it is read.");
  inspect->footer(
      "MACs are multiply-accumulates of one inference from the static shapes, "
      "counted for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV, "
      "BATCH_MATMUL, UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF; other ops count 0.\n"
      "Parameters are elements of constant tensors (shared buffers once).\n"
      "The arena: `required` is the smallest 16-byte aligned arena with which "
      "AllocateTensors and Invoke succeed on the target (what a firmware must "
      "reserve); `used` is what TFLM's arena_used_bytes() reports afterwards, "
      "which leaves out the temporary memory AllocateTensors takes.\n"
      "\n" + BoardHelpText() + "\n"
      "Examples:\n"
      "  tinyforge inspect person_detect.tflite\n"
      "  tinyforge inspect person_detect.tflite --board nano33ble\n"
      "  tinyforge inspect model.tflite --ram 96K --flash 512K\n"
      "  tinyforge inspect model.tflite --json > model_summary.json\n"
      "  tinyforge inspect model.tflite --json | jq '.tflm_missing'");
  inspect->add_option("MODEL", options->model, "The .tflite file to describe")->required();
  inspect->add_flag("--json", options->json,
                    "Print a JSON document (schema \"tinyforge.inspect/2\", keys in a "
                    "fixed order) instead of text");
  AddTargetOption(*inspect, options->target, "The TFLM build the arena figures are for");
  AddBoardOptions(*inspect, options->board);
  inspect->callback([options]() { RunInspect(*options); });
}

}  // namespace tinyforge
