#include "libconvert/tflm/board_fit.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "libconvert/base/error.h"
#include "libconvert/base/memory_budget.h"
#include "libconvert/base/text_format.h"
#include "libconvert/tflm/arena.h"
#include "libconvert/tflm/latency.h"
#include "libconvert/tflm/ops.h"

namespace tinyforge {
namespace {

int64_t SumFitItems(const std::vector<FitItem>& items) {
  int64_t total = 0;
  for (const FitItem& item : items) total += item.bytes;
  return total;
}

void SortFitItems(std::vector<FitItem>& items) {
  std::stable_sort(items.begin(), items.end(), [](const FitItem& a, const FitItem& b) { return a.bytes > b.bytes; });
}

std::string FitPercent(int64_t part, int64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

// "312,544 B of 1,048,576 B (29.8%): 736,032 B left" or "... 12,000 B over".
std::string BudgetLine(int64_t used, int64_t budget) {
  const int64_t margin = budget - used;
  return Thousands(used) + " B of " + Thousands(budget) + " B (" + FitPercent(used, budget) + "): " +
         (margin >= 0 ? Thousands(margin) + " B left" : Thousands(-margin) + " B over");
}

std::string LargestItems(const std::vector<FitItem>& items) {
  std::string text;
  for (size_t i = 0; i < items.size() && i < 3; ++i) {
    text += (i ? ", " : "") + items[i].what + " " + Thousands(items[i].bytes) + " B";
  }
  return text;
}

std::string FitDuration(double seconds) {
  char text[32];
  if (seconds >= 1) {
    std::snprintf(text, sizeof text, "%.2g s", seconds);
  } else if (seconds >= 1e-3) {
    std::snprintf(text, sizeof text, "%.2g ms", seconds * 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.2g us", seconds * 1e6);
  }
  return text;
}

}  // namespace

std::string BoardBudget::Title() const {
  if (!board) return "custom budget";
  return std::string(board->title) + " (" + std::string(board->chip) + ", " +
         std::string(BoardCoreName(board->core)) + " " + std::to_string(board->clock_hz / 1000000) + " MHz)";
}

BoardBudget MakeBoardBudget(const std::string& board, const std::string& ram, const std::string& flash) {
  BoardBudget budget;
  if (!board.empty()) {
    budget.board = FindBoard(board);
    budget.ram_bytes = budget.board->ram_bytes;
    budget.flash_bytes = budget.board->flash_bytes;
  }
  if (!ram.empty()) budget.ram_bytes = ParseMemorySize(ram, "--ram");
  if (!flash.empty()) budget.flash_bytes = ParseMemorySize(flash, "--flash");
  if (budget.ram_bytes == 0 || budget.flash_bytes == 0) {
    throw Error(std::string(budget.ram_bytes == 0 ? "--ram" : "--flash") +
                " is missing: give --board NAME, or both --ram and --flash");
  }
  return budget;
}

int64_t BoardFit::FlashBytes() const { return SumFitItems(flash_items); }
int64_t BoardFit::RamBytes() const { return SumFitItems(ram_items); }

std::optional<double> BoardFit::Seconds() const {
  if (!budget.board || budget.board->core != BoardCore::kCortexM4F) return std::nullopt;
  return static_cast<double>(m4_instructions) / static_cast<double>(budget.board->clock_hz);
}

BoardFit FitBoard(const Model& model, int64_t model_bytes, const BoardBudget& budget) {
  BoardFit fit;
  fit.budget = budget;
  fit.model_bytes = model_bytes;
  fit.code = EstimateTflmCodeSize(model);
  fit.arena_bytes = EstimateTflmArena(model, TflmTarget::kCortexM4).required_bytes;
  fit.flash_items.push_back({"model", model_bytes});
  fit.flash_items.push_back({"TFLM runtime core", fit.code.core_flash_bytes});
  for (const TflmKernelCodeSize& k : fit.code.kernels) {
    fit.flash_items.push_back({"TFLM kernel " + k.resolver_method, k.flash_bytes});
  }
  fit.ram_items.push_back({"tensor arena", fit.arena_bytes});
  fit.ram_items.push_back({"TFLM static data", fit.code.StaticRamBytes()});
  SortFitItems(fit.flash_items);
  SortFitItems(fit.ram_items);
  const LatencyEstimate latency = EstimateM4Instructions(model);
  fit.m4_instructions = latency.instructions;
  fit.unfitted_kinds = latency.unfitted_kinds;
  return fit;
}

std::string BoardFit::ToText() const {
  std::ostringstream out;
  out << "Will it fit: " << budget.Title() << ", " << Thousands(budget.ram_bytes) << " B RAM, "
      << Thousands(budget.flash_bytes) << " B flash\n";
  int unmeasured = 0;
  for (const TflmKernelCodeSize& k : code.kernels) unmeasured += k.measured ? 0 : 1;
  out << "  flash: " << BudgetLine(FlashBytes(), budget.flash_bytes) << "\n"
      << "    = model " << Thousands(model_bytes) << " B + TFLM runtime core " << Thousands(code.core_flash_bytes)
      << " B + TFLM kernels for the " << code.kernels.size() << " operators used "
      << Thousands(code.KernelFlashBytes()) << " B\n"
      << "    (TFLM code sizes measured from a Cortex-M4F -O2 build of tflite-micro "
      << kTflmCommit.substr(0, 8) << ", reference kernels, linked with --gc-sections"
      << (unmeasured ? "; " + std::to_string(unmeasured) + " kernel(s) unmeasured, counted as the largest" : "")
      << ")\n";
  out << "  RAM:   " << BudgetLine(RamBytes(), budget.ram_bytes) << "\n"
      << "    = tensor arena " << Thousands(arena_bytes)
      << " B (the exact arena TFLM needs on a 32-bit Cortex-M build) + TFLM static data "
      << Thousands(code.StaticRamBytes()) << " B (.data + .bss; stack and heap not counted)\n";
  out << "  " << (Fits() ? "fits" : "DOES NOT FIT") << "\n";
  char error[32];
  std::snprintf(error, sizeof error, "%.0f%%", CostModelHeldOutMaxErrorPercent());
  const std::string model_note = "instructions with TFLM's reference kernels, from a per-operator "
                                 "cost model fitted to instruction counts of TFLM on a Cortex-M4F; its error on the " +
                                 std::to_string(CostModelHeldOutCount()) + " models it was not fitted to: up to " +
                                 error;
  const std::string unfitted =
      unfitted_kinds.empty() ? ""
                             : "\n    (" + std::to_string(unfitted_kinds.size()) +
                                   " operator kind(s) the cost model has no measurement of, estimated generically: " +
                                   unfitted_kinds[0] + (unfitted_kinds.size() > 1 ? ", ..." : "") + ")";
  if (const std::optional<double> seconds = Seconds()) {
    out << "  latency: about " << FitDuration(*seconds) << " per inference at " << budget.board->clock_hz / 1000000
        << " MHz (" << SiUnits(m4_instructions) + " " << model_note
        << "; 1 instruction per cycle assumed: flash wait states and multi-cycle loads make it slower)" << unfitted
        << "\n";
  } else if (budget.board && budget.board->core == BoardCore::kCortexM0Plus) {
    out << "  latency: more than " << FitDuration(static_cast<double>(m4_instructions) / budget.board->clock_hz)
        << " per inference at " << budget.board->clock_hz / 1000000 << " MHz (a lower bound: a Cortex-M4F needs "
        << SiUnits(m4_instructions) + " " << model_note
        << "; a Cortex-M0+ has no FPU and no DSP instructions, so it needs more)" << unfitted << "\n";
  } else {
    out << "  latency: not estimated for " << (budget.board ? BoardCoreName(budget.board->core) : "an unknown core")
        << " (a Cortex-M4F needs about " << SiUnits(m4_instructions) + " " << model_note << ")" << unfitted << "\n";
  }
  return out.str();
}

nlohmann::ordered_json BoardFit::ToJson() const {
  nlohmann::ordered_json json;
  json["board"] = budget.board ? nlohmann::ordered_json(std::string(budget.board->name)) : nlohmann::ordered_json();
  json["ram_bytes"] = budget.ram_bytes;
  json["flash_bytes"] = budget.flash_bytes;
  json["fits"] = Fits();
  json["flash"] = {{"used", FlashBytes()},
                   {"margin", budget.flash_bytes - FlashBytes()},
                   {"model", model_bytes},
                   {"tflm_core", code.core_flash_bytes},
                   {"tflm_kernels", code.KernelFlashBytes()}};
  json["ram"] = {{"used", RamBytes()},
                 {"margin", budget.ram_bytes - RamBytes()},
                 {"arena", arena_bytes},
                 {"tflm_static", code.StaticRamBytes()}};
  nlohmann::ordered_json kernels = nlohmann::ordered_json::array();
  for (const TflmKernelCodeSize& k : code.kernels) {
    kernels.push_back({{"resolver_method", k.resolver_method}, {"flash", k.flash_bytes}, {"measured", k.measured}});
  }
  json["flash"]["kernels"] = kernels;
  json["m4_instructions"] = m4_instructions;
  const std::optional<double> seconds = Seconds();
  json["seconds"] = seconds ? nlohmann::ordered_json(*seconds) : nlohmann::ordered_json();
  json["latency_model_heldout_max_error_percent"] = CostModelHeldOutMaxErrorPercent();
  return json;
}

std::vector<std::string> BoardFit::FailureLines() const {
  std::vector<std::string> lines;
  const std::string where = budget.board ? std::string(budget.board->name) : "the budget";
  if (!RamFits()) {
    lines.push_back("does not fit " + where + ": RAM " + Thousands(RamBytes() - budget.ram_bytes) +
                    " B over; largest: " + LargestItems(ram_items));
  }
  if (!FlashFits()) {
    lines.push_back("does not fit " + where + ": flash " + Thousands(FlashBytes() - budget.flash_bytes) +
                    " B over; largest: " + LargestItems(flash_items));
  }
  return lines;
}

}  // namespace tinyforge
