#include "libconvert/compare/compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>

#include "libconvert/model/dtype.h"
#include "libconvert/base/error.h"
#include "libconvert/compare/evaluate.h"
#include "libconvert/compare/isolated_error.h"
#include "libconvert/compare/layer_flags.h"
#include "libconvert/compare/layer_matching.h"
#include "libconvert/interp/batch.h"
#include "libconvert/data/model_inputs.h"

namespace tinyforge {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Statistics of one block of samples.
struct BlockStats {
  std::vector<ErrorStats> outputs;
  std::vector<ErrorStats> layers;    // accumulated
  std::vector<ErrorStats> isolated;
  std::vector<uint64_t> clipped;
};

// What one worker keeps between samples.
struct WorkerState {
  std::unique_ptr<interp::Interpreter> candidate;
  std::unique_ptr<IsolatedRunner> isolated;  // with layers
  std::vector<std::vector<float>> reference_values;  // per reference slot
  std::vector<float> scratch;
  std::vector<float> reference_out;
  std::vector<float> candidate_out;
  BlockStats* block = nullptr;  // the block being accumulated
};

size_t SampleCount(const std::vector<DatasetView>& views) {
  return views.empty() ? 1 : views[0].num_samples();
}

void CheckViews(const Model& model, const std::vector<DatasetView>& views, size_t samples) {
  const size_t inputs = model.subgraph(0).inputs.size();
  if (views.size() != inputs) {
    throw Error(model.source() + ": the model has " + std::to_string(inputs) + " input" +
                    (inputs == 1 ? "" : "s") + ", but " + std::to_string(views.size()) +
                    " input array" + (views.size() == 1 ? " was" : "s were") + " given",
                ErrorCode::kBadInput);
  }
  for (const DatasetView& view : views) {
    if (view.num_samples() != samples) {
      throw Error(view.array_name() + ": holds " + std::to_string(view.num_samples()) +
                      " samples, but " + std::to_string(samples) + " were expected (every input array "
                      "of both models must hold the same number)",
                  ErrorCode::kBadInput);
    }
  }
}


}  // namespace

double OutputComparison::agreement() const {
  return sample_max_abs.empty() ? 1.0
                                : static_cast<double>(top1_agree) / static_cast<double>(sample_max_abs.size());
}

double LayerComparison::rmse_steps() const { return scale > 0 ? error.rmse() / scale : kNaN; }

double LayerComparison::isolated_rmse_steps() const {
  return scale > 0 && has_isolated ? isolated.rmse() / scale : kNaN;
}

double LayerComparison::clipped_fraction() const {
  return error.count() == 0 ? 0.0 : static_cast<double>(clipped) / static_cast<double>(error.count());
}

