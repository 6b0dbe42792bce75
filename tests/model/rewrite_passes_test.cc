// Each rewrite pass on models made to show what it must and must not do.
#include "tests/model/rewrite_test_util.h"

namespace tinyforge {
namespace {

struct Junk {
  Model base;          // hello_world_float with a duplicated bias (see below)
  Model model;         // base + junk
  uint32_t dup_a = 0;  // the two buffers with equal bytes, in `base`
  uint32_t dup_b = 0;
};

// Inserts `t` as tensor 0 of subgraph 0, shifting every reference.
void InsertTensorAtFront(tflite::ModelT& m, std::unique_ptr<tflite::TensorT> t) {
  tflite::SubGraphT& g = *m.subgraphs[0];
  g.tensors.insert(g.tensors.begin(), std::move(t));
  auto shift = [](int32_t& i) {
    if (i >= 0) ++i;
  };
  for (auto& op : g.operators) {
    for (auto& i : op->inputs) shift(i);
    for (auto& i : op->outputs) shift(i);
    for (auto& i : op->intermediates) shift(i);
  }
  for (auto& i : g.inputs) shift(i);
  for (auto& i : g.outputs) shift(i);
  for (auto& s : m.signature_defs) {
    for (auto& e : s->inputs) ++e->tensor_index;
    for (auto& e : s->outputs) ++e->tensor_index;
  }
}

// Inserts a buffer at index 1 (just after the sentinel), shifting references.
void InsertBufferAtOne(tflite::ModelT& m, std::vector<uint8_t> data) {
  for (auto& g : m.subgraphs) {
    for (auto& t : g->tensors) t->buffer += t->buffer >= 1 ? 1 : 0;
  }
  for (auto& md : m.metadata) md->buffer += md->buffer >= 1 ? 1 : 0;
  for (auto& b : m.metadata_buffer) b += b >= 1 ? 1 : 0;
  auto buffer = std::make_unique<tflite::BufferT>();
  buffer->data = std::move(data);
  m.buffers.insert(m.buffers.begin() + 1, std::move(buffer));
}

Junk MakeJunk() {
  Model base = LoadModel(ModelPath("hello_world_float"));
  tflite::ModelT& b = base.raw();
  // Operators 0 and 1 both have a [16] float bias (tensors 3 and 1): give
  // the second the first one's values, so two used buffers are equal.
  const auto& ops = b.subgraphs[0]->operators;
  const uint32_t bias0 = b.subgraphs[0]->tensors[static_cast<size_t>(ops[0]->inputs[2])]->buffer;
  const uint32_t bias1 = b.subgraphs[0]->tensors[static_cast<size_t>(ops[1]->inputs[2])]->buffer;
  b.buffers[bias1]->data = b.buffers[bias0]->data;

  Junk junk{std::move(base), LoadModel(ModelPath("hello_world_float")), 0, 0};
  junk.dup_a = std::min(bias0, bias1);
  junk.dup_b = std::max(bias0, bias1);
  junk.model = junk.base.Clone();
  tflite::ModelT& m = junk.model.raw();
  // An unreferenced buffer at index 1 (7 bytes).
  InsertBufferAtOne(m, {1, 2, 3, 4, 5, 6, 7});
  // An unused constant tensor at index 0 with its own 12-byte buffer at 1.
  InsertBufferAtOne(m, std::vector<uint8_t>(12, 0xab));
  auto dead = std::make_unique<tflite::TensorT>();
  dead->name = "dead";
  dead->type = tflite::TensorType_FLOAT32;
  dead->shape = {3};
  dead->buffer = 1;
  InsertTensorAtFront(m, std::move(dead));
  // An unused operator code at index 0.
  auto tanh = std::make_unique<tflite::OperatorCodeT>();
  tanh->builtin_code = tflite::BuiltinOperator_TANH;
  tanh->deprecated_builtin_code = tflite::BuiltinOperator_TANH;
  tanh->version = 1;
  m.operator_codes.insert(m.operator_codes.begin(), std::move(tanh));
  for (auto& op : m.subgraphs[0]->operators) ++op->opcode_index;
  VerifyModel(junk.model);
  return junk;
}

TEST(Rewrite, StripUnusedRemovesExactlyTheJunk) {
  TF_REQUIRE_SHARED();
  Junk junk = MakeJunk();
  const PassReport r = StripUnused(junk.model);
  EXPECT_EQ(r.tensors_removed, 1u);
  EXPECT_EQ(r.buffers_removed, 2u);
  EXPECT_EQ(r.data_bytes_removed, 12u + 7u);
  EXPECT_EQ(r.operator_codes_removed, 1u);
  EXPECT_EQ(r.metadata_removed, 0u);
  // Every index renumbered back: the very tree we started from.
  EXPECT_TRUE(junk.model.raw() == junk.base.raw());
  VerifyModel(junk.model);
  // Nothing left to strip.
  const PassReport again = StripUnused(junk.model);
  EXPECT_EQ(again.tensors_removed + again.buffers_removed + again.operator_codes_removed, 0u);
}

TEST(Rewrite, StripUnusedKeepsWhatTheModelStillNeeds) {
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("hello_world_float"));
  // A variable tensor nothing reads, a tensor only a signature names, a
  // subgraph output nothing else reads, and a metadata buffer.
  auto variable = std::make_unique<tflite::TensorT>();
  variable->name = "state";
  variable->type = tflite::TensorType_FLOAT32;
  variable->shape = {4};
  variable->is_variable = true;
  const int variable_index = m.AddTensor(0, std::move(variable));
  auto named = std::make_unique<tflite::TensorT>();
  named->name = "in_signature_only";
  named->type = tflite::TensorType_INT32;
  named->shape = {1};
  named->buffer = m.AddBuffer({1, 0, 0, 0});
  const int named_index = m.AddTensor(0, std::move(named));
  auto entry = std::make_unique<tflite::TensorMapT>();
  entry->name = "extra";
  entry->tensor_index = static_cast<uint32_t>(named_index);
  m.raw().signature_defs[0]->outputs.push_back(std::move(entry));
  const size_t tensors = m.subgraph(0).tensors.size();
  const size_t buffers = m.raw().buffers.size();
  const size_t codes = m.raw().operator_codes.size();

