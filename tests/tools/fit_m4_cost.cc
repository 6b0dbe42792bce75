// Fits the Cortex-M4 cost model of libconvert/tflm/latency.h to instruction
// counts measured on ../shared/tflm-m4, and writes libconvert/tflm/
// latency_data.inc: the coefficients, then every measured model with its
// estimate, marked fitted (F) or held out (H).
//
//   scripts/measure_m4_insns.sh > m4_insns.tsv
//   fit_m4_cost m4_insns.tsv MODELS_DIR[:DIR...] HELD_OUT[,HELD_OUT...] > libconvert/tflm/latency_data.inc
//   fit_m4_cost m4_insns.tsv MODELS_DIR -     (lists each model's operator kinds)
//   fit_m4_cost --write-synthetic DIR         (models for measure_m4_insns.sh)
// The model directories are searched for NAME.tflite for every measured NAME.
//
// The held-out models never enter the fit (nor the choice of the ridge
// strength), so their error is an honest estimate of the error on a new
// model. The fit: unknowns are the per-Invoke instructions d, one per_op
// shared by every kind, generic coefficients g = (per_work, per_element) and
// for each kind k seen in the fitted models a deviation dk (kind k uses
// g + dk). It minimises
//   sum over models ((estimate - measured) / measured)^2
//     + lambda * sum over kinds, coefficients (dk_j * scale_j)^2
// (relative error: counts span 500 to 5e8 instructions; scale_j the RMS of
// column j, so lambda is unit-free). lambda is chosen among a few values by
// leave-one-out error over the fitted models. Kinds seen once are still
// identified through the pull towards g.
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "libconvert/data/model_inputs.h"
#include "libconvert/data/npy.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/synthetic_models.h"
#include "libconvert/tflm/latency.h"

namespace {

struct FitSample {
  std::string name;
  double measured = 0;
  std::vector<tinyforge::OpCostFeatures> ops;
};

struct FitSolution {
  double invoke = 0;
  tinyforge::CostCoefficients generic;
  std::map<std::string, tinyforge::CostCoefficients> kinds;  // g + dk

  double Estimate(const FitSample& s) const {
    double total = invoke;
    for (const auto& f : s.ops) {
      const auto it = kinds.find(f.kind);
      total += std::max(0.0, tinyforge::OpCostInstructions(f, it == kinds.end() ? generic : it->second));
    }
    return total;
  }
};

// Solves A x = b (A symmetric positive definite after the ridge) by Gaussian
// elimination with partial pivoting.
std::vector<double> SolveDense(std::vector<std::vector<double>> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    if (std::fabs(a[col][col]) < 1e-300) continue;
    for (size_t r = col + 1; r < n; ++r) {
      const double factor = a[r][col] / a[col][col];
      if (factor == 0) continue;
      for (size_t c = col; c < n; ++c) a[r][c] -= factor * a[col][c];
      b[r] -= factor * b[col];
    }
  }
  std::vector<double> x(n, 0.0);
  for (size_t i = n; i-- > 0;) {
    double sum = b[i];
    for (size_t c = i + 1; c < n; ++c) sum -= a[i][c] * x[c];
    x[i] = std::fabs(a[i][i]) < 1e-300 ? 0.0 : sum / a[i][i];
  }
  return x;
}

FitSolution Fit(const std::vector<FitSample>& samples, double lambda) {
  std::vector<std::string> kinds;
  {
    std::set<std::string> seen;
    for (const auto& s : samples) {
      for (const auto& f : s.ops) seen.insert(f.kind);
    }
    kinds.assign(seen.begin(), seen.end());
  }
  std::map<std::string, size_t> kind_index;
  for (size_t k = 0; k < kinds.size(); ++k) kind_index[kinds[k]] = k;
  // Columns: 0 invoke, 1 per_op (shared by every kind), 2-3 the generic
  // per_work and per_element, then each kind's two deviations.
  const size_t shared = 4;
  const size_t n = shared + 2 * kinds.size();
  std::vector<std::vector<double>> rows;
  for (const auto& s : samples) {
    std::vector<double> row(n, 0.0);
    row[0] = 1;
    for (const auto& f : s.ops) {
      const size_t base = shared + 2 * kind_index.at(f.kind);
      row[1] += 1;
      row[2] += f.work;
      row[3] += f.elements;
      row[base] += f.work;
      row[base + 1] += f.elements;
    }
    for (double& v : row) v /= s.measured;  // relative error
    rows.push_back(row);
  }
  std::vector<double> scale(n, 0.0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < n; ++c) scale[c] += row[c] * row[c];
  }
  for (double& v : scale) v = std::sqrt(v / static_cast<double>(rows.size()));
  std::vector<std::vector<double>> ata(n, std::vector<double>(n, 0.0));
  std::vector<double> atb(n, 0.0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < n; ++i) {
      if (row[i] == 0) continue;
      atb[i] += row[i];  // the target is measured / measured = 1
      for (size_t j = 0; j < n; ++j) ata[i][j] += row[i] * row[j];
    }
  }
  for (size_t c = shared; c < n; ++c) ata[c][c] += lambda * scale[c] * scale[c] + 1e-12;
  for (size_t c = 0; c < shared; ++c) ata[c][c] += 1e-9 * scale[c] * scale[c] + 1e-12;
  const std::vector<double> x = SolveDense(ata, atb);
  FitSolution solution;
  solution.invoke = x[0];
  solution.generic = {x[2], x[3], x[1]};
  for (size_t k = 0; k < kinds.size(); ++k) {
    const size_t base = shared + 2 * k;
    solution.kinds[kinds[k]] = {x[2] + x[base], x[3] + x[base + 1], x[1]};
  }
  return solution;
}

