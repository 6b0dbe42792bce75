// Bad input at the library boundary: every broken file must give a
// tinyforge::Error (kBadInput) whose message starts with the source name, is
// one line and names the place; never a crash (these run under ASan/UBSan in
// CI). Out-of-range indices and short buffers are crafted by editing a real
// model's object tree and packing it without verification.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "libconvert/model/model_io.h"
#include "tests/test_util.h"

namespace tinyforge {
namespace {

using testing::ModelPath;
using testing::SharedModelNames;

constexpr char kBadSource[] = "bad.tflite";

// The message of the Error ParseModel throws on `bytes`, checked for the
// contract above; "" (and a test failure) when it loads or throws otherwise.
std::string RejectionOf(const std::vector<uint8_t>& bytes, const std::string& source = kBadSource) {
  try {
    ParseModel(bytes.data(), bytes.size(), source);
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput) << message;
    EXPECT_EQ(message.rfind(source + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find('\r'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "expected an Error";
  return "";
}

void ExpectRejected(const std::vector<uint8_t>& bytes, const std::string& place) {
  const std::string message = RejectionOf(bytes);
  EXPECT_NE(message.find(place), std::string::npos) << "expected '" << place << "' in: " << message;
}

// Packs an object tree as it is: the generated packer, no checks.
std::vector<uint8_t> Pack(const tflite::ModelT& m) {
  flatbuffers::FlatBufferBuilder fbb;
  tflite::FinishModelBuffer(fbb, tflite::Model::Pack(fbb, &m));
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

std::unique_ptr<tflite::ModelT> Unpacked(const std::string& name) {
  const std::vector<uint8_t> bytes = ReadFileBytes(ModelPath(name));
  return std::unique_ptr<tflite::ModelT>(tflite::GetModel(bytes.data())->UnPack());
}

TEST(BadInput, EmptyAndTinyFiles) {
  ExpectRejected({}, "0 bytes is too small to be a TFLite model");
  ExpectRejected({1, 2, 3}, "3 bytes is too small");
}

TEST(BadInput, WrongIdentifierIsNamedPrintably) {
  TF_REQUIRE_SHARED();
  std::vector<uint8_t> bytes = ReadFileBytes(ModelPath("single_add"));
  bytes[4] = 'T';
  bytes[5] = 'F';
  bytes[6] = 'L';
  bytes[7] = '\n';
  ExpectRejected(bytes, "file identifier is 'TFL?', expected 'TFL3'");
}

TEST(BadInput, EveryModelTruncatedAtEveryTenth) {
  TF_REQUIRE_SHARED();
  for (const auto& name : SharedModelNames()) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> bytes = ReadFileBytes(ModelPath(name));
    for (int tenth = 0; tenth <= 9; ++tenth) {
      SCOPED_TRACE(std::to_string(tenth * 10) + "%");
      const size_t size = bytes.size() * static_cast<size_t>(tenth) / 10;
      const std::vector<uint8_t> cut(bytes.begin(),
                                     bytes.begin() + static_cast<std::ptrdiff_t>(size));
      const std::string message = RejectionOf(cut);
      if (size >= 8) {
        EXPECT_NE(message.find("malformed"), std::string::npos) << message;
      }
    }
  }
}

// Random bit flips: each result either loads (a flip in weight data, say) and
// is then safe to serialize and reload, or is rejected under the contract.
TEST(BadInput, RandomBitFlipsLoadOrFailCleanly) {
  TF_REQUIRE_SHARED();
  const unsigned seed = 7051;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  size_t rejected = 0;
  size_t loaded = 0;
  for (const char* name :
       {"hello_world_int8", "single_fc_bias", "mnist_quantized", "trained_lstm_int8"}) {
    SCOPED_TRACE(name);
    const std::vector<uint8_t> original = ReadFileBytes(ModelPath(name));
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<uint8_t> bytes = original;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        const size_t bit = rng() % (bytes.size() * 8);
        bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      }
      try {
        const Model m = ParseModel(bytes.data(), bytes.size(), kBadSource);
        const std::vector<uint8_t> saved = SerializeModel(m, WriteOptions{false});
        const Model again = ParseModel(saved.data(), saved.size(), kBadSource);
        EXPECT_EQ(SerializeModel(again, WriteOptions{false}), saved);
        ++loaded;
      } catch (const Error&) {
        RejectionOf(bytes);  // checks the message
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(loaded, 0u);
}

// --- indices out of range ---------------------------------------------------

TEST(BadInput, OperatorTensorIndicesOutOfRange) {
  TF_REQUIRE_SHARED();
  auto m = Unpacked("single_fc");  // 4 tensors, one FULLY_CONNECTED
  const size_t n = m->subgraphs[0]->tensors.size();
  auto edit = [&](auto change, const std::string& place) {
    auto copy = Unpacked("single_fc");
    change(*copy->subgraphs[0]->operators[0]);
    ExpectRejected(Pack(*copy), place);
  };
  edit([](tflite::OperatorT& op) { op.inputs[1] = 812; },
       "subgraph 0, operator 0 (FULLY_CONNECTED): input 1 is tensor 812, but the subgraph has " +
           std::to_string(n) + " tensors");
  edit([](tflite::OperatorT& op) { op.inputs[0] = -5; }, "input 0 is tensor -5");
  edit([](tflite::OperatorT& op) { op.outputs[0] = 4000; }, "output 0 is tensor 4000");
  edit([](tflite::OperatorT& op) { op.intermediates.push_back(99); },
       "intermediate 0 is tensor 99");
  edit([](tflite::OperatorT& op) { op.opcode_index = 7; },
       "subgraph 0, operator 0: operator code index 7, but the model has 1 operator codes");
}

TEST(BadInput, ModelLevelIndicesOutOfRange) {
  TF_REQUIRE_SHARED();
  auto edit = [](auto change, const std::string& place) {
    auto m = Unpacked("single_fc");
    change(*m);
    ExpectRejected(Pack(*m), place);
  };
  edit([](tflite::ModelT& m) { m.subgraphs[0]->inputs[0] = 9; }, "subgraph 0: input 0 is tensor 9");
  edit([](tflite::ModelT& m) { m.subgraphs[0]->outputs[0] = -1; },
       "subgraph 0: output 0 is tensor -1");
  edit([](tflite::ModelT& m) { m.subgraphs[0]->tensors[1]->buffer = 1000; },
       "subgraph 0, tensor 1 ('");
  edit([](tflite::ModelT& m) { m.subgraphs[0]->tensors[1]->buffer = 1000; },
       "refers to buffer 1000");
  edit([](tflite::ModelT& m) { m.metadata[0]->buffer = 77; },
       "metadata 0 ('min_runtime_version') refers to buffer 77");
  edit([](tflite::ModelT& m) { m.metadata_buffer.push_back(-3); },
       "metadata_buffer 0 is buffer -3");
  edit([](tflite::ModelT& m) { m.signature_defs[0]->inputs[0]->tensor_index = 50; },
       "signature 0 ('serving_default'): '");
  edit([](tflite::ModelT& m) { m.signature_defs[0]->subgraph_index = 3; },
       "signature 0 ('serving_default') refers to subgraph 3");
  edit([](tflite::ModelT& m) { m.subgraphs.clear(); }, "the model has no subgraphs");
  edit([](tflite::ModelT& m) { m.version = 2; }, "schema version is 2");
}

// --- buffers and shapes -------------------------------------------------------

TEST(BadInput, BufferSmallerOrLargerThanItsTensor) {
  TF_REQUIRE_SHARED();
  for (int delta : {-4, -1, 1}) {
    SCOPED_TRACE(delta);
    auto m = Unpacked("single_fc");
    const auto& g = *m->subgraphs[0];
    const int weights = g.operators[0]->inputs[1];
    const tflite::TensorT& t = *g.tensors[static_cast<size_t>(weights)];
    auto& data = m->buffers[t.buffer]->data;
    const size_t expected = data.size();
    data.resize(data.size() + static_cast<size_t>(static_cast<ptrdiff_t>(delta)));
    ExpectRejected(Pack(*m),
                   "subgraph 0, tensor " + std::to_string(weights) + " ('" + t.name + "'): shape " +
                       "[" + std::to_string(t.shape[0]) + "," + std::to_string(t.shape[1]) +
                       "] of FLOAT32 needs " + std::to_string(expected) + " bytes, but buffer " +
                       std::to_string(t.buffer) + " holds " + std::to_string(data.size()));
  }
}

// A constant tensor whose shape has more elements than int64 holds, or whose
// byte size would overflow: a located error, not an overflow.
TEST(BadInput, HugeShapesOfConstants) {
  TF_REQUIRE_SHARED();
  const int32_t big = std::numeric_limits<int32_t>::max();
  for (const std::vector<int32_t>& shape :
       {std::vector<int32_t>{big, big, big}, std::vector<int32_t>{1 << 30, 1 << 30, 2},
        std::vector<int32_t>{big, big, 4}}) {
    auto m = Unpacked("single_fc");
    const auto& g = *m->subgraphs[0];
    const int weights = g.operators[0]->inputs[1];
    g.tensors[static_cast<size_t>(weights)]->shape = shape;
    ExpectRejected(Pack(*m), "subgraph 0, tensor " + std::to_string(weights));
  }
}

TEST(BadInput, NegativeDimensionAndQuantizationMismatch) {
  TF_REQUIRE_SHARED();
  auto m = Unpacked("single_fc");
  m->subgraphs[0]->tensors[0]->shape = {1, -3};
  ExpectRejected(Pack(*m), "subgraph 0, tensor 0 ('");
  m = Unpacked("hello_world_int8");
  auto& input = *m->subgraphs[0]->tensors[static_cast<size_t>(m->subgraphs[0]->inputs[0])];
  ASSERT_TRUE(input.quantization);
  ASSERT_EQ(input.quantization->scale.size(), 1u);
  input.quantization->zero_point = {0, 0};
  ExpectRejected(Pack(*m), "quantization has 1 scales but 2 zero points");
}

TEST(BadInput, OperatorsOutOfOrderOrProducingTwice) {
  TF_REQUIRE_SHARED();
  auto m = Unpacked("hello_world_float");
  auto& ops = m->subgraphs[0]->operators;
  std::swap(ops[0], ops[1]);
  ExpectRejected(Pack(*m), "operators are not in execution order");
  m = Unpacked("hello_world_float");
  m->subgraphs[0]->operators[1]->outputs[0] = m->subgraphs[0]->operators[0]->outputs[0];
  ExpectRejected(Pack(*m), "which operator 0 already produces");
}

TEST(BadInput, DataOutsideTheFlatbufferIsRefused) {
  TF_REQUIRE_SHARED();
  auto m = Unpacked("single_fc");
  m->buffers[1]->offset = 4096;
  m->buffers[1]->size = 16;
  ExpectRejected(Pack(*m), "buffer 1 stores its data outside the flatbuffer");
  m = Unpacked("single_fc");
  m->subgraphs[0]->operators[0]->large_custom_options_offset = 4096;
  m->subgraphs[0]->operators[0]->large_custom_options_size = 16;
  ExpectRejected(Pack(*m),
                 "subgraph 0, operator 0 (FULLY_CONNECTED): custom options are stored "
                 "outside the flatbuffer");
}

// --- classes found by fuzzing -------------------------------------------------

// Names come from the file: printed escaped, so a message stays one line.
TEST(BadInput, ControlCharactersInNamesKeepTheMessageOneLine) {
  TF_REQUIRE_SHARED();
  auto m = Unpacked("single_fc");
  const auto& g = *m->subgraphs[0];
  const int weights = g.operators[0]->inputs[1];
  tflite::TensorT& t = *g.tensors[static_cast<size_t>(weights)];
  t.name = "evil\nname\r\x01";
  m->buffers[t.buffer]->data.pop_back();
  ExpectRejected(Pack(*m), "('evil\\x0aname\\x0d\\x01')");
  // Very long names are shortened.
  t.name = std::string(100000, 'n');
  EXPECT_LT(RejectionOf(Pack(*m)).size(), 1000u);
}

// A union whose type says "options of kind X" but whose table is absent (or
// of a kind our schema does not know) would make the writer dereference a
// null table: the loader refuses it.
std::vector<uint8_t> ReluModelWithOptions(tflite::BuiltinOptions type) {
  flatbuffers::FlatBufferBuilder fbb;
  const auto buffers =
      fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::Buffer>>{tflite::CreateBuffer(fbb)});
  const auto codes = fbb.CreateVector(
      std::vector<flatbuffers::Offset<tflite::OperatorCode>>{tflite::CreateOperatorCode(
          fbb, tflite::BuiltinOperator_RELU, 0, 1, tflite::BuiltinOperator_RELU)});
  const std::vector<int32_t> shape{1, 4};
  const auto tensors = fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::Tensor>>{
      tflite::CreateTensor(fbb, fbb.CreateVector(shape), tflite::TensorType_FLOAT32, 0,
                           fbb.CreateString("x")),
      tflite::CreateTensor(fbb, fbb.CreateVector(shape), tflite::TensorType_FLOAT32, 0,
                           fbb.CreateString("y"))});
  const std::vector<int32_t> in{0};
  const std::vector<int32_t> out{1};
  const auto ops = fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::Operator>>{
      tflite::CreateOperator(fbb, 0, fbb.CreateVector(in), fbb.CreateVector(out), type, 0)});
  const auto subgraphs = fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::SubGraph>>{
      tflite::CreateSubGraph(fbb, tensors, fbb.CreateVector(in), fbb.CreateVector(out), ops)});
  tflite::FinishModelBuffer(fbb, tflite::CreateModel(fbb, 3, codes, subgraphs, 0, buffers));
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

TEST(BadInput, OptionsTypeWithoutOptionsTable) {
  // The well-formed model loads (the builder is right).
  EXPECT_NO_THROW(ParseModel(ReluModelWithOptions(tflite::BuiltinOptions_NONE).data(),
                             ReluModelWithOptions(tflite::BuiltinOptions_NONE).size(), kBadSource));
  ExpectRejected(ReluModelWithOptions(tflite::BuiltinOptions_FullyConnectedOptions),
                 "subgraph 0, operator 0 (RELU): builtin_options says FullyConnectedOptions but "
                 "holds no options table");
  ExpectRejected(ReluModelWithOptions(static_cast<tflite::BuiltinOptions>(250)),
                 "subgraph 0, operator 0 (RELU): builtin_options has type 250");
}

TEST(BadInput, QuantizationDetailsTypeWithoutTable) {
  TF_REQUIRE_SHARED();
  auto m = Unpacked("single_fc");
  auto& t = *m->subgraphs[0]->tensors[0];
  if (!t.quantization) t.quantization = std::make_unique<tflite::QuantizationParametersT>();
  // A type our schema does not know packs as a type with no table.
  t.quantization->details.type = static_cast<tflite::QuantizationDetails>(77);
  ExpectRejected(Pack(*m), "subgraph 0, tensor 0 ('");
}

// A one-tensor-quantized RELU model whose int64 zero_point array starts at
// `misalignment` (0 or 4) mod 8 in the file. The flatbuffers verifier only
// checks a vector's 4-byte length field, so 4 passes it; unpacking would then
// read misaligned int64s (found by fuzzing).
std::vector<uint8_t> ReluModelWithZeroPointAt(size_t misalignment) {
  // The builder writes back to front, so the array's file offset depends on
  // what is built after it: try with and without 4 unused bytes there.
  for (int pad = 0; pad < 2; ++pad) {
    flatbuffers::FlatBufferBuilder fbb;
    // The array, built as 4-byte units so the builder aligns it only to 4.
    fbb.StartVector(2, sizeof(uint32_t));
    fbb.PushElement<uint32_t>(0);
    fbb.PushElement<uint32_t>(0);
    const flatbuffers::Offset<flatbuffers::Vector<int64_t>> zero_point(fbb.EndVector(1));
    if (pad) fbb.PushElement<uint32_t>(0);
    const std::vector<float> scale{0.5f};
    const auto quantization =
        tflite::CreateQuantizationParameters(fbb, 0, 0, fbb.CreateVector(scale), zero_point);
    const auto buffers = fbb.CreateVector(
        std::vector<flatbuffers::Offset<tflite::Buffer>>{tflite::CreateBuffer(fbb)});
    const auto codes = fbb.CreateVector(
        std::vector<flatbuffers::Offset<tflite::OperatorCode>>{tflite::CreateOperatorCode(
            fbb, tflite::BuiltinOperator_RELU, 0, 1, tflite::BuiltinOperator_RELU)});
    const std::vector<int32_t> shape{1, 4};
    const auto tensors = fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::Tensor>>{
        tflite::CreateTensor(fbb, fbb.CreateVector(shape), tflite::TensorType_INT8, 0,
                             fbb.CreateString("x"), quantization),
        tflite::CreateTensor(fbb, fbb.CreateVector(shape), tflite::TensorType_INT8, 0,
                             fbb.CreateString("y"))});
    const std::vector<int32_t> in{0};
    const std::vector<int32_t> out{1};
    const auto ops = fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::Operator>>{
        tflite::CreateOperator(fbb, 0, fbb.CreateVector(in), fbb.CreateVector(out))});
    const auto subgraphs = fbb.CreateVector(std::vector<flatbuffers::Offset<tflite::SubGraph>>{
        tflite::CreateSubGraph(fbb, tensors, fbb.CreateVector(in), fbb.CreateVector(out), ops)});
    tflite::FinishModelBuffer(fbb, tflite::CreateModel(fbb, 3, codes, subgraphs, 0, buffers));
    std::vector<uint8_t> bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    // Where the array landed, read without touching its elements.
    const auto* zp = tflite::GetModel(bytes.data())
                         ->subgraphs()
                         ->Get(0)
                         ->tensors()
                         ->Get(0)
                         ->quantization()
                         ->zero_point();
    const size_t offset = static_cast<size_t>(zp->Data() - bytes.data());
    if (offset % 8 == misalignment) return bytes;
  }
  ADD_FAILURE() << "could not place the zero_point array at " << misalignment << " mod 8";
  return {};
}

TEST(BadInput, MisalignedInt64ArrayIsMalformed) {
  // The same model with the array aligned loads (the builder is right).
  const std::vector<uint8_t> aligned = ReluModelWithZeroPointAt(0);
  EXPECT_NO_THROW(ParseModel(aligned.data(), aligned.size(), kBadSource));
  ExpectRejected(ReluModelWithZeroPointAt(4),
                 "the flatbuffer is malformed: subgraph 0, tensor 0: the int64 zero_point array");
}

}  // namespace
}  // namespace tinyforge
