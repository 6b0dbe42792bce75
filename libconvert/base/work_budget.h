// The process's budget for the work one inference of a model may claim: a
// model whose shapes and options ask for hours of arithmetic (a pooling
// window as large as the image at each of a million outputs, a convolution
// over a 16 MB filter) gets a clear bad-input error before it runs, as a
// hostile shape does from the memory budget. The CLI sets it from
// --max-work; the default is far above any model a microcontroller runs.
//
// The count is the interpreter's (interp/work.h): multiply-accumulates,
// pooling-window reads and every operand element read or written.
#pragma once

#include <cstdint>
#include <string>

namespace tinyforge {

constexpr int64_t kDefaultWorkBudget = 100'000'000'000;  // 100 G operations per inference

int64_t WorkBudget();
// operations > 0.
void SetWorkBudget(int64_t operations);

// Parses a --max-work value: a count, or a number with K, M, G or T (powers
// of 1000), e.g. "500M". An Error naming `flag` when it is not one or is 0.
int64_t ParseWorkCount(const std::string& text, const std::string& flag);

}  // namespace tinyforge
