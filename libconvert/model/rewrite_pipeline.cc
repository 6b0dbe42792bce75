// Rewrite(): the passes a user asked for, in a fixed order, each measured,
// and the result verified as a loaded file would be.
#include "libconvert/base/text_format.h"
#include "libconvert/model/rewrite.h"
#include "libconvert/model/verify.h"

namespace tinyforge {

namespace {

// Data buffers, and how many of them do not start 16-byte aligned, in the
// serialized `bytes`.
std::pair<size_t, size_t> MisalignedBuffers(const std::vector<uint8_t>& bytes) {
  const tflite::Model* root = tflite::GetModel(bytes.data());
  size_t with_data = 0;
  size_t misaligned = 0;
  if (root->buffers() == nullptr) return {0, 0};
  for (const tflite::Buffer* b : *root->buffers()) {
    if (b->data() == nullptr || b->data()->size() == 0) continue;
    ++with_data;
    misaligned += (b->data()->data() - bytes.data()) % 16 != 0 ? 1 : 0;
  }
  return {with_data, misaligned};
}

}  // namespace

RewriteResult Rewrite(const Model& input, const RewriteOptions& options) {
  RewriteResult result{input.Clone(), {}, WriteOptions{options.align}, {}, 0};
  Model& model = result.model;
  const WriteOptions compact{false};
  std::vector<uint8_t> bytes = SerializeModel(model, compact);
  result.bytes_before = bytes.size();

  auto record = [&](PassReport report) {
    report.bytes_before = bytes.size();
    bytes = SerializeModel(model, compact);
    report.bytes_after = bytes.size();
    result.passes.push_back(std::move(report));
  };
  if (!options.strip_metadata.empty()) record(StripMetadata(model, options.strip_metadata));
  if (options.strip_unused) record(StripUnused(model));
  if (options.dedupe_buffers) record(DedupeBuffers(model));
  if (options.strip_names) record(StripNames(model));
  if (options.description) record(SetDescription(model, *options.description));
  if (options.align) {
    PassReport report;
    report.pass = "align";
    const auto [with_data, misaligned] = MisalignedBuffers(bytes);
    report.bytes_before = bytes.size();
    bytes = SerializeModel(model, result.write_options);
    report.bytes_after = bytes.size();
    report.lines.push_back(std::to_string(misaligned) + " of " +
                           CountOf(static_cast<int64_t>(with_data), "data buffer") +
                           " were not 16-byte aligned in the compact layout; all are now");
    result.passes.push_back(std::move(report));
  }

  // The result must be as sound as a freshly loaded file: verify the tree,
  // then the bytes exactly as they will be written.
  try {
    VerifyModel(model);
    ParseModel(bytes.data(), bytes.size(), model.source());
  } catch (const Error& e) {
    throw Error(std::string("rewrite produced an invalid model (a bug in tinyforge): ") + e.what(),
                ErrorCode::kInternal);
  }
  result.bytes = std::move(bytes);
  return result;
}

}  // namespace tinyforge