  const PassReport r = StripUnused(m);
  EXPECT_EQ(r.tensors_removed, 0u);
  EXPECT_EQ(r.buffers_removed, 0u);
  EXPECT_EQ(m.subgraph(0).tensors.size(), tensors);
  EXPECT_EQ(m.raw().buffers.size(), buffers);
  EXPECT_EQ(m.raw().operator_codes.size(), codes);
  EXPECT_EQ(m.tensor(0, variable_index).name, "state");
  EXPECT_EQ(m.tensor(0, named_index).name, "in_signature_only");
}

// Empty buffers (other than 0, not metadata's) in `m`: dedupe folds them
// into buffer 0.
size_t FoldableEmptyBuffers(const tflite::ModelT& m) {
  std::set<uint32_t> metadata;
  for (const auto& md : m.metadata) metadata.insert(md->buffer);
  size_t n = 0;
  for (size_t b = 1; b < m.buffers.size(); ++b) {
    if (m.buffers[b]->data.empty() && metadata.count(static_cast<uint32_t>(b)) == 0) ++n;
  }
  return n;
}

size_t TensorsOnEmptyBuffers(const tflite::ModelT& m) {
  size_t n = 0;
  for (const auto& g : m.subgraphs) {
    for (const auto& t : g->tensors)
      n += (t->buffer != 0 && m.buffers[t->buffer]->data.empty()) ? 1 : 0;
  }
  return n;
}

TEST(Rewrite, DedupeMergesExactlyTheDuplicate) {
  TF_REQUIRE_SHARED();
  Junk junk = MakeJunk();
  Model& m = junk.base;
  // Metadata holding the same bytes as the duplicated bias is never merged.
  const uint32_t meta = m.AddBuffer(m.raw().buffers[junk.dup_a]->data);
  auto md = std::make_unique<tflite::MetadataT>();
  md->name = "same_bytes_as_a_bias";
  md->buffer = meta;
  m.raw().metadata.push_back(std::move(md));
  const Model before = m.Clone();
  const size_t empties = FoldableEmptyBuffers(m.raw());
  const size_t on_empties = TensorsOnEmptyBuffers(m.raw());
  ASSERT_GT(empties, 0u);

  const PassReport r = DedupeBuffers(m);
  EXPECT_EQ(r.buffers_removed, 1u + empties);
  EXPECT_EQ(r.data_bytes_removed, 64u);
  EXPECT_EQ(r.tensors_redirected, 1u + on_empties);
  EXPECT_EQ(m.raw().buffers.size(), before.raw().buffers.size() - 1 - empties);
  VerifyModel(m);
  ExpectSameComputation(before.raw(), m.raw());
  // Both biases now share one buffer; the metadata kept its own.
  const auto& g = *m.raw().subgraphs[0];
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.operators[0]->inputs[2])]->buffer,
            g.tensors[static_cast<size_t>(g.operators[1]->inputs[2])]->buffer);
  EXPECT_EQ(m.raw().buffers[m.raw().metadata.back()->buffer]->data,
            before.raw().buffers[junk.dup_a]->data);
  for (const auto& t : g.tensors) {
    if (t->buffer != 0) {
      EXPECT_FALSE(m.raw().buffers[t->buffer]->data.empty());
    }
  }
  // Idempotent.
  const PassReport again = DedupeBuffers(m);
  EXPECT_EQ(again.buffers_removed, 0u);
}