double LeaveOneOutError(const std::vector<FitSample>& samples, double lambda) {
  double sum = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    std::vector<FitSample> rest = samples;
    rest.erase(rest.begin() + static_cast<long>(i));
    const double e = Fit(rest, lambda).Estimate(samples[i]) / samples[i].measured - 1;
    sum += e * e;
  }
  return std::sqrt(sum / static_cast<double>(samples.size()));
}

// Writes the synthetic MobileNetV2s (32x32, int8 and float, TFLite and
// PyTorch layouts: libconvert/model/synthetic_models.h) and a zero input for
// each, for scripts/measure_m4_insns.sh: dozens of convolutions of other
// shapes than the corpus has.
int WriteSyntheticModels(const std::string& dir) {
  for (const std::string& name : tinyforge::SyntheticModelNames()) {
    if (name.size() < 5 || name.substr(name.size() - 5) != "_tiny") continue;
    const tinyforge::Model model = tinyforge::BuildSyntheticModel(name, 1);
    tinyforge::SaveModel(model, dir + "/" + name + ".tflite");
    const tflite::SubGraphT& graph = model.subgraph(0);
    const tflite::TensorT& input = *graph.tensors.at(graph.inputs.at(0));
    std::vector<int64_t> shape(input.shape.begin(), input.shape.end());
    tinyforge::WriteNpy(dir + "/" + name + "_input_0.npy",
                        tinyforge::NpyArray::Zeros(*tinyforge::NpyDTypeOf(input.type), shape));
  }
  return 0;
}

int Main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-synthetic") return WriteSyntheticModels(argv[2]);
  if (argc != 4) {
    std::fprintf(stderr, "usage: fit_m4_cost M4_INSNS.tsv MODELS_DIR HELD_OUT[,HELD_OUT...]\n");
    return 2;
  }
  std::set<std::string> held_out;
  {
    std::stringstream list(argv[3]);
    for (std::string name; std::getline(list, name, ',');) held_out.insert(name);
  }
  std::vector<FitSample> fitted, checked;
  std::ifstream tsv(argv[1]);
  std::string name;
  double measured = 0;
  std::vector<std::string> model_dirs;
  {
    std::stringstream list(argv[2]);
    for (std::string dir; std::getline(list, dir, ':');) model_dirs.push_back(dir);
  }
  while (tsv >> name >> measured) {
    std::string path;
    for (const std::string& dir : model_dirs) {
      if (std::ifstream(dir + "/" + name + ".tflite")) path = dir + "/" + name + ".tflite";
    }
    FitSample s{name, measured, tinyforge::TflmOpCostFeatures(tinyforge::LoadModel(path))};
    (held_out.count(name) ? checked : fitted).push_back(std::move(s));
  }
  if (held_out.count("-")) {  // "-": list each model's operator kinds, to choose the held-out set
    for (const auto& s : fitted) {
      std::map<std::string, int> kinds;
      for (const auto& f : s.ops) ++kinds[f.kind];
      std::printf("%s %.0f:", s.name.c_str(), s.measured);
      for (const auto& [kind, n] : kinds) std::printf(" %s x%d", kind.c_str(), n);
      std::printf("\n");
    }
    return 0;
  }
  if (checked.size() != held_out.size()) {
    std::fprintf(stderr, "fit_m4_cost: a held-out model is not in %s\n", argv[1]);
    return 2;
  }
  double best_lambda = 0, best_error = 1e300;
  for (double lambda : {1e-4, 1e-3, 1e-2, 1e-1, 1.0}) {
    const double error = LeaveOneOutError(fitted, lambda);
    std::fprintf(stderr, "lambda %g: leave-one-out RMS relative error %.4f\n", lambda, error);
    if (error < best_error) best_error = error, best_lambda = lambda;
  }
  const FitSolution solution = Fit(fitted, best_lambda);
  std::printf("// Generated by tests/tools/fit_m4_cost from scripts/measure_m4_insns.sh counts\n");
  std::printf("// (../shared/tflm-m4, TFLM_M4_ICOUNT=0, golden inputs); lambda %g chosen by\n", best_lambda);
  std::printf("// leave-one-out RMS relative error %.4f over the %zu fitted models.\n", best_error, fitted.size());
  std::printf("// TFLM_COST(tag, name, per_work, per_element, per_op); F/H rows: measured, estimate.\n");
  std::printf("TFLM_COST('I', \"invoke\", 0, 0, %.6g)\n", solution.invoke);
  std::printf("TFLM_COST('G', \"generic\", %.6g, %.6g, %.6g)\n", solution.generic.per_work,
              solution.generic.per_element, solution.generic.per_op);
  for (const auto& [kind, c] : solution.kinds) {
    std::printf("TFLM_COST('K', \"%s\", %.6g, %.6g, %.6g)\n", kind.c_str(), c.per_work, c.per_element, c.per_op);
  }
  for (const auto* group : {&fitted, &checked}) {
    for (const auto& s : *group) {
      std::printf("TFLM_COST('%c', \"%s\", %.0f, %.0f, 0)\n", group == &fitted ? 'F' : 'H', s.name.c_str(),
                  s.measured, std::round(solution.Estimate(s)));
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fit_m4_cost: %s\n", e.what());
    return 2;
  }
}
