#include "libconvert/interp/kernel.h"

#include "libconvert/model/dtype.h"

namespace tinyforge::interp {

namespace {
const std::vector<float> kNoScales;
const std::vector<int64_t> kNoZeroPoints;
}  // namespace

const std::vector<float>& RuntimeTensor::scales() const {
  return meta && meta->quantization ? meta->quantization->scale : kNoScales;
}
const std::vector<int64_t>& RuntimeTensor::zero_points() const {
  return meta && meta->quantization ? meta->quantization->zero_point : kNoZeroPoints;
}
int RuntimeTensor::quantized_dimension() const {
  return meta && meta->quantization ? meta->quantization->quantized_dimension : 0;
}

PrepareContext::PrepareContext(const Model& model, size_t subgraph, size_t op_index,
                               std::vector<RuntimeTensor*> inputs,
                               std::vector<RuntimeTensor*> outputs, bool reference, GraphLinks* links,
                               ThreadPool* pool,
                               const StateObserver* state_observer)
    : model_(model),
      subgraph_(subgraph),
      op_index_(op_index),
      inputs_(std::move(inputs)),
      outputs_(std::move(outputs)),
      reference_(reference),
      links_(links),
      pool_(pool),
      state_observer_(state_observer) {}

int PrepareContext::SoleProducer(size_t i) const {
  const RuntimeTensor* t = optional_input(i);
  if (links_ == nullptr || !links_->fold_producers || t == nullptr || t->index < 0) return -1;
  const size_t index = static_cast<size_t>(t->index);
  // A producer after this operator (a graph built in memory, which
  // VerifyModel would refuse) has not been prepared: its operands unchecked.
  const int producer = links_->readers[index] == 1 ? links_->producer[index] : -1;
  return producer >= 0 && static_cast<size_t>(producer) < op_index_ ? producer : -1;
}

const tflite::OperatorT& PrepareContext::subgraph_op(size_t op) const {
  return *model_.subgraph(subgraph_).operators.at(op);
}

const RuntimeTensor& PrepareContext::tensor(int index) const {
  return links_->tensors->at(static_cast<size_t>(index));
}

void PrepareContext::RunOnlyWhenObserved(int op) const {
  links_->only_when_observed.at(static_cast<size_t>(op)) = true;
}

const tflite::OperatorT& PrepareContext::op() const {
  return *model_.subgraph(subgraph_).operators[op_index_];
}

std::string PrepareContext::location() const { return model_.OpLocation(subgraph_, op_index_); }

void PrepareContext::Fail(const std::string& what) const {
  throw Error(model_.source() + ": " + location() + ": " + what);
}

RuntimeTensor& PrepareContext::input(size_t i) const {
  RuntimeTensor* t = optional_input(i);
  if (!t) Fail("input " + std::to_string(i) + " is required but missing");
  return *t;
}

RuntimeTensor* PrepareContext::optional_input(size_t i) const {
  return i < inputs_.size() ? inputs_[i] : nullptr;
}

RuntimeTensor& PrepareContext::output(size_t i) const {
  if (i >= outputs_.size()) Fail("output " + std::to_string(i) + " is missing");
  return *outputs_[i];
}

void PrepareContext::RequireCounts(size_t min_inputs, size_t max_inputs, size_t outputs) const {
  if (inputs_.size() < min_inputs || inputs_.size() > max_inputs) {
    Fail("has " + std::to_string(inputs_.size()) + " inputs, expected " +
         (min_inputs == max_inputs ? std::to_string(min_inputs)
                                   : std::to_string(min_inputs) + " to " + std::to_string(max_inputs)));
  }
  for (size_t i = 0; i < min_inputs; ++i) input(i);
  if (outputs_.size() != outputs) {
    Fail("has " + std::to_string(outputs_.size()) + " outputs, expected " + std::to_string(outputs));
  }
}

void PrepareContext::RequireType(const RuntimeTensor& t, tflite::TensorType type,
                                 const std::string& role) const {
  if (t.type != type) {
    Fail(role + " '" + (t.meta ? t.meta->name : "") + "' is " + TypeName(t.type) + ", expected " +
         TypeName(type));
  }
}

std::vector<int64_t> PrepareContext::ConstantInts(const RuntimeTensor& t, const std::string& role) const {
  if (!t.constant) Fail(role + " must be a constant tensor");
  std::vector<int64_t> values;
  if (t.type == tflite::TensorType_INT32) {
    values.assign(t.Data<int32_t>(), t.Data<int32_t>() + t.count());
  } else if (t.type == tflite::TensorType_INT64) {
    values.assign(t.Data<int64_t>(), t.Data<int64_t>() + t.count());
  } else {
    Fail(role + " is " + TypeName(t.type) + ", expected INT32 or INT64");
  }
  return values;
}

}  // namespace tinyforge::interp