// Buffers of variable tensors and of operator outputs hold data that changes
// at run time: never shared, even when the initial bytes are equal.
TEST(Rewrite, DedupeLeavesWritableBuffersAlone) {
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("hello_world_float"));
  const auto& ops = m.subgraph(0).operators;
  const uint32_t bias = m.tensor(0, ops[0]->inputs[2]).buffer;
  auto variable = std::make_unique<tflite::TensorT>();
  variable->name = "state";
  variable->type = tflite::TensorType_FLOAT32;
  variable->shape = {16};
  variable->is_variable = true;
  variable->buffer = m.AddBuffer(m.raw().buffers[bias]->data);
  const int v = m.AddTensor(0, std::move(variable));
  const PassReport r = DedupeBuffers(m);
  EXPECT_EQ(r.data_bytes_removed, 0u);
  EXPECT_FALSE(m.raw().buffers[m.tensor(0, v).buffer]->data.empty());
  EXPECT_NE(m.tensor(0, v).buffer, m.tensor(0, m.subgraph(0).operators[0]->inputs[2]).buffer);
}

// trained_lstm holds one real pair of identical constant buffers.
TEST(Rewrite, DedupeFindsTheRealDuplicateInTrainedLstm) {
  TF_REQUIRE_SHARED();
  const Model original = LoadModel(ModelPath("trained_lstm"));
  Model m = original.Clone();
  const size_t empties = FoldableEmptyBuffers(m.raw());
  const PassReport r = DedupeBuffers(m);
  EXPECT_EQ(r.buffers_removed, 1u + empties);
  EXPECT_GT(r.data_bytes_removed, 0u);
  ExpectSameComputation(original.raw(), m.raw());
}

TEST(Rewrite, StripNamesGivesUniqueShortIdsAndKeepsSignatureNames) {
  TF_REQUIRE_SHARED();
  const Model original = LoadModel(ModelPath("conv_fc_mnist"));
  Model m = original.Clone();
  const PassReport r = StripNames(m);
  EXPECT_EQ(r.tensors_renamed, original.subgraph(0).tensors.size());
  std::set<std::string> seen;
  for (size_t t = 0; t < m.subgraph(0).tensors.size(); ++t) {
    const std::string& name = m.subgraph(0).tensors[t]->name;
    EXPECT_EQ(name, "t" + std::to_string(t));
    EXPECT_TRUE(seen.insert(name).second) << name;
  }
  const auto& sig_before = *original.raw().signature_defs[0];
  const auto& sig_after = *m.raw().signature_defs[0];
  EXPECT_EQ(sig_after.signature_key, sig_before.signature_key);
  EXPECT_EQ(sig_after.inputs[0]->name, sig_before.inputs[0]->name);
  EXPECT_EQ(sig_after.outputs[0]->name, sig_before.outputs[0]->name);
  ExpectSameComputation(original.raw(), m.raw());
  EXPECT_LT(SerializeModel(m).size(), SerializeModel(original).size());
  // Deterministic and idempotent.
  Model twice = original.Clone();
  StripNames(twice);
  EXPECT_TRUE(twice.raw() == m.raw());
  EXPECT_EQ(StripNames(twice).tensors_renamed, 0u);
}

TEST(Rewrite, StripMetadataRemovesEntriesAndTheirBuffers) {
  TF_REQUIRE_SHARED();
  const Model original = LoadModel(ModelPath("conv_fc_mnist"));
  Model m = original.Clone();
  const auto& md = original.raw().metadata;
  ASSERT_EQ(md.size(), 2u);
  const size_t conversion = md[0]->name == "CONVERSION_METADATA" ? 0 : 1;
  const size_t kept = 1 - conversion;
  const size_t bytes = original.raw().buffers[md[conversion]->buffer]->data.size();
  const PassReport r = StripMetadata(m, {"CONVERSION_METADATA"});
  EXPECT_EQ(r.metadata_removed, 1u);
  EXPECT_EQ(r.buffers_removed, 1u);
  EXPECT_EQ(r.data_bytes_removed, bytes);
  ASSERT_EQ(m.raw().metadata.size(), 1u);
  EXPECT_EQ(m.raw().metadata[0]->name, md[kept]->name);
  EXPECT_EQ(m.raw().buffers[m.raw().metadata[0]->buffer]->data,
            original.raw().buffers[md[kept]->buffer]->data);
  VerifyModel(m);
  ExpectSameComputation(original.raw(), m.raw());
}

