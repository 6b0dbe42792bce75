#include "emit/reverse.h"

#include <algorithm>
#include <map>
#include <optional>

#include "emit/c_lexer.h"
#include "libconvert/base/error.h"

namespace tinyforge::emit {
namespace {

bool IsByteTypeWord(const std::string& word) {
  return word == "char" || word == "uint8_t" || word == "int8_t";
}

class Reverser {
 public:
  Reverser(ByteSource& source, const std::string& label, const std::string& wanted,
           ByteSink& sink)
      : lexer_(source, label), label_(label), wanted_(wanted), sink_(sink) {}

  ReverseResult Run() {
    Token previous;
    while (true) {
      Token token = Next();
      if (token.kind == TokenKind::kEnd) break;
      if (token.kind == TokenKind::kIdentifier) {
        if (IsByteTypeWord(token.text)) byte_type_ = true;
      } else if (token.Is(';') || token.Is('{') || token.Is('}')) {
        byte_type_ = false;
      } else if (token.Is('[') && previous.kind == TokenKind::kIdentifier) {
        ArrayDeclarator(previous);
        token = Token();  // the declarator consumed what follows
      } else if (token.Is('=') && previous.kind == TokenKind::kIdentifier) {
        MaybeLength(previous.text);
      }
      previous = std::move(token);
    }
    return Finish();
  }

 private:
  Token Next() {
    if (pending_) {
      Token token = std::move(*pending_);
      pending_.reset();
      return token;
    }
    return lexer_.Next();
  }
  void PushBack(Token token) { pending_ = std::move(token); }

  [[noreturn]] void Fail(int line, const std::string& message) const {
    throw Error(label_ + ":" + std::to_string(line) + ": " + message);
  }

  // After "NAME [": the bound, then attributes up to "=" / "{".
  void ArrayDeclarator(const Token& name) {
    // The declared bound, when it is one integer literal (0: none).
    std::optional<uint64_t> bound_literal;
    int bound_tokens = 0;
    Token token = Next();
    while (!token.Is(']')) {
      if (token.kind == TokenKind::kEnd || token.Is(';') || token.Is('{')) {
        PushBack(std::move(token));
        return;
      }
      if (token.kind == TokenKind::kNumber) bound_literal = IntegerValue(token.text);
      ++bound_tokens;
      token = Next();
    }
    const bool has_bound = bound_tokens == 1 && bound_literal.has_value();
    const uint64_t bound = has_bound ? *bound_literal : 0;
    bool one_dimensional = true;
    int depth = 0;  // parentheses of __attribute__((...)) and alignas(...)
    while (true) {
      token = Next();
      if (token.kind == TokenKind::kEnd) return;
      if (token.Is('(')) {
        ++depth;
      } else if (token.Is(')')) {
        if (--depth < 0) return;  // a function parameter such as "f(char x[])"
      } else if (depth > 0) {
        continue;
      } else if (token.Is('[')) {
        one_dimensional = false;
      } else if (token.Is('=')) {
        token = Next();
        if (!token.Is('{')) {
          PushBack(std::move(token));
          return;
        }
        break;
      } else if (token.Is('{')) {
        break;
      } else if (token.Is(';') || token.Is(',') || token.Is('}')) {
        PushBack(std::move(token));
        return;
      }
    }
    Initializer(name, byte_type_ && one_dimensional, has_bound, bound);
  }

