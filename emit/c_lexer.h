// Tokens of C/C++ source for `emit --reverse`: identifiers, numbers,
// punctuation and literals, skipping whitespace, comments and preprocessor
// directives, read from a ByteSource in chunks so memory does not grow with
// the file. Internal to emit/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "emit/byte_io.h"
#include "libconvert/base/error.h"

namespace tinyforge::emit {

inline constexpr std::size_t kMaxTokenBytes = 4096;

enum class TokenKind { kEnd, kIdentifier, kNumber, kPunct, kLiteral };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier or number; the character for kPunct
  int line = 0;

  bool Is(char punct) const { return kind == TokenKind::kPunct && text[0] == punct; }
};

inline bool IsIdentStart(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool IsIdentChar(int c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
inline bool IsDigit(int c) { return c >= '0' && c <= '9'; }

// Tokens of C/C++ source, skipping whitespace, comments and preprocessor
// directives. Reads the source in chunks.
class Lexer {
 public:
  Lexer(ByteSource& source, const std::string& label)
      : source_(source), label_(label), buffer_(1 << 16) {}

  Token Next() {
    while (true) {
      const int c = Get();
      if (c < 0) return Make(TokenKind::kEnd, "");
      if (c == '\n') {
        ++line_;
        line_start_ = true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') continue;
      if (c == '/' && Peek() == '/') {
        SkipLine();
        continue;
      }
      if (c == '/' && Peek() == '*') {
        Get();
        SkipBlockComment();
        continue;
      }
      if (c == '#' && line_start_) {
        SkipLine();  // a preprocessor directive, with its continuations
        continue;
      }
      line_start_ = false;
      if (c == '"' || c == '\'') {
        SkipQuoted(static_cast<char>(c));
        return Make(TokenKind::kLiteral, std::string(1, static_cast<char>(c)));
      }
      if (IsIdentStart(c)) {
        std::string text(1, static_cast<char>(c));
        while (IsIdentChar(Peek())) Append(text, Get());
        return Make(TokenKind::kIdentifier, std::move(text));
      }
      if (IsDigit(c) || (c == '.' && IsDigit(Peek()))) {
        // A preprocessing number: digits, letters, '_', '.', '\'' and a sign
        // after an exponent letter.
        std::string text(1, static_cast<char>(c));
        while (true) {
          const int next = Peek();
          const char last = text.back();
          if (IsIdentChar(next) || next == '.' || next == '\'') {
            Append(text, Get());
          } else if ((next == '+' || next == '-') &&
                     (last == 'e' || last == 'E' || last == 'p' || last == 'P') &&
                     !(text.size() > 1 && (text[1] == 'x' || text[1] == 'X') &&
                       (last == 'e' || last == 'E'))) {
            Append(text, Get());
          } else {
            break;
          }
        }
        return Make(TokenKind::kNumber, std::move(text));
      }
      return Make(TokenKind::kPunct, std::string(1, static_cast<char>(c)));
    }
  }

  int line() const { return line_; }

 private:
  Token Make(TokenKind kind, std::string text) const {
    Token token;
    token.kind = kind;
    token.text = std::move(text);
    token.line = line_;
    return token;
  }

  void Append(std::string& text, int c) {
    if (text.size() >= kMaxTokenBytes) {
      throw Error(label_ + ":" + std::to_string(line_) + ": token longer than " +
                  std::to_string(kMaxTokenBytes) + " characters");
    }
    text += static_cast<char>(c);
  }

  int Peek() {
    if (position_ == end_ && !Refill()) return -1;
    return buffer_[position_];
  }

  int Get() {
    if (position_ == end_ && !Refill()) return -1;
    return buffer_[position_++];
  }

  bool Refill() {
    if (at_end_) return false;
    end_ = source_.Read(buffer_.data(), buffer_.size());
    position_ = 0;
    if (end_ == 0) at_end_ = true;
    return end_ > 0;
  }

  // To the end of the line (the newline stays), following backslash
  // continuations.
  void SkipLine() {
    int previous = 0;
    while (true) {
      const int c = Peek();
      if (c < 0) return;
      if (c == '\n') {
        if (previous != '\\') return;
        ++line_;
      }
      if (c != '\r') previous = c;
      Get();
    }
  }

  void SkipBlockComment() {
    const int start = line_;
    int previous = 0;
    while (true) {
      const int c = Get();
      if (c < 0) {
        throw Error(label_ + ":" + std::to_string(start) + ": unterminated /* comment");
      }
      if (c == '\n') ++line_;
      if (previous == '*' && c == '/') return;
      previous = c;
    }
  }

  void SkipQuoted(char quote) {
    while (true) {
      const int c = Get();
      if (c < 0 || c == '\n') {
        throw Error(label_ + ":" + std::to_string(line_) + ": unterminated " +
                    (quote == '"' ? "string" : "character") + " literal");
      }
      if (c == '\\') {
        if (Get() == '\n') ++line_;
      } else if (c == quote) {
        return;
      }
    }
  }

  ByteSource& source_;
  const std::string& label_;
  std::vector<unsigned char> buffer_;
  std::size_t position_ = 0;
  std::size_t end_ = 0;
  bool at_end_ = false;
  int line_ = 1;
  bool line_start_ = true;
};

// The value of an integer literal (decimal, 0x hex, 0 octal, 0b binary, with
// digit separators and u/l/z suffixes), or nullopt if it is not one.
inline std::optional<uint64_t> IntegerValue(const std::string& literal) {
  std::string text;
  for (char c : literal) {
    if (c != '\'') text += c;
  }
  while (!text.empty() && std::string("uUlLzZ").find(text.back()) != std::string::npos) {
    text.pop_back();
  }
  int base = 10;
  std::size_t start = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    start = 2;
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
    base = 2;
    start = 2;
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    start = 1;
  }
  if (start >= text.size()) return std::nullopt;
  uint64_t value = 0;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    int digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (digit >= base) return std::nullopt;
    if (value > (UINT64_MAX - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base)) {
      return std::nullopt;
    }
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
  }
  return value;
}

}  // namespace tinyforge::emit