CompareResult CompareModels(const Model& reference, const Model& candidate,
                            const std::vector<DatasetView>& reference_inputs,
                            const std::vector<DatasetView>& candidate_inputs,
                            const std::vector<int64_t>& labels, const CompareOptions& options) {
  const tflite::SubGraphT& rg = reference.subgraph(0);
  const tflite::SubGraphT& cg = candidate.subgraph(0);
  const size_t available = SampleCount(reference_inputs);
  CheckViews(reference, reference_inputs, available);
  CheckViews(candidate, candidate_inputs, available);
  if (!labels.empty() && labels.size() != available) {
    throw Error("the labels hold " + std::to_string(labels.size()) + " entries, but the data holds " +
                    std::to_string(available) + " samples",
                ErrorCode::kBadInput);
  }
  if (rg.outputs.size() != cg.outputs.size()) {
    throw Error(candidate.source() + ": has " + std::to_string(cg.outputs.size()) + " outputs, but " +
                    reference.source() + " has " + std::to_string(rg.outputs.size()),
                ErrorCode::kBadInput);
  }
  const size_t samples = options.samples == 0 ? available : std::min(options.samples, available);

  CompareResult result;
  result.reference_source = reference.source();
  result.candidate_source = candidate.source();
  result.samples = samples;
  for (size_t k = 0; k < rg.outputs.size(); ++k) {
    OutputComparison out;
    out.index = k;
    out.reference_name = reference.tensor(0, rg.outputs[k]).name;
    out.candidate_name = candidate.tensor(0, cg.outputs[k]).name;
    CheckOutputHasRealValues(reference, k);
    CheckOutputHasRealValues(candidate, k);
    const int64_t re = TensorElements(reference, rg.outputs[k]);
    const int64_t ce = TensorElements(candidate, cg.outputs[k]);
    if (re != ce) {
      throw Error(candidate.source() + ": output " + std::to_string(k) + " '" + out.candidate_name + "' has " +
                      std::to_string(ce) + " elements, but the reference's '" + out.reference_name + "' has " +
                      std::to_string(re),
                  ErrorCode::kBadInput);
    }
    out.elements = static_cast<size_t>(ce);
    out.sample_max_abs.assign(samples, 0.0f);
    result.outputs.push_back(std::move(out));
  }
  if (!labels.empty() && options.label_output >= result.outputs.size()) {
    throw Error("output " + std::to_string(options.label_output) + " does not exist (the models have " +
                    std::to_string(result.outputs.size()) + ")",
                ErrorCode::kBadInput);
  }
  CheckLabelsFitOutput(reference, options.label_output, labels);
  CheckLabelsFitOutput(candidate, options.label_output, labels);

  LayerMatching matching;
  std::vector<IsolatedOp> isolated_ops;
  if (options.layers) {
    matching = MatchLayers(reference, candidate);
    isolated_ops = PlanIsolatedOps(reference, candidate, matching);
  }
  const size_t num_outputs = result.outputs.size();
  const size_t num_layers = matching.layers.size();

  const size_t blocks = (samples + kCompareBlockSamples - 1) / kCompareBlockSamples;
  std::vector<BlockStats> block_stats(blocks);
  for (BlockStats& b : block_stats) {
    b.outputs.resize(num_outputs);
    b.layers.resize(num_layers);
    b.isolated.resize(num_layers);
    b.clipped.assign(num_layers, 0);
  }
  // Per sample and output: argmax of each model.
  std::vector<std::vector<size_t>> reference_top(num_outputs, std::vector<size_t>(samples));
  std::vector<std::vector<size_t>> candidate_top(num_outputs, std::vector<size_t>(samples));

  std::vector<WorkerState> workers(static_cast<size_t>(interp::WorkerCount(options.threads, blocks)));
  const auto run_block = [&](interp::Interpreter& ref_interp, size_t block, int w) {
    WorkerState& state = workers[static_cast<size_t>(w)];
    if (!state.candidate) {
      state.candidate = std::make_unique<interp::Interpreter>(candidate, ref_interp.options());
      state.candidate->Prepare();
      state.reference_values.resize(matching.reference_slot_tensor.size());
      if (num_layers > 0) {
        state.isolated = std::make_unique<IsolatedRunner>(candidate, isolated_ops, ref_interp.options());
        ref_interp.SetObserver([&state, &matching](const interp::OpEvent& event) {
          for (const interp::RuntimeTensor* t : event.outputs) {
            const int slot = matching.reference_tensor_slot[static_cast<size_t>(t->index)];
            if (slot >= 0) RealValues(*t, state.reference_values[static_cast<size_t>(slot)]);
          }
        });
        state.candidate->SetObserver([&state, &matching](const interp::OpEvent& event) {
          for (const interp::RuntimeTensor* t : event.outputs) {
            const int layer = matching.candidate_tensor_layer[static_cast<size_t>(t->index)];
            if (layer < 0) continue;
            const LayerPlan& plan = matching.layers[static_cast<size_t>(layer)];
            const std::vector<float>& ref = state.reference_values[plan.reference_slot];
            RealValues(*t, state.scratch);
            state.block->layers[static_cast<size_t>(layer)].Add(ref.data(), state.scratch.data(), ref.size());
            if (plan.clip_lo <= plan.clip_hi) {
              uint64_t clipped = 0;
              for (float v : ref) clipped += (v < plan.clip_lo || v > plan.clip_hi) ? 1 : 0;
              state.block->clipped[static_cast<size_t>(layer)] += clipped;
            }
          }
        });
      }
    }
    state.block = &block_stats[block];
    const size_t begin = block * kCompareBlockSamples;
    const size_t end = std::min(samples, begin + kCompareBlockSamples);
    for (size_t s = begin; s < end; ++s) {
      if (s != begin) ref_interp.ResetVariables();
      state.candidate->ResetVariables();
      interp::SetInputs(ref_interp, reference_inputs, s);
      // Graph inputs produce no operator event: take their values here.
      for (int index : rg.inputs) {
        const int slot = num_layers > 0 ? matching.reference_tensor_slot[static_cast<size_t>(index)] : -1;
        if (slot >= 0) RealValues(ref_interp.tensor(index), state.reference_values[static_cast<size_t>(slot)]);
      }
      ref_interp.Invoke();
      interp::SetInputs(*state.candidate, candidate_inputs, s);
      state.candidate->Invoke();
      if (state.isolated) state.isolated->Run(state.reference_values, matching.layers, state.block->isolated);
      for (size_t k = 0; k < num_outputs; ++k) {
        RealValues(ref_interp.output(k), state.reference_out);
        RealValues(state.candidate->output(k), state.candidate_out);
        ErrorStats sample_error;
        sample_error.Add(state.reference_out.data(), state.candidate_out.data(), state.reference_out.size());
        state.block->outputs[k].Merge(sample_error);
        result.outputs[k].sample_max_abs[s] = static_cast<float>(sample_error.max_abs());
        reference_top[k][s] = ArgMax(state.reference_out.data(), state.reference_out.size());
        candidate_top[k][s] = ArgMax(state.candidate_out.data(), state.candidate_out.size());
      }
      if (options.on_sample) options.on_sample();
    }
  };
  if (blocks > 0) {
    // Layers are read by the observers, inputs before and outputs after
    // Invoke: the other tensors share memory.
    interp::InterpreterOptions interpreter_options = interp::SharingMemory();
    interpreter_options.reference = options.reference_kernels;
    interp::ForEachSample(reference, blocks, options.threads, run_block, interpreter_options);
  }

  for (size_t k = 0; k < num_outputs; ++k) {
    OutputComparison& out = result.outputs[k];
    for (const BlockStats& b : block_stats) out.error.Merge(b.outputs[k]);
    for (size_t s = 0; s < samples; ++s) out.top1_agree += reference_top[k][s] == candidate_top[k][s] ? 1 : 0;
  }
  if (!labels.empty()) {
    ClassifierComparison c;
    c.output = options.label_output;
    for (size_t s = 0; s < samples; ++s) {
      c.reference.Add(labels[s], static_cast<int64_t>(reference_top[c.output][s]));
      c.candidate.Add(labels[s], static_cast<int64_t>(candidate_top[c.output][s]));
    }
    result.classifier = std::move(c);
  }
  std::vector<bool> isolated_layer(num_layers, false);
  for (const IsolatedOp& op : isolated_ops) {
    for (const auto& output : op.outputs) isolated_layer[output.second] = true;
  }
  for (size_t l = 0; l < num_layers; ++l) {
    LayerComparison layer = matching.layers[l].info;
    layer.has_isolated = isolated_layer[l];
    for (const BlockStats& b : block_stats) {
      layer.error.Merge(b.layers[l]);
      layer.isolated.Merge(b.isolated[l]);
      layer.clipped += b.clipped[l];
    }
    FlagLayer(candidate, options.flag_isolated_rmse_steps, layer);
    result.layers.push_back(std::move(layer));
  }
  std::stable_sort(result.layers.begin(), result.layers.end(), RankedBefore);
  result.unmatched_layers = std::move(matching.unmatched);
  return result;
}

