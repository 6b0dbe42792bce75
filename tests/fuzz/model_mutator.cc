#include "tests/fuzz/model_mutator.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "flatbuffers/reflection.h"
#include "libconvert/base/error.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/schema/tflite_generated.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace tinyforge::fuzz {
namespace {

using Rng = std::mt19937;

std::vector<uint8_t>& SchemaBytes() {
  static std::vector<uint8_t> bytes;
  return bytes;
}

const reflection::Schema& Schema() { return *reflection::GetSchema(SchemaBytes().data()); }

int Pick(Rng& rng, int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
bool OneIn(Rng& rng, int n) { return Pick(rng, n) == 0; }

// --- values ------------------------------------------------------------------

// Two's-complement wrapping, as the stored field would wrap: the mutator's
// own arithmetic must not overflow (UBSan stops the fuzzer on it).
int64_t Wrapped(uint64_t bits) { return static_cast<int64_t>(bits); }

// An integer a hostile file would hold: boundaries, off-by-ones, huge values.
int64_t InterestingInt(Rng& rng, int64_t old) {
  const auto bits = static_cast<uint64_t>(old);
  switch (Pick(rng, 14)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return Wrapped(bits + 1);
    case 4: return Wrapped(bits - 1);
    case 5: return Wrapped(bits * 2);
    case 6: return Wrapped(0 - bits);
    case 7: return std::numeric_limits<int32_t>::max();
    case 8: return std::numeric_limits<int32_t>::min();
    case 9: return int64_t{1} << (16 + Pick(rng, 16));
    case 10: return std::numeric_limits<int64_t>::max();
    case 11: return static_cast<int32_t>(rng());
    default: return Pick(rng, 70) - 4;
  }
}

double InterestingReal(Rng& rng, double old) {
  switch (Pick(rng, 14)) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return 1.0;
    case 3: return -1.0;
    case 4: return std::nan("");
    case 5: return std::numeric_limits<float>::infinity();
    case 6: return -std::numeric_limits<float>::infinity();
    case 7: return std::numeric_limits<float>::denorm_min();
    case 8: return std::numeric_limits<float>::min();
    case 9: return std::numeric_limits<float>::max();
    case 10: return old * 2;
    case 11: return old / 1024;
    case 12: return -old;
    default: return std::uniform_real_distribution<double>(-10, 10)(rng);
  }
}

template <typename T>
void Store(uint8_t* p, T value) {
  std::memcpy(p, &value, sizeof value);
}
template <typename T>
T Load(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

// --- scalars in a packed model ----------------------------------------------

struct Scalar {
  uint8_t* address;
  reflection::BaseType type;
};
struct ByteVector {  // [ubyte] / [byte]: buffer data, custom options
  uint8_t* data;
  size_t size;
};
struct Slots {
  std::vector<Scalar> scalars;
  std::vector<ByteVector> byte_vectors;
};

bool IsScalar(reflection::BaseType t) { return t >= reflection::UType && t <= reflection::Double; }

void CollectTable(const reflection::Object& object, const flatbuffers::Table& table, Slots& slots, int depth);

void CollectVector(const reflection::Field& field, const flatbuffers::Table& table, Slots& slots, int depth) {
  const reflection::BaseType element = field.type()->element();
  const flatbuffers::VectorOfAny* v = flatbuffers::GetFieldAnyV(table, field);
  if (v == nullptr) return;
  auto* base = const_cast<uint8_t*>(v->Data());
  if (element == reflection::UByte || element == reflection::Byte) {
    if (v->size() > 0) slots.byte_vectors.push_back({base, v->size()});
    return;
  }
  if (IsScalar(element)) {
    const size_t width = flatbuffers::GetTypeSize(element);
    for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i) slots.scalars.push_back({base + i * width, element});
    return;
  }
  if (element != reflection::Obj) return;
  const reflection::Object& object = *Schema().objects()->Get(field.type()->index());
  if (object.is_struct()) return;  // the TFLite schema has none
  const auto* tables = reinterpret_cast<const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::Table>>*>(v);
  for (flatbuffers::uoffset_t i = 0; i < tables->size(); ++i) CollectTable(object, *tables->Get(i), slots, depth + 1);
}

void CollectTable(const reflection::Object& object, const flatbuffers::Table& table, Slots& slots, int depth) {
  if (depth > 16) return;
  for (const reflection::Field* field : *object.fields()) {
    const reflection::BaseType type = field->type()->base_type();
    if (IsScalar(type)) {
      // UType: changing a union's type in place would only test the verifier.
      const uint8_t* p = table.GetAddressOf(field->offset());
      if (p != nullptr && type != reflection::UType) slots.scalars.push_back({const_cast<uint8_t*>(p), type});
    } else if (type == reflection::Vector) {
      CollectVector(*field, table, slots, depth);
    } else if (type == reflection::Obj) {
      const flatbuffers::Table* child = flatbuffers::GetFieldT(table, *field);
      if (child != nullptr) CollectTable(*Schema().objects()->Get(field->type()->index()), *child, slots, depth + 1);
    } else if (type == reflection::Union) {
      const flatbuffers::Table* child = flatbuffers::GetFieldT(table, *field);
      const reflection::Field* type_field =
          object.fields()->LookupByKey((field->name()->str() + flatbuffers::UnionTypeFieldSuffix()).c_str());
      if (child == nullptr || type_field == nullptr) continue;
      const auto* values = Schema().enums()->Get(field->type()->index())->values();
      const reflection::EnumVal* value = values->LookupByKey(flatbuffers::GetFieldI<uint8_t>(table, *type_field));
      if (value == nullptr || value->union_type() == nullptr) continue;
      CollectTable(*Schema().objects()->Get(value->union_type()->index()), *child, slots, depth + 1);
    }
  }
}

void MutateScalar(Rng& rng, const Scalar& s) {
  uint8_t* p = s.address;
  switch (s.type) {
    case reflection::Bool: Store<uint8_t>(p, Load<uint8_t>(p) ? 0 : 1); break;
    // Enums (tensor types, activations, padding) are bytes: mostly small values.
    case reflection::Byte:
    case reflection::UByte: Store<uint8_t>(p, static_cast<uint8_t>(OneIn(rng, 4) ? rng() : Pick(rng, 24))); break;
    case reflection::Short: Store<int16_t>(p, static_cast<int16_t>(InterestingInt(rng, Load<int16_t>(p)))); break;
    case reflection::UShort: Store<uint16_t>(p, static_cast<uint16_t>(InterestingInt(rng, Load<uint16_t>(p)))); break;
    case reflection::Int: Store<int32_t>(p, static_cast<int32_t>(InterestingInt(rng, Load<int32_t>(p)))); break;
    case reflection::UInt: Store<uint32_t>(p, static_cast<uint32_t>(InterestingInt(rng, Load<uint32_t>(p)))); break;
    case reflection::Long: Store<int64_t>(p, InterestingInt(rng, Load<int64_t>(p))); break;
    case reflection::ULong: Store<uint64_t>(p, static_cast<uint64_t>(InterestingInt(rng, 0))); break;
    case reflection::Float: Store<float>(p, static_cast<float>(InterestingReal(rng, Load<float>(p)))); break;
    case reflection::Double: Store<double>(p, InterestingReal(rng, Load<double>(p))); break;
    default: break;
  }
}

// One element of a byte vector, as an int32 when aligned room allows
// (indices, paddings, shapes, perms are int32 tensors), else a byte.
void MutateByteVector(Rng& rng, const ByteVector& v) {
  if (v.size >= 4 && !OneIn(rng, 4)) {
    const size_t i = static_cast<size_t>(Pick(rng, static_cast<int>(v.size / 4))) * 4;
    Store<int32_t>(v.data + i, static_cast<int32_t>(InterestingInt(rng, Load<int32_t>(v.data + i))));
  } else {
    v.data[Pick(rng, static_cast<int>(v.size))] = static_cast<uint8_t>(rng());
  }
}

// --- structure ---------------------------------------------------------------

template <typename T>
void InsertOrErase(Rng& rng, std::vector<T>& v, T value) {
  if (!v.empty() && OneIn(rng, 2)) {
    v.erase(v.begin() + Pick(rng, static_cast<int>(v.size())));
  } else {
    v.insert(v.begin() + Pick(rng, static_cast<int>(v.size()) + 1), value);
  }
}

std::unique_ptr<tflite::SparsityParametersT> SomeSparsity(Rng& rng) {
  auto s = std::make_unique<tflite::SparsityParametersT>();
  s->traversal_order = {0, 1};
  for (int d = 0; d < 2; ++d) {
    auto m = std::make_unique<tflite::DimensionMetadataT>();
    m->format = d == 0 ? tflite::DimensionType_DENSE : tflite::DimensionType_SPARSE_CSR;
    m->dense_size = Pick(rng, 8);
    if (d == 1) {
      tflite::Int32VectorT segments, indices;
      segments.values = {0, 1, 2};
      indices.values = {0, Pick(rng, 1000)};
      m->array_segments.Set(std::move(segments));
      m->array_indices.Set(std::move(indices));
    }
    s->dim_metadata.push_back(std::move(m));
  }
  return s;
}

// Options an operator might wrongly carry (or rightly, for another op).
void SetSomeOptions(Rng& rng, tflite::OperatorT& op) {
  switch (Pick(rng, 8)) {
    case 0: op.builtin_options.Reset(); break;
    case 1: op.builtin_options.Set(tflite::Conv2DOptionsT{}); break;
    case 2: op.builtin_options.Set(tflite::FullyConnectedOptionsT{}); break;
    case 3: op.builtin_options.Set(tflite::ReshapeOptionsT{}); break;
    case 4: op.builtin_options.Set(tflite::GatherOptionsT{}); break;
    case 5: op.builtin_options.Set(tflite::ConcatenationOptionsT{}); break;
    case 6: op.builtin_options.Set(tflite::Pool2DOptionsT{}); break;
    default: op.builtin_options.Set(tflite::SVDFOptionsT{}); break;
  }
}

// One structural change; false when the model has nothing of the kind.
bool MutateStructure(Rng& rng, tflite::ModelT& m) {
  if (m.subgraphs.empty()) return false;
  tflite::SubGraphT& g = *m.subgraphs[static_cast<size_t>(Pick(rng, static_cast<int>(m.subgraphs.size())))];
  const int tensors = static_cast<int>(g.tensors.size());
  const int some_tensor = Pick(rng, tensors + 2) - 1;  // -1 (omitted) .. one past the end
  tflite::TensorT* t = tensors > 0 ? g.tensors[static_cast<size_t>(Pick(rng, tensors))].get() : nullptr;
  tflite::OperatorT* op =
      g.operators.empty() ? nullptr : g.operators[static_cast<size_t>(Pick(rng, static_cast<int>(g.operators.size())))].get();
  switch (Pick(rng, 10)) {
    case 0:
      if (!t) return false;
      InsertOrErase(rng, OneIn(rng, 4) ? t->shape_signature : t->shape, static_cast<int32_t>(InterestingInt(rng, 1)));
      return true;
    case 1:
      if (!op) return false;
      InsertOrErase(rng, OneIn(rng, 3) ? op->outputs : op->inputs, some_tensor);
      return true;
    case 2: {
      if (!t) return false;
      if (!t->quantization) t->quantization = std::make_unique<tflite::QuantizationParametersT>();
      tflite::QuantizationParametersT& q = *t->quantization;
      if (OneIn(rng, 2)) {
        InsertOrErase(rng, q.scale, static_cast<float>(InterestingReal(rng, 0.5)));
      } else {
        InsertOrErase(rng, q.zero_point, InterestingInt(rng, 0));
      }
      return true;
    }
    case 3: {
      if (m.buffers.size() < 2) return false;
      std::vector<uint8_t>& data = m.buffers[1 + static_cast<size_t>(Pick(rng, static_cast<int>(m.buffers.size()) - 1))]->data;
      data.resize(OneIn(rng, 2) && !data.empty() ? static_cast<size_t>(Pick(rng, static_cast<int>(data.size())))
                                                 : data.size() + static_cast<size_t>(Pick(rng, 16)));
      return true;
    }
    case 4: {
      // A tensor turned constant: a new buffer of int32 values.
      if (!t) return false;
      auto buffer = std::make_unique<tflite::BufferT>();
      const int n = Pick(rng, 9);
      for (int i = 0; i < n; ++i) {
        const auto value = static_cast<int32_t>(InterestingInt(rng, i));
        const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
        buffer->data.insert(buffer->data.end(), bytes, bytes + 4);
      }
      t->buffer = static_cast<uint32_t>(m.buffers.size());
      m.buffers.push_back(std::move(buffer));
      return true;
    }
    case 5:
      if (!t) return false;
      t->sparsity = SomeSparsity(rng);
      return true;
    case 6:
      if (!op) return false;
      SetSomeOptions(rng, *op);
      return true;
    case 7:
      if (g.operators.empty()) return false;
      if (OneIn(rng, 2)) {
        g.operators.erase(g.operators.begin() + Pick(rng, static_cast<int>(g.operators.size())));
      } else {
        const size_t a = static_cast<size_t>(Pick(rng, static_cast<int>(g.operators.size())));
        const size_t b = static_cast<size_t>(Pick(rng, static_cast<int>(g.operators.size())));
        std::swap(g.operators[a], g.operators[b]);
      }
      return true;
    case 8:
      InsertOrErase(rng, OneIn(rng, 2) ? g.inputs : g.outputs, some_tensor);
      return true;
    default: {
      if (m.operator_codes.empty()) return false;
      tflite::OperatorCodeT& code = *m.operator_codes[static_cast<size_t>(Pick(rng, static_cast<int>(m.operator_codes.size())))];
      const auto builtin = static_cast<tflite::BuiltinOperator>(Pick(rng, tflite::BuiltinOperator_MAX + 1));
      code.builtin_code = builtin;
      code.deprecated_builtin_code = static_cast<int8_t>(std::min<int>(builtin, 127));
      return true;
    }
  }
}

std::vector<uint8_t> Pack(const tflite::ModelT& m) {
  flatbuffers::FlatBufferBuilder fbb(4096);
  fbb.ForceDefaults(true);  // every scalar field present, so any can change
  tflite::FinishModelBuffer(fbb, tflite::Model::Pack(fbb, &m));
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

// A union whose type names a table but whose value is absent passes the
// flatbuffers verifier and unpacks to a null value, which Pack dereferences.
// The loader refuses such files; the mutator drops the type so it can pack
// the rest of the model.
template <typename Union>
void DropEmptyUnion(Union& u) {
  if (u.value == nullptr) u.Reset();
}

void DropEmptyUnions(tflite::ModelT& m) {
  for (auto& g : m.subgraphs) {
    for (auto& op : g->operators) {
      DropEmptyUnion(op->builtin_options);
      DropEmptyUnion(op->builtin_options_2);
    }
    for (auto& t : g->tensors) {
      if (t->quantization) DropEmptyUnion(t->quantization->details);
      if (!t->sparsity) continue;
      for (auto& d : t->sparsity->dim_metadata) {
        DropEmptyUnion(d->array_segments);
        DropEmptyUnion(d->array_indices);
      }
    }
  }
}

std::unique_ptr<tflite::ModelT> Unpack(const uint8_t* data, size_t size) {
  // The verifier checks alignment against real addresses: an aligned copy.
  std::vector<uint8_t> copy(data, data + size);
  flatbuffers::Verifier verifier(copy.data(), copy.size(), 64, 1000000);
  if (size < 8 || !tflite::ModelBufferHasIdentifier(copy.data()) || !tflite::VerifyModelBuffer(verifier)) {
    return nullptr;
  }
  // As the loader does: a misaligned int64 vector would be read misaligned
  // by UnPack (UBSan stopped a long run here, in the mutator, not the target).
  try {
    CheckEightByteVectors(copy.data(), "mutator input");
  } catch (const Error&) {
    return nullptr;
  }
  std::unique_ptr<tflite::ModelT> model(tflite::GetModel(copy.data())->UnPack());
  DropEmptyUnions(*model);
  return model;
}

}  // namespace

void LoadMutatorSchema(const std::string& bfbs_path) {
  std::ifstream in(bfbs_path, std::ios::binary);
  SchemaBytes().assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  flatbuffers::Verifier verifier(SchemaBytes().data(), SchemaBytes().size());
  if (SchemaBytes().empty() || !reflection::VerifySchemaBuffer(verifier)) {
    std::fprintf(stderr, "model_fuzzer: cannot read the reflection schema %s\n", bfbs_path.c_str());
    std::abort();
  }
}

size_t MutateModel(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  Rng rng(seed);
  std::unique_ptr<tflite::ModelT> model = OneIn(rng, 20) ? nullptr : Unpack(data, size);
  if (!model) return LLVMFuzzerMutate(data, size, max_size);
  const int structural = OneIn(rng, 3) ? 1 + Pick(rng, 2) : 0;
  for (int i = 0; i < structural; ++i) MutateStructure(rng, *model);
  std::vector<uint8_t> bytes = Pack(*model);
  Slots slots;
  const reflection::Schema& schema = Schema();
  CollectTable(*schema.root_table(), *flatbuffers::GetAnyRoot(bytes.data()), slots, 0);
  const int scalar_changes = structural > 0 && OneIn(rng, 2) ? 0 : 1 + Pick(rng, 2);
  for (int i = 0; i < scalar_changes; ++i) {
    // Constant data (index tensors) a quarter of the time, however many
    // scalars the rest of the model holds.
    if (!slots.byte_vectors.empty() && (slots.scalars.empty() || OneIn(rng, 4))) {
      MutateByteVector(rng, slots.byte_vectors[static_cast<size_t>(Pick(rng, static_cast<int>(slots.byte_vectors.size())))]);
    } else if (!slots.scalars.empty()) {
      MutateScalar(rng, slots.scalars[static_cast<size_t>(Pick(rng, static_cast<int>(slots.scalars.size())))]);
    }
  }
  if (bytes.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

}  // namespace tinyforge::fuzz