  // After "= {" (or "{"): the elements up to the matching "}".
  void Initializer(const Token& name, bool byte_array, bool has_bound, uint64_t bound) {
    bool target = false;
    if (byte_array) {
      byte_arrays_.push_back(name.text);
      if (wanted_.empty()) {
        target = byte_arrays_.size() == 1;
      } else if (name.text == wanted_) {
        if (found_) Fail(name.line, "array " + wanted_ + " is defined twice");
        target = true;
      }
    } else if (!wanted_.empty() && name.text == wanted_) {
      Fail(name.line, "array " + wanted_ +
                          " is not a one-dimensional array of bytes (char, unsigned "
                          "char, uint8_t or int8_t)");
    }
    if (!target) {
      SkipBraces();
      return;
    }
    found_ = true;
    name_ = name.text;
    uint64_t count = 0;
    std::string bytes;
    while (true) {
      Token token = Next();
      if (token.Is('}')) break;
      bool negative = false;
      if (token.Is('-') || token.Is('+')) {
        negative = token.Is('-');
        token = Next();
      }
      if (token.kind != TokenKind::kNumber) {
        Fail(token.line, "array " + name_ + ": expected an integer literal, found " +
                             Describe(token));
      }
      const std::optional<uint64_t> value = IntegerValue(token.text);
      if (!value) {
        Fail(token.line, "array " + name_ + ": '" + token.text +
                             "' is not an integer literal");
      }
      if (negative ? *value > 128 : *value > 255) {
        Fail(token.line, "array " + name_ + ": " + (negative ? "-" : "") + token.text +
                             " does not fit in a byte (-128..255)");
      }
      const uint64_t byte = negative ? (256 - *value) & 0xff : *value;
      bytes += static_cast<char>(byte);
      if (bytes.size() >= (1 << 16)) {
        sink_.Write(bytes);
        bytes.clear();
      }
      ++count;
      token = Next();
      if (token.Is('}')) break;
      if (!token.Is(',')) {
        Fail(token.line, "array " + name_ + ": expected ',' or '}', found " +
                             Describe(token));
      }
    }
    if (has_bound) {
      if (count > bound) {
        Fail(name.line, "array " + name_ + " is declared with " + std::to_string(bound) +
                            " elements but initialized with " + std::to_string(count));
      }
      // C pads a short initializer with zeros; streamed in chunks.
      for (uint64_t left = bound - count; left > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(left, 1 << 16));
        bytes.append(n, '\0');
        sink_.Write(bytes);
        bytes.clear();
        left -= n;
      }
      count = bound;
    }
    sink_.Write(bytes);
    size_ = count;
    line_ = name.line;
  }

  void SkipBraces() {
    int depth = 1;
    while (depth > 0) {
      const Token token = Next();
      if (token.kind == TokenKind::kEnd) Fail(lexer_.line(), "unterminated initializer");
      if (token.Is('{')) ++depth;
      if (token.Is('}')) --depth;
    }
  }

  // "IDENT = NUMBER ;" for IDENT ending in _len or _size: remember it.
  void MaybeLength(const std::string& identifier) {
    const auto ends_with = [&](const std::string& suffix) {
      return identifier.size() > suffix.size() &&
             identifier.compare(identifier.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!ends_with("_len") && !ends_with("_size")) return;
    Token value = Next();
    if (value.kind != TokenKind::kNumber) {
      PushBack(std::move(value));
      return;
    }
    const Token end = Next();
    if (end.Is(';') || end.Is(',')) {
      if (const auto n = IntegerValue(value.text)) lengths_[identifier] = {*n, value.line};
    }
    PushBack(end);
  }

  static std::string Describe(const Token& token) {
    switch (token.kind) {
      case TokenKind::kEnd:
        return "the end of the file";
      case TokenKind::kLiteral:
        return "a string or character literal";
      default:
        return "'" + token.text + "'";
    }
  }

  ReverseResult Finish() {
    const auto list = [&]() {
      std::string text;
      for (const std::string& name : byte_arrays_) text += (text.empty() ? "" : ", ") + name;
      return text.empty() ? std::string("none") : text;
    };
    if (!wanted_.empty() && !found_) {
      throw Error(label_ + ": no byte array named " + wanted_ + " (byte arrays found: " +
                  list() + ")");
    }
    if (wanted_.empty() && byte_arrays_.empty()) {
      throw Error(label_ + ": no initialized byte array (char, unsigned char, uint8_t or "
                  "int8_t NAME[] = {...}) found");
    }
    if (wanted_.empty() && byte_arrays_.size() > 1) {
      throw Error(label_ + ": several byte arrays (" + list() +
                  "); choose one with --name");
    }
    for (const char* suffix : {"_len", "_size"}) {
      const auto it = lengths_.find(name_ + suffix);
      if (it != lengths_.end() && it->second.first != size_) {
        Fail(it->second.second, name_ + suffix + " is " + std::to_string(it->second.first) +
                                    " but array " + name_ + " (line " +
                                    std::to_string(line_) + ") has " +
                                    std::to_string(size_) + " bytes");
      }
    }
    ReverseResult result;
    result.array_name = name_;
    result.size = size_;
    result.byte_arrays = byte_arrays_;
    return result;
  }

  Lexer lexer_;
  const std::string& label_;
  const std::string& wanted_;
  ByteSink& sink_;
  std::optional<Token> pending_;
  bool byte_type_ = false;  // a byte type word since the last ; { }
  std::vector<std::string> byte_arrays_;
  std::map<std::string, std::pair<uint64_t, int>> lengths_;  // value, line
  bool found_ = false;
  std::string name_;
  uint64_t size_ = 0;
  int line_ = 0;
};

}  // namespace

ReverseResult ReverseArray(ByteSource& source, const std::string& label,
                           const std::string& wanted_name, ByteSink& sink) {
  return Reverser(source, label, wanted_name, sink).Run();
}

}  // namespace tinyforge::emit
