#include "libconvert/model/rewrite.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "libconvert/base/text_format.h"
#include "libconvert/model/verify.h"

namespace tinyforge {
namespace {

// Longest list of individual changes a report spells out.
constexpr size_t kMaxListedChanges = 20;

// Shortens a long list of changes to its first kMaxListedChanges lines and a
// count of the rest.
void TrimLines(std::vector<std::string>& lines) {
  if (lines.size() <= kMaxListedChanges) return;
  const size_t omitted = lines.size() - kMaxListedChanges;
  lines.resize(kMaxListedChanges);
  lines.push_back("... and " + std::to_string(omitted) + " more");
}

[[noreturn]] void Internal(const Model& model, const std::string& what) {
  throw Error(model.source() + ": rewrite: " + what, ErrorCode::kInternal);
}

// New index of every old index given which to keep; -1 for removed ones.
std::vector<int64_t> Renumbering(const std::vector<bool>& keep) {
  std::vector<int64_t> map(keep.size(), -1);
  int64_t next = 0;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) map[i] = next++;
  }
  return map;
}

// Removes tensors of subgraph `sg` whose `keep` is false and renumbers every
// reference to the others. A reference to a removed tensor is a bug in the
// caller (Error kInternal).
void RemoveTensors(Model& model, size_t sg, const std::vector<bool>& keep) {
  tflite::ModelT& m = model.raw();
  tflite::SubGraphT& g = *m.subgraphs[sg];
  const std::vector<int64_t> map = Renumbering(keep);
  auto remap = [&](int32_t& index, bool allow_omitted) {
    if (index == -1 && allow_omitted) return;
    const int64_t mapped = map.at(static_cast<size_t>(index));
    if (mapped < 0) Internal(model, "removed tensor " + std::to_string(index) + " is still used");
    index = static_cast<int32_t>(mapped);
  };
  for (auto& op : g.operators) {
    for (int32_t& i : op->inputs) remap(i, true);
    for (int32_t& i : op->outputs) remap(i, false);
    for (int32_t& i : op->intermediates) remap(i, false);
  }
  for (int32_t& i : g.inputs) remap(i, false);
  for (int32_t& i : g.outputs) remap(i, false);
  for (auto& sig : m.signature_defs) {
    if (sig->subgraph_index != sg) continue;
    for (auto* maps : {&sig->inputs, &sig->outputs}) {
      for (auto& entry : *maps) {
        int32_t index = static_cast<int32_t>(entry->tensor_index);
        remap(index, false);
        entry->tensor_index = static_cast<uint32_t>(index);
      }
    }
  }
  std::vector<std::unique_ptr<tflite::TensorT>> kept;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    if (keep[t]) kept.push_back(std::move(g.tensors[t]));
  }
  g.tensors = std::move(kept);
}

// Buffers something refers to: buffer 0, tensors of every subgraph, metadata
// and metadata_buffer.
std::vector<bool> ReferencedBuffers(const tflite::ModelT& m) {
  std::vector<bool> used(m.buffers.size(), false);
  if (!used.empty()) used[0] = true;
  for (const auto& g : m.subgraphs) {
    for (const auto& t : g->tensors) used.at(t->buffer) = true;
  }
  for (const auto& md : m.metadata) used.at(md->buffer) = true;
  for (int32_t b : m.metadata_buffer) used.at(static_cast<size_t>(b)) = true;
  return used;
}

// Removes buffers whose `keep` is false, renumbers tensor.buffer,
// metadata.buffer and metadata_buffer, and returns the data bytes removed.
size_t RemoveBuffers(Model& model, const std::vector<bool>& keep) {
  tflite::ModelT& m = model.raw();
  if (!keep.empty() && !keep[0]) Internal(model, "buffer 0 must never be removed");
  const std::vector<int64_t> map = Renumbering(keep);
  auto remap = [&](uint32_t& index) {
    const int64_t mapped = map.at(index);
    if (mapped < 0) Internal(model, "removed buffer " + std::to_string(index) + " is still used");
    index = static_cast<uint32_t>(mapped);
  };
  for (auto& g : m.subgraphs) {
    for (auto& t : g->tensors) remap(t->buffer);
  }
  for (auto& md : m.metadata) remap(md->buffer);
  for (int32_t& b : m.metadata_buffer) {
    uint32_t index = static_cast<uint32_t>(b);
    remap(index);
    b = static_cast<int32_t>(index);
  }
  size_t bytes = 0;
  std::vector<std::unique_ptr<tflite::BufferT>> kept;
  for (size_t b = 0; b < m.buffers.size(); ++b) {
    if (keep[b]) {
      kept.push_back(std::move(m.buffers[b]));
    } else {
      bytes += m.buffers[b]->data.size();
    }
  }
  m.buffers = std::move(kept);
  return bytes;
}

