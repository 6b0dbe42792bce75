// How many instructions one TFLM inference takes on a Cortex-M4F with the
// reference kernels, from a per-operator cost model fitted to instruction
// counts measured on ../shared/tflm-m4 (QEMU -icount: exact counts):
//
//   instructions = invoke + sum over operators of
//                  per_work(kind) * work + per_element(kind) * elements + per_op(kind)
//
// kind is the operator and the type of its first input ("CONV_2D/int8"),
// "/broadcast" added for elementwise binary operators whose inputs differ in
// shape;
// work the MACs (op_macs.h; pooling: output elements x window); elements
// those of its non-constant inputs and of its outputs. A kind the fit saw no
// model of uses the generic coefficients, fitted to every kind at once.
//
// The coefficients (latency_data.inc) come from scripts/measure_m4_insns.sh
// (the measurements) and tests/tools/fit_m4_cost.cc (a weighted least-squares
// fit on relative error, each kind's coefficients pulled towards the generic
// ones). The same file holds the models the fit did not see, with their
// measured and estimated counts: the error those show is the error the
// estimate states.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libconvert/base/span.h"
#include "libconvert/model/model.h"

namespace tinyforge {

// What the cost model sees of one operator.
struct OpCostFeatures {
  std::string kind;      // "CONV_2D/int8", "MUL/float32/broadcast"
  double work = 0;       // MACs; pooling: output elements x filter window
  double elements = 0;   // elements of inputs (MAC operators: non-constant ones) + outputs
};

// Every operator of every subgraph, in order.
std::vector<OpCostFeatures> TflmOpCostFeatures(const Model& model);

struct CostCoefficients {
  double per_work = 0;
  double per_element = 0;
  double per_op = 0;
};

// The instructions of one operator with coefficients `c`.
inline double OpCostInstructions(const OpCostFeatures& f, const CostCoefficients& c) {
  return c.per_work * f.work + c.per_element * f.elements + c.per_op;
}

struct LatencyEstimate {
  int64_t instructions = 0;
  // Kinds the fit saw no model of (estimated with the generic coefficients).
  std::vector<std::string> unfitted_kinds;
};

// The estimate for `model` (Cortex-M4F, reference kernels, -O2).
LatencyEstimate EstimateM4Instructions(const Model& model);

// One measured model of the fit's data: its instructions on tflm-m4 and
// the cost model's estimate for it.
struct CostModelCheck {
  std::string_view model;  // the ../shared/models file name without .tflite
  int64_t measured = 0;
  int64_t estimate = 0;
  bool held_out = false;   // not among the models the coefficients were fitted to

  double ErrorPercent() const {
    return 100.0 * static_cast<double>(estimate - measured) / static_cast<double>(measured);
  }
};

// Every measured model, fitted and held out.
Span<const CostModelCheck> CostModelChecks();

// The largest |error| in percent over the held-out models, and their count.
double CostModelHeldOutMaxErrorPercent();
int CostModelHeldOutCount();

}  // namespace tinyforge