CompareResult CompareModelsOnArrays(const Model& reference, const Model& candidate,
                                    const std::vector<NpyArray>& arrays,
                                    const std::vector<std::string>& names,
                                    const std::vector<int64_t>& labels, const CompareOptions& options) {
  if (names.size() != arrays.size()) {
    throw Error("CompareModelsOnArrays: " + std::to_string(arrays.size()) + " arrays but " +
                    std::to_string(names.size()) + " names",
                ErrorCode::kInternal);
  }
  const auto convert = [&](const Model& model) {
    const size_t inputs = model.subgraph(0).inputs.size();
    if (arrays.size() != inputs) {
      throw Error("the model has " + std::to_string(inputs) + " input" +
                      (inputs == 1 ? "" : "s") + " but " + std::to_string(arrays.size()) + " data array" +
                      (arrays.size() == 1 ? " was" : "s were") + " given (one per model input, in order)",
                  ErrorCode::kBadInput);
    }
    return ConvertModelInputs(model, arrays, names, /*quantize_floats=*/true);
  };
  // Messages name the model as well as the array: the same data fits one
  // model and not the other.
  const auto located = [](const Model& model, const Error& e) {
    return Error(model.source() + ": " + e.what(), e.code());
  };
  ModelInputArrays reference_arrays, candidate_arrays;
  std::vector<DatasetView> reference_views, candidate_views;
  try {
    reference_arrays = convert(reference);
    reference_views = ViewModelInputs(reference, reference_arrays);
  } catch (const Error& e) {
    throw located(reference, e);
  }
  try {
    candidate_arrays = convert(candidate);
    candidate_views = ViewModelInputs(candidate, candidate_arrays);
  } catch (const Error& e) {
    throw located(candidate, e);
  }
  for (const DatasetView& view : reference_views) view.CheckFinite();
  return CompareModels(reference, candidate, reference_views, candidate_views, labels, options);
}