// Removes the buffers nothing refers to any more (never buffer 0); returns
// how many, adding their data bytes to the report.
size_t RemoveUnreferencedBuffers(Model& model, PassReport& report) {
  const std::vector<bool> keep = ReferencedBuffers(model.raw());
  size_t removed = 0;
  for (size_t b = 0; b < keep.size(); ++b) {
    if (keep[b]) continue;
    ++removed;
    report.lines.push_back("removed buffer " + std::to_string(b) + " (" +
                           CountOf(static_cast<int64_t>(model.raw().buffers[b]->data.size()), "byte") + ")");
  }
  if (removed > 0) report.data_bytes_removed += RemoveBuffers(model, keep);
  report.buffers_removed += removed;
  return removed;
}

}  // namespace

PassReport StripMetadata(Model& model, const std::vector<std::string>& names) {
  tflite::ModelT& m = model.raw();
  PassReport report;
  report.pass = "strip-metadata";
  const std::set<std::string> wanted(names.begin(), names.end());
  for (const std::string& name : wanted) {
    const bool present = std::any_of(m.metadata.begin(), m.metadata.end(),
                                     [&](const auto& md) { return md->name == name; });
    if (present) continue;
    std::string have;
    for (const auto& md : m.metadata) have += (have.empty() ? "" : ", ") + QuotedName(md->name);
    throw Error(model.source() + ": --strip-metadata: the model has no metadata named " +
                QuotedName(name) +
                (have.empty() ? "; it has no metadata at all" : "; it has " + have));
  }
  std::set<uint32_t> freed;
  std::vector<std::unique_ptr<tflite::MetadataT>> kept;
  for (auto& md : m.metadata) {
    if (wanted.count(md->name) == 0) {
      kept.push_back(std::move(md));
      continue;
    }
    report.lines.push_back("removed metadata " + QuotedName(md->name) + " (buffer " +
                           std::to_string(md->buffer) + ", " +
                           CountOf(static_cast<int64_t>(m.buffers[md->buffer]->data.size()), "byte") + ")");
    freed.insert(md->buffer);
    ++report.metadata_removed;
  }
  m.metadata = std::move(kept);
  TrimLines(report.lines);
  // metadata_buffer (deprecated) lists the buffers that hold metadata; an
  // entry for a removed metadata's buffer goes with it.
  m.metadata_buffer.erase(
      std::remove_if(m.metadata_buffer.begin(), m.metadata_buffer.end(),
                     [&](int32_t b) { return freed.count(static_cast<uint32_t>(b)) > 0; }),
      m.metadata_buffer.end());
  // Only the freed buffers are removed here; other unused buffers are
  // strip-unused's business.
  std::vector<bool> keep(m.buffers.size(), true);
  const std::vector<bool> referenced = ReferencedBuffers(m);
  for (uint32_t b : freed) keep[b] = referenced[b];
  for (size_t b = 0; b < keep.size(); ++b) report.buffers_removed += keep[b] ? 0 : 1;
  report.data_bytes_removed = RemoveBuffers(model, keep);
  return report;
}

PassReport StripUnused(Model& model) {
  tflite::ModelT& m = model.raw();
  PassReport report;
  report.pass = "strip-unused";

  for (size_t sg = 0; sg < m.subgraphs.size(); ++sg) {
    const std::vector<int> uses = model.TensorUseCounts(sg);
    const auto& tensors = m.subgraphs[sg]->tensors;
    std::vector<bool> keep(tensors.size(), true);
    for (size_t t = 0; t < tensors.size(); ++t) {
      if (uses[t] > 0 || tensors[t]->is_variable) continue;
      keep[t] = false;
      ++report.tensors_removed;
      report.lines.push_back("removed tensor " + std::to_string(t) + " " +
                             QuotedName(tensors[t]->name) + " of subgraph " + std::to_string(sg));
    }
    if (std::find(keep.begin(), keep.end(), false) != keep.end()) RemoveTensors(model, sg, keep);
  }

  RemoveUnreferencedBuffers(model, report);

  std::vector<bool> keep_codes(m.operator_codes.size(), false);
  for (const auto& g : m.subgraphs) {
    for (const auto& op : g->operators) keep_codes.at(op->opcode_index) = true;
  }
  for (size_t c = 0; c < keep_codes.size(); ++c) {
    if (keep_codes[c]) continue;
    ++report.operator_codes_removed;
    const auto& code = *m.operator_codes[c];
    const int32_t value =
        std::max<int32_t>(code.builtin_code, static_cast<int32_t>(code.deprecated_builtin_code));
    const char* name =
        value >= tflite::BuiltinOperator_MIN && value <= tflite::BuiltinOperator_MAX
            ? tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(value))
            : "";
    report.lines.push_back("removed operator code " + std::to_string(c) + " (" +
                           (name && *name ? std::string(name) : "code " + std::to_string(value)) +
                           ")");
  }
  if (report.operator_codes_removed > 0) {
    const std::vector<int64_t> map = Renumbering(keep_codes);
    for (auto& g : m.subgraphs) {
      for (auto& op : g->operators) op->opcode_index = static_cast<uint32_t>(map[op->opcode_index]);
    }
    std::vector<std::unique_ptr<tflite::OperatorCodeT>> kept;
    for (size_t c = 0; c < keep_codes.size(); ++c) {
      if (keep_codes[c]) kept.push_back(std::move(m.operator_codes[c]));
    }
    m.operator_codes = std::move(kept);
  }
  TrimLines(report.lines);
  return report;
}

