// Helpers of the rewrite tests: an independent "computes the same" check
// over raw object trees, alignment counts, and the passes as cases.
#pragma once

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "libconvert/base/file_util.h"
#include "libconvert/model/model_io.h"
#include "libconvert/model/verify.h"
#include "tests/test_util.h"
#include "libconvert/model/rewrite.h"

namespace tinyforge {

using testing::ModelPath;
using testing::SharedModelNames;


// ---------------------------------------------------------------------------
// An independent statement of "computes the same": walks the raw object trees
// without the Model helpers or anything in rewrite.cc.

inline int32_t RawOpCode(const tflite::ModelT& m, const tflite::OperatorT& op) {
  const auto& code = *m.operator_codes.at(op.opcode_index);
  return std::max<int32_t>(code.builtin_code, code.deprecated_builtin_code);
}

inline std::vector<uint8_t> RawConstantBytes(const tflite::ModelT& m, const tflite::TensorT& t) {
  if (t.buffer == 0) return {};
  return m.buffers.at(t.buffer)->data;
}

// Everything about a tensor that an operator's result depends on; not its
// name or its index.
inline void ExpectSameTensor(const tflite::ModelT& a, const tflite::SubGraphT& ga, int ia,
                      const tflite::ModelT& b, const tflite::SubGraphT& gb, int ib,
                      const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_EQ(ia == -1, ib == -1);
  if (ia == -1) return;
  const tflite::TensorT& ta = *ga.tensors.at(static_cast<size_t>(ia));
  const tflite::TensorT& tb = *gb.tensors.at(static_cast<size_t>(ib));
  EXPECT_EQ(ta.type, tb.type);
  EXPECT_EQ(ta.shape, tb.shape);
  EXPECT_EQ(ta.shape_signature, tb.shape_signature);
  EXPECT_EQ(ta.has_rank, tb.has_rank);
  EXPECT_EQ(ta.is_variable, tb.is_variable);
  EXPECT_EQ(ta.quantization == nullptr, tb.quantization == nullptr);
  if (ta.quantization && tb.quantization) {
    EXPECT_TRUE(*ta.quantization == *tb.quantization);
  }
  EXPECT_EQ(ta.sparsity == nullptr, tb.sparsity == nullptr);
  if (ta.sparsity && tb.sparsity) {
    EXPECT_TRUE(*ta.sparsity == *tb.sparsity);
  }
  EXPECT_TRUE(RawConstantBytes(a, ta) == RawConstantBytes(b, tb));
}

inline void ExpectSameTensorList(const tflite::ModelT& a, const tflite::SubGraphT& ga,
                          const std::vector<int32_t>& la, const tflite::ModelT& b,
                          const tflite::SubGraphT& gb, const std::vector<int32_t>& lb,
                          const std::string& where) {
  ASSERT_EQ(la.size(), lb.size()) << where;
  for (size_t i = 0; i < la.size(); ++i) {
    ExpectSameTensor(a, ga, la[i], b, gb, lb[i], where + " " + std::to_string(i));
  }
}

// For each operator: the same op, options and the same inputs, outputs and
// intermediates (by content, in order); the same subgraph inputs/outputs and
// signature defs.
inline void ExpectSameComputation(const tflite::ModelT& a, const tflite::ModelT& b) {
  ASSERT_EQ(a.subgraphs.size(), b.subgraphs.size());
  for (size_t sg = 0; sg < a.subgraphs.size(); ++sg) {
    const tflite::SubGraphT& ga = *a.subgraphs[sg];
    const tflite::SubGraphT& gb = *b.subgraphs[sg];
    const std::string sg_name = "subgraph " + std::to_string(sg);
    ExpectSameTensorList(a, ga, ga.inputs, b, gb, gb.inputs, sg_name + " input");
    ExpectSameTensorList(a, ga, ga.outputs, b, gb, gb.outputs, sg_name + " output");
    ASSERT_EQ(ga.operators.size(), gb.operators.size());
    for (size_t o = 0; o < ga.operators.size(); ++o) {
      const tflite::OperatorT& oa = *ga.operators[o];
      const tflite::OperatorT& ob = *gb.operators[o];
      const std::string where = sg_name + " operator " + std::to_string(o);
      SCOPED_TRACE(where);
      EXPECT_EQ(RawOpCode(a, oa), RawOpCode(b, ob));
      EXPECT_EQ(a.operator_codes[oa.opcode_index]->custom_code,
                b.operator_codes[ob.opcode_index]->custom_code);
      EXPECT_EQ(a.operator_codes[oa.opcode_index]->version,
                b.operator_codes[ob.opcode_index]->version);
      EXPECT_TRUE(oa.builtin_options == ob.builtin_options);
      EXPECT_TRUE(oa.builtin_options_2 == ob.builtin_options_2);
      EXPECT_EQ(oa.custom_options, ob.custom_options);
      EXPECT_EQ(oa.mutating_variable_inputs, ob.mutating_variable_inputs);
      ExpectSameTensorList(a, ga, oa.inputs, b, gb, ob.inputs, where + " input");
      ExpectSameTensorList(a, ga, oa.outputs, b, gb, ob.outputs, where + " output");
      ExpectSameTensorList(a, ga, oa.intermediates, b, gb, ob.intermediates,
                           where + " intermediate");
    }
  }
  ASSERT_EQ(a.signature_defs.size(), b.signature_defs.size());
  for (size_t s = 0; s < a.signature_defs.size(); ++s) {
    const auto& sa = *a.signature_defs[s];
    const auto& sb = *b.signature_defs[s];
    EXPECT_EQ(sa.signature_key, sb.signature_key);
    ASSERT_EQ(sa.subgraph_index, sb.subgraph_index);
    const auto& ga = *a.subgraphs[sa.subgraph_index];
    const auto& gb = *b.subgraphs[sb.subgraph_index];
    for (auto maps :
         {std::make_pair(&sa.inputs, &sb.inputs), std::make_pair(&sa.outputs, &sb.outputs)}) {
      ASSERT_EQ(maps.first->size(), maps.second->size());
      for (size_t i = 0; i < maps.first->size(); ++i) {
        EXPECT_EQ((*maps.first)[i]->name, (*maps.second)[i]->name);
        ExpectSameTensor(a, ga, static_cast<int>((*maps.first)[i]->tensor_index), b, gb,
                         static_cast<int>((*maps.second)[i]->tensor_index),
                         "signature " + sa.signature_key + " '" + (*maps.first)[i]->name + "'");
      }
    }
  }
}

// Every non-empty buffer's data starts at a multiple of 16 in `bytes`; returns
// how many data buffers there are.
inline size_t ExpectAligned(const std::vector<uint8_t>& bytes) {
  const tflite::Model* root = tflite::GetModel(bytes.data());
  size_t count = 0;
  if (root->buffers() == nullptr) return 0;
  for (const tflite::Buffer* b : *root->buffers()) {
    if (b->data() == nullptr || b->data()->size() == 0) continue;
    ++count;
    const size_t offset = static_cast<size_t>(b->data()->data() - bytes.data());
    EXPECT_EQ(offset % 16, 0u) << "buffer data at file offset " << offset;
  }
  return count;
}

inline size_t MisalignedIn(const std::vector<uint8_t>& bytes) {
  const tflite::Model* root = tflite::GetModel(bytes.data());
  size_t count = 0;
  for (const tflite::Buffer* b : *root->buffers()) {
    if (b->data() == nullptr || b->data()->size() == 0) continue;
    count += (b->data()->data() - bytes.data()) % 16 != 0 ? 1 : 0;
  }
  return count;
}

inline std::vector<std::string> MetadataNames(const Model& m) {
  std::set<std::string> names;
  for (const auto& md : m.raw().metadata) names.insert(md->name);
  return {names.begin(), names.end()};
}

struct PassCase {
  std::string name;
  RewriteOptions options;
  bool computation_unchanged;  // only passes that keep every tensor's data
};

inline std::vector<PassCase> PassCases(const Model& m) {
  std::vector<PassCase> cases;
  cases.push_back({"none", {}, true});
  RewriteOptions o;
  o.align = true;
  cases.push_back({"align", o, true});
  o = {};
  o.dedupe_buffers = true;
  cases.push_back({"dedupe-buffers", o, true});
  o = {};
  o.strip_unused = true;
  cases.push_back({"strip-unused", o, true});
  o = {};
  o.strip_names = true;
  cases.push_back({"strip-names", o, true});
  o = {};
  o.description = "rewritten by tinyforge";
  cases.push_back({"description", o, true});
  o = {};
  o.strip_metadata = MetadataNames(m);
  if (!o.strip_metadata.empty()) cases.push_back({"strip-metadata", o, true});
  o.align = o.dedupe_buffers = o.strip_unused = o.strip_names = true;
  o.description = "all";
  cases.push_back({"all", o, true});
  return cases;
}

// Test failures ExpectSameComputation(a, b) reports, intercepted.
inline int ComparisonFailures(const tflite::ModelT& a, const tflite::ModelT& b) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    ExpectSameComputation(a, b);
  }
  return results.size();
}

}  // namespace tinyforge