std::vector<std::string> CheckThresholds(const CompareResult& result, const CompareThresholds& thresholds) {
  std::vector<std::string> failed;
  char line[320];
  if (thresholds.max_drop_points) {
    if (!result.classifier) {
      throw Error("--max-drop needs --labels (the accuracy of each model)", ErrorCode::kBadInput);
    }
    const ClassifierComparison& c = *result.classifier;
    if (c.drop_points() > *thresholds.max_drop_points) {
      std::snprintf(line, sizeof line,
                    "accuracy drop %.2f points exceeds --max-drop %g (reference %.2f%%, candidate %.2f%%)",
                    c.drop_points(), *thresholds.max_drop_points, 100.0 * c.reference_accuracy(),
                    100.0 * c.candidate_accuracy());
      failed.push_back(line);
    }
  }
  for (const OutputComparison& out : result.outputs) {
    const std::string name = "output " + std::to_string(out.index) + " '" + out.candidate_name + "'";
    if (thresholds.min_agreement && out.agreement() < *thresholds.min_agreement) {
      std::snprintf(line, sizeof line, "%s: top-1 agreement %.4f is below --min-agreement %g (%llu of %zu samples)",
                    name.c_str(), out.agreement(), *thresholds.min_agreement,
                    static_cast<unsigned long long>(out.top1_agree), out.sample_max_abs.size());
      failed.push_back(line);
    }
    if (thresholds.min_cosine && !(out.error.cosine() >= *thresholds.min_cosine)) {
      std::snprintf(line, sizeof line, "%s: cosine similarity %.6f is below --min-cosine %g", name.c_str(),
                    out.error.cosine(), *thresholds.min_cosine);
      failed.push_back(line);
    }
    if (thresholds.max_rmse && !(out.error.rmse() <= *thresholds.max_rmse)) {
      std::snprintf(line, sizeof line, "%s: RMSE %.6g exceeds --max-rmse %g", name.c_str(), out.error.rmse(),
                    *thresholds.max_rmse);
      failed.push_back(line);
    }
  }
  return failed;
}

Error CheckFailedError(const std::vector<std::string>& failed) { return Error(failed, ErrorCode::kCheckFailed); }

Histogram HistogramOf(const std::vector<float>& values, size_t bins) {
  Histogram h;
  bins = std::max<size_t>(bins, 1);
  for (float v : values) h.hi = std::max(h.hi, static_cast<double>(v));
  h.counts.assign(h.hi > 0 ? bins : 1, 0);
  for (float v : values) {
    size_t bin = h.hi > 0 ? static_cast<size_t>(static_cast<double>(v) / h.hi * static_cast<double>(bins)) : 0;
    ++h.counts[std::min(bin, h.counts.size() - 1)];
  }
  return h;
}


}  // namespace tinyforge
