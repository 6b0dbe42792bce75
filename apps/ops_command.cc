// `tinyforge ops`: every operator tinyforge knows and what it does with it,
// the answer to "will my model run" before there is a model.
#include <memory>
#include <string>

#include "apps/commands.h"
#include "apps/op_matrix.h"
#include "libconvert/base/error.h"

namespace tinyforge {
namespace {

struct OpsOptions {
  bool json = false;
  bool markdown = false;
};

void RunOps(const OpsOptions& options) {
  if (options.json && options.markdown) throw Error("--json and --markdown are exclusive: pick one");
  const std::vector<OpMatrixRow> rows = BuildOpMatrix();
  std::string text;
  if (options.json) {
    text = JsonText(OpMatrixJson(rows), 2);
  } else if (options.markdown) {
    text = OpMatrixMarkdown(rows);
  } else {
    text = OpMatrixText(rows);
  }
  WriteStdout(text);
}

}  // namespace

void SetupOpsCommand(CLI::App& app) {
  auto options = std::make_shared<OpsOptions>();
  CLI::App* ops = app.add_subcommand(
      "ops",
      "List every TFLite operator tinyforge knows: the element types its reference kernels run, "
      "its fast kernels and the CPU they need, the TFLM resolver call (or that TFLM has no "
      "kernel), how `quantize` treats it, whether TFLM's arena use is modelled, how MACs are "
      "counted, and the one-operator models that test it end to end.");
  ops->footer(
      "Types are those of the operator's data input (the kernel table's key).\n"
      "Examples:\n"
      "  tinyforge ops\n"
      "  tinyforge ops --json | jq '.operators[] | select(.tflm_method == null) | .op'\n"
      "  tinyforge ops --markdown > operators.md");
  ops->add_flag("--json", options->json, "Print a JSON document (schema \"tinyforge.ops/1\")");
  ops->add_flag("--markdown", options->markdown, "Print the Markdown table docs/operators.md holds");
  ops->callback([options]() { RunOps(*options); });
}

}  // namespace tinyforge
