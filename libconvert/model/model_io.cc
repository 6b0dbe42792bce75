#include "libconvert/model/model_io.h"

#include <cstring>

#include "libconvert/base/file_util.h"
#include "libconvert/model/verify.h"

namespace tinyforge {
namespace {

constexpr size_t kMinModelBytes = 8;  // root offset + file identifier

std::string PrintableIdentifier(const uint8_t* p) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>(p[i]);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}


}  // namespace

// The flatbuffers verifier checks that a vector's length field is 4-byte
// aligned, not that its elements are aligned to their own size: a [long]
// vector starting at 4 (mod 8) passes, and unpacking then reads misaligned
// int64s (undefined behaviour; found by fuzzing). Converters always align
// them, so such a file is malformed. `data` must be 16-byte aligned, so
// addresses and file offsets agree mod 8. This covers the [long] fields a
// TFLM model can hold (QuantizationParameters.zero_point); the StableHLO
// options' [long] fields are not checked.
void CheckEightByteVectors(const uint8_t* data, const std::string& source) {
  const tflite::Model* root = tflite::GetModel(data);
  if (root->subgraphs() == nullptr) return;
  for (flatbuffers::uoffset_t sg = 0; sg < root->subgraphs()->size(); ++sg) {
    const auto* tensors = root->subgraphs()->Get(sg)->tensors();
    if (tensors == nullptr) continue;
    for (flatbuffers::uoffset_t t = 0; t < tensors->size(); ++t) {
      const tflite::QuantizationParameters* q = tensors->Get(t)->quantization();
      if (q == nullptr || q->zero_point() == nullptr) continue;
      const uint8_t* elements = reinterpret_cast<const uint8_t*>(q->zero_point()->Data());
      if ((elements - data) % 8 != 0) {
        throw Error(source + ": the flatbuffer is malformed: subgraph " + std::to_string(sg) +
                    ", tensor " + std::to_string(t) + ": the int64 zero_point array at file offset " +
                    std::to_string(elements - data) + " is not 8-byte aligned");
      }
    }
  }
}

Model ParseModel(const uint8_t* data, size_t size, const std::string& source,
                 const ReadLimits& limits) {
  if (size < kMinModelBytes) {
    throw Error(source + ": " + std::to_string(size) + " bytes is too small to be a TFLite model");
  }
  if (size > limits.max_file_bytes) {
    throw Error(source + ": " + std::to_string(size) + " bytes is larger than the " +
                std::to_string(limits.max_file_bytes) + "-byte limit of a flatbuffer model");
  }
  if (!tflite::ModelBufferHasIdentifier(data)) {
    throw Error(source + ": not a TFLite model: file identifier is '" + PrintableIdentifier(data + 4) +
                "', expected 'TFL3'");
  }
  // The verifier checks scalar alignment against real addresses; give it a
  // copy with allocator alignment when the caller's bytes are not aligned.
  std::vector<uint8_t> aligned_copy;
  if (reinterpret_cast<uintptr_t>(data) % 16 != 0) {
    aligned_copy.assign(data, data + size);
    data = aligned_copy.data();
  }
  flatbuffers::Verifier verifier(data, size, limits.max_depth, limits.max_tables);
  if (!tflite::VerifyModelBuffer(verifier)) {
    throw Error(source + ": the flatbuffer is malformed (truncated or corrupted): an offset, "
                         "length or table in it points outside the " +
                std::to_string(size) + " bytes of the file");
  }
  CheckEightByteVectors(data, source);
  std::unique_ptr<tflite::ModelT> unpacked(tflite::GetModel(data)->UnPack());
  Model model(std::move(unpacked), source);
  VerifyModel(model);
  return model;
}

Model LoadModel(const std::string& path, const ReadLimits& limits) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseModel(bytes.data(), bytes.size(), path, limits);
}

std::vector<uint8_t> SerializeModel(const Model& model, const WriteOptions& options) {
  const tflite::ModelT& m = model.raw();
  flatbuffers::FlatBufferBuilder fbb(1024);
  // Buffers are packed here because the generated packer pads even empty
  // buffers to 16 bytes; everything else is packed by the generated code,
  // field for field.
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers;
  buffers.reserve(m.buffers.size());
  for (const auto& b : m.buffers) {
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> data = 0;
    if (!b->data.empty()) {
      if (options.align_buffers) fbb.ForceVectorAlignment(b->data.size(), sizeof(uint8_t), 16);
      data = fbb.CreateVector(b->data);
    }
    buffers.push_back(tflite::CreateBuffer(fbb, data, b->offset, b->size));
  }
  auto pack_all = [&fbb](const auto& items) {
    using Item = typename std::decay_t<decltype(items)>::value_type::element_type;
    using Table = typename Item::TableType;
    std::vector<flatbuffers::Offset<Table>> offsets;
    offsets.reserve(items.size());
    for (const auto& item : items) offsets.push_back(Table::Pack(fbb, item.get()));
    return offsets;
  };
  auto vector_or_null = [&fbb](const auto& items) {
    return items.empty() ? 0 : fbb.CreateVector(items);
  };
  const auto operator_codes = vector_or_null(pack_all(m.operator_codes));
  const auto subgraphs = vector_or_null(pack_all(m.subgraphs));
  const auto description = m.description.empty() ? 0 : fbb.CreateString(m.description);
  const auto buffer_vector = vector_or_null(buffers);
  const auto metadata_buffer = vector_or_null(m.metadata_buffer);
  const auto metadata = vector_or_null(pack_all(m.metadata));
  const auto signature_defs = vector_or_null(pack_all(m.signature_defs));
  const auto groups = vector_or_null(pack_all(m.external_buffer_groups));
  const auto external = vector_or_null(pack_all(m.external_buffers));
  const auto root = tflite::CreateModel(fbb, m.version, operator_codes, subgraphs, description,
                                        buffer_vector, metadata_buffer, metadata, signature_defs,
                                        groups, external);
  tflite::FinishModelBuffer(fbb, root);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

void SaveModel(const Model& model, const std::string& path, const SaveOptions& options) {
  if (!model.source().empty()) RefuseOverwritingInput(path, {model.source()}, options.allow_overwrite_source);
  VerifyModel(model);
  const std::vector<uint8_t> bytes = SerializeModel(model, options);
  WriteFileAtomic(path, bytes.data(), bytes.size());
}

}  // namespace tinyforge
