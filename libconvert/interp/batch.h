// Running a model over many samples on several threads. Each worker owns a
// prepared Interpreter and takes chunks of samples as it goes; every
// sample's computation is independent of the others, so results are the
// same for any thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "libconvert/data/dataset.h"
#include "libconvert/interp/interpreter.h"
#include "libconvert/model/model.h"
#include "libconvert/data/npy.h"

namespace tinyforge::interp {

// The number of workers for `requested` threads (0 = every core) and `samples`.
int WorkerCount(int requested, size_t samples);

// Calls run(interpreter, sample, worker) for sample = 0..samples-1. Each
// worker has its own interpreter (prepared once with `options`; variables
// reset before each sample) and takes chunks of consecutive samples from a
// shared counter, so its samples come in increasing order but which worker
// runs which sample varies from run to run: results must not depend on it.
// Workers run one sample at a time on one thread each; when there is only
// one worker (a single sample) its operators split their work over
// `threads` instead (options.threads is replaced either way).
// An exception in any worker is rethrown here after all workers stop.
void ForEachSample(const Model& model, size_t samples, int threads,
                   const std::function<void(Interpreter&, size_t sample, int worker)>& run,
                   const InterpreterOptions& options = {});

// The number of samples in `inputs` (1 when the model has no inputs), after
// checking there is one view per input of subgraph 0 and that all hold the
// same number. Throws Error (kBadInput) naming the model or the array.
size_t CountSamples(const Model& model, const std::vector<DatasetView>& inputs);

// Copies sample `s` of every view into the interpreter's inputs.
void SetInputs(Interpreter& interpreter, const std::vector<DatasetView>& inputs, size_t s);

// Runs every sample of `inputs` (one view per model input, all with the same
// number of samples) and returns one array per model output, shaped
// [N, output shape...] when the inputs were batched, else the output shape.
// The interpreters share their tensors' memory (options.share_memory is
// set: only outputs are read).
std::vector<NpyArray> RunDataset(const Model& model, const std::vector<DatasetView>& inputs,
                                 int threads, const InterpreterOptions& options = {});

}  // namespace tinyforge::interp