PassReport DedupeBuffers(Model& model) {
  tflite::ModelT& m = model.raw();
  PassReport report;
  report.pass = "dedupe-buffers";
  const size_t n = m.buffers.size();
  if (n == 0) return report;

  // Which buffers may be merged away or merged into.
  std::vector<bool> eligible(n, true);
  eligible[0] = false;  // never removed; a target only (below)
  for (const auto& md : m.metadata) eligible.at(md->buffer) = false;
  for (int32_t b : m.metadata_buffer) eligible.at(static_cast<size_t>(b)) = false;
  for (const auto& g : m.subgraphs) {
    // Tensors whose contents change while the model runs: their buffer holds
    // an initial value at most and must stay private.
    std::vector<bool> written(g->tensors.size(), false);
    for (const auto& op : g->operators) {
      for (int32_t t : op->outputs) written.at(static_cast<size_t>(t)) = true;
      for (int32_t t : op->intermediates) written.at(static_cast<size_t>(t)) = true;
      for (size_t i = 0; i < op->mutating_variable_inputs.size() && i < op->inputs.size(); ++i) {
        if (op->mutating_variable_inputs[i] && op->inputs[i] >= 0) {
          written.at(static_cast<size_t>(op->inputs[i])) = true;
        }
      }
    }
    for (int32_t t : g->inputs) written.at(static_cast<size_t>(t)) = true;
    for (int32_t t : g->outputs) written.at(static_cast<size_t>(t)) = true;
    for (size_t t = 0; t < g->tensors.size(); ++t) {
      const tflite::TensorT& tensor = *g->tensors[t];
      if ((written[t] || tensor.is_variable) && !m.buffers.at(tensor.buffer)->data.empty()) {
        eligible[tensor.buffer] = false;
      }
    }
  }

  // Earliest buffer with each content. Buffer 0 is the target for empty
  // buffers when it is itself plainly empty.
  auto key = [&](size_t b) {
    const tflite::BufferT& buffer = *m.buffers[b];
    return std::make_tuple(
        std::string_view(reinterpret_cast<const char*>(buffer.data.data()), buffer.data.size()),
        buffer.offset, buffer.size);
  };
  std::map<decltype(key(0)), size_t> first;
  const tflite::BufferT& zero = *m.buffers[0];
  if (zero.data.empty() && zero.offset == 0 && zero.size == 0) first.emplace(key(0), 0);
  std::vector<int64_t> target(n, -1);
  for (size_t b = 1; b < n; ++b) {
    if (!eligible[b]) continue;
    const auto [it, inserted] = first.emplace(key(b), b);
    if (!inserted) target[b] = static_cast<int64_t>(it->second);
  }

  std::vector<bool> keep(n, true);
  size_t empty_merged = 0;
  for (size_t b = 1; b < n; ++b) {
    if (target[b] < 0) continue;
    keep[b] = false;
    ++report.buffers_removed;
    if (m.buffers[b]->data.empty()) {
      ++empty_merged;
    } else {
      report.lines.push_back("buffer " + std::to_string(b) + " (" +
                             CountOf(static_cast<int64_t>(m.buffers[b]->data.size()), "byte") +
                             ") equals buffer " + std::to_string(target[b]) + ": merged");
    }
  }
  for (auto& g : m.subgraphs) {
    for (auto& t : g->tensors) {
      if (target[t->buffer] < 0) continue;
      t->buffer = static_cast<uint32_t>(target[t->buffer]);
      ++report.tensors_redirected;
    }
  }
  if (empty_merged > 0) {
    report.lines.push_back("merged " + CountOf(static_cast<int64_t>(empty_merged), "empty buffer") +
                           " into buffer 0, the empty sentinel");
  }
  report.data_bytes_removed = RemoveBuffers(model, keep);
  TrimLines(report.lines);
  return report;
}

PassReport StripNames(Model& model) {
  tflite::ModelT& m = model.raw();
  PassReport report;
  report.pass = "strip-names";
  size_t bytes_before = 0;
  size_t bytes_after = 0;
  for (auto& g : m.subgraphs) {
    for (size_t t = 0; t < g->tensors.size(); ++t) {
      std::string& name = g->tensors[t]->name;
      const std::string id = "t" + std::to_string(t);
      bytes_before += name.size();
      bytes_after += id.size();
      if (name == id) continue;
      name = id;
      ++report.tensors_renamed;
    }
  }
  report.lines.push_back("renamed " + CountOf(static_cast<int64_t>(report.tensors_renamed), "tensor") +
                         " to short ids; tensor names now take " + std::to_string(bytes_after) +
                         " characters instead of " + std::to_string(bytes_before));
  return report;
}

PassReport SetDescription(Model& model, const std::string& text) {
  PassReport report;
  report.pass = "description";
  std::string& description = model.raw().description;
  if (description != text) {
    report.lines.push_back("description " + QuotedName(description) + " -> " + QuotedName(text));
    description = text;
  }
  return report;
}

}  // namespace tinyforge
