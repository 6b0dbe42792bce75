// The tinyforge command line. Each subcommand lives in its own file; this
// only wires them and turns errors into exit codes:
//   0 success, 1 a check failed, 2 bad input or usage, 3 internal error.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "apps/commands.h"
#include "apps/did_you_mean.h"
#include "libconvert/base/error.h"

namespace {

// The top-level --help lists each subcommand with one line: the first
// sentence of its description (up to ". " or ": "); the rest is in the
// subcommand's own --help.
class OneLineSubcommands : public CLI::Formatter {
 public:
  std::string make_subcommand(const CLI::App* sub) const override {
    const std::string& text = sub->get_description();
    const size_t end = std::min(text.find(". "), text.find(": "));
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_name(), text.substr(0, end), get_column_width());
    return out.str();
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "tinyforge: carry a trained TensorFlow Lite model onto a microcontroller.\n"
      "Inspect, run, quantize, prune and emit .tflite models with one native tool."};
  app.name("tinyforge");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "tinyforge 0.1.0");
  app.formatter(std::make_shared<OneLineSubcommands>());

  tinyforge::SetupInspectCommand(app);
  tinyforge::SetupRewriteCommand(app);
  tinyforge::SetupRunCommand(app);
  tinyforge::SetupEmitCommand(app);
  tinyforge::SetupQuantizeCommand(app);
  tinyforge::SetupCompareCommand(app);
  tinyforge::SetupPipelineCommand(app);
  tinyforge::SetupPruneCommand(app);
  tinyforge::SetupBenchCommand(app);
  tinyforge::SetupOpsCommand(app);
  tinyforge::SetupDataCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, like every other bad-input error (CLI11's own printer adds a
    // second "Run with --help" line), with the name a typo probably meant.
    const bool typo = dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr || app.get_subcommands().empty();
    std::fprintf(stderr, "tinyforge: %s%s (see --help)\n", tinyforge::EscapeControl(e.what()).c_str(),
                 typo ? tinyforge::EscapeControl(tinyforge::DidYouMean(app)).c_str() : "");
    return static_cast<int>(tinyforge::ErrorCode::kBadInput);
  } catch (const tinyforge::Error& e) {
    std::fprintf(stderr, "tinyforge: %s\n", e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "tinyforge: out of memory\n");
    return static_cast<int>(tinyforge::ErrorCode::kInternal);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tinyforge: internal error: %s\n", tinyforge::EscapeControl(e.what()).c_str());
    return static_cast<int>(tinyforge::ErrorCode::kInternal);
  }
  return 0;
}
