// Flatbuffer rewriting: clean-up passes over a Model and the driver behind
// `tinyforge rewrite`.
//
// Each pass edits the model it is given in place and returns what it changed;
// callers that must keep the original Clone() first (Rewrite does). A pass
// leaves a model that VerifyModel accepts whenever its input did, and never
// changes what the model computes: every operator keeps its op, options and
// the same inputs and outputs (same shapes, types, quantization and constant
// bytes), in the same order.
//
// Index remapping is complete: when tensors, buffers or operator codes are
// removed, every reference is renumbered (operator inputs, outputs and
// intermediates; subgraph inputs and outputs; signature def tensor maps;
// tensor.buffer; metadata.buffer; metadata_buffer; opcode_index). Buffer 0,
// the empty sentinel, is never removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libconvert/model/model.h"
#include "libconvert/model/model_io.h"

namespace tinyforge {

// What one pass changed. Counts not relevant to a pass stay zero.
struct PassReport {
  std::string pass;  // the pass's flag name without dashes: "strip-unused"

  size_t tensors_removed = 0;
  size_t buffers_removed = 0;
  size_t operator_codes_removed = 0;
  size_t metadata_removed = 0;
  size_t tensors_redirected = 0;  // tensors pointed at an identical buffer
  size_t tensors_renamed = 0;
  size_t data_bytes_removed = 0;  // bytes of buffer data no longer stored

  // One line per change, for people (e.g. "removed tensor 7 'dead' of
  // subgraph 0"); long lists are shortened with "... and N more".
  std::vector<std::string> lines;

  // Filled by Rewrite(): the serialized size before and after this pass, in
  // the compact layout (so passes are compared without alignment padding;
  // the "align" report carries the padding).
  size_t bytes_before = 0;
  size_t bytes_after = 0;
  int64_t bytes_saved() const {
    return static_cast<int64_t>(bytes_before) - static_cast<int64_t>(bytes_after);
  }
};

// Removes every metadata entry whose name is in `names` (all entries of that
// name), drops their buffers from metadata_buffer, and removes those buffers
// when nothing else refers to them. Throws Error (kBadInput) naming the model
// when a name is not present, listing the names it has.
PassReport StripMetadata(Model& model, const std::vector<std::string>& names);

// Removes, in this order: tensors nothing refers to (no operator, subgraph
// input/output or signature def; variable tensors are kept), then buffers
// nothing refers to (no tensor, metadata or metadata_buffer entry; buffer 0 is
// kept), then operator codes no operator uses.
PassReport StripUnused(Model& model);

// Merges buffers with exactly equal contents (data bytes, offset and size):
// tensors of the later buffer are pointed at the earliest one and the later
// buffer is removed. Empty buffers are merged into buffer 0 when it is empty.
// A buffer with data is merged only when all its tensors are read-only
// constants (not variable, not produced by an operator or an intermediate,
// not a subgraph input or output, not a mutating variable input), as
// TensorFlow's own converter does; buffers referred to by metadata are never
// merged.
PassReport DedupeBuffers(Model& model);

// Renames every tensor to a short id, "t<index>" (unique within its
// subgraph, deterministic, and saying which tensor it is). Signature defs keep
// their own names (TensorMap.name and signature_key), so lookups by signature
// name still work; subgraph names are kept.
PassReport StripNames(Model& model);

// Sets the model's description string.
PassReport SetDescription(Model& model, const std::string& text);

// The passes `tinyforge rewrite` applies, always in this order:
//   strip-metadata, strip-unused, dedupe-buffers, strip-names, description,
//   align.
// Metadata goes first so the buffers it frees count as unused; unused tensors
// go before deduplication so a duplicate of dead data is not counted as
// merged; align is a layout choice made when writing.
struct RewriteOptions {
  std::vector<std::string> strip_metadata;  // names; empty: pass not run
  bool strip_unused = false;
  bool dedupe_buffers = false;
  bool strip_names = false;
  std::optional<std::string> description;
  // Write every buffer's data 16-byte aligned. Off, the result has the compact
  // layout real converters write, so with no pass the rewrite is lossless.
  bool align = false;
};

struct RewriteResult {
  Model model;                     // the rewritten model (source as the input's)
  std::vector<PassReport> passes;  // in the order applied; empty with no pass
  WriteOptions write_options;      // the layout `bytes` was written with
  std::vector<uint8_t> bytes;      // the serialized result, verified and reloaded
  size_t bytes_before = 0;         // the input serialized in the compact layout
};

// Clones `model`, applies the chosen passes in the order above, verifies the
// result (VerifyModel, then serializing and parsing the bytes again) and
// returns it. A result that fails verification is a bug: Error kInternal.
RewriteResult Rewrite(const Model& model, const RewriteOptions& options);

}  // namespace tinyforge