TEST(Rewrite, StripMetadataRemovesEveryEntryOfTheName) {
  TF_REQUIRE_SHARED();
  // single_fc_bias_relu has two entries named min_runtime_version.
  Model m = LoadModel(ModelPath("single_fc_bias_relu"));
  const PassReport r = StripMetadata(m, {"min_runtime_version"});
  EXPECT_EQ(r.metadata_removed, 2u);
  EXPECT_EQ(r.buffers_removed, 2u);
  ASSERT_EQ(m.raw().metadata.size(), 1u);
  EXPECT_EQ(m.raw().metadata[0]->name, "CONVERSION_METADATA");
  VerifyModel(m);
}

TEST(Rewrite, StripMetadataKeepsABufferATensorStillUses) {
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("hello_world_float"));
  const uint32_t weights = m.tensor(0, m.subgraph(0).operators[0]->inputs[1]).buffer;
  auto md = std::make_unique<tflite::MetadataT>();
  md->name = "aliases_weights";
  md->buffer = weights;
  m.raw().metadata.push_back(std::move(md));
  m.raw().metadata_buffer.push_back(static_cast<int32_t>(weights));
  const size_t buffers = m.raw().buffers.size();
  const PassReport r = StripMetadata(m, {"aliases_weights"});
  EXPECT_EQ(r.metadata_removed, 1u);
  EXPECT_EQ(r.buffers_removed, 0u);
  EXPECT_EQ(m.raw().buffers.size(), buffers);
  EXPECT_TRUE(m.raw().metadata_buffer.empty());
  VerifyModel(m);
}

TEST(Rewrite, StripMetadataNamesWhatIsMissing) {
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("single_add"));
  try {
    StripMetadata(m, {"nope"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kBadInput);
    EXPECT_EQ(message.rfind(ModelPath("single_add") + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("'nope'"), std::string::npos) << message;
    EXPECT_NE(message.find("'min_runtime_version'"), std::string::npos) << message;
  }
}

TEST(Rewrite, SetDescription) {
  TF_REQUIRE_SHARED();
  Model m = LoadModel(ModelPath("single_add"));
  PassReport r = SetDescription(m, "kws v3");
  EXPECT_EQ(m.raw().description, "kws v3");
  EXPECT_EQ(r.lines.size(), 1u);
  r = SetDescription(m, "kws v3");
  EXPECT_TRUE(r.lines.empty());
}

TEST(Rewrite, DriverAppliesPassesInTheDocumentedOrderAndCountsBytes) {
  TF_REQUIRE_SHARED();
  Junk junk = MakeJunk();
  RewriteOptions options;
  options.align = true;
  options.description = "d";
  options.strip_names = true;
  options.dedupe_buffers = true;
  options.strip_unused = true;
  options.strip_metadata = {"CONVERSION_METADATA"};
  const RewriteResult result = Rewrite(junk.model, options);
  std::vector<std::string> order;
  for (const auto& p : result.passes) order.push_back(p.pass);
  EXPECT_EQ(order, (std::vector<std::string>{"strip-metadata", "strip-unused", "dedupe-buffers",
                                             "strip-names", "description", "align"}));
  // Each pass's sizes chain: one's "after" is the next's "before".
  size_t size = result.bytes_before;
  for (const auto& p : result.passes) {
    EXPECT_EQ(p.bytes_before, size) << p.pass;
    size = p.bytes_after;
  }
  EXPECT_EQ(size, result.bytes.size());
  EXPECT_EQ(result.passes[1].tensors_removed, 1u);
  EXPECT_GT(result.passes[1].bytes_saved(), 0);
  EXPECT_GT(result.passes[2].bytes_saved(), 0);
  EXPECT_GT(result.passes[3].bytes_saved(), 0);
  ExpectAligned(result.bytes);
  ExpectSameComputation(junk.base.raw(), result.model.raw());
}

}  // namespace
}  // namespace tinyforge
