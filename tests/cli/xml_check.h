// A strict XML well-formedness checker for the HTML reports tinyforge
// writes as XML (written for the tests; no parser library is needed).
#pragma once

#include <cctype>
#include <string>

namespace tinyforge::testing {

// A strict XML well-formedness check of an HTML page written as XML: an
// optional <!DOCTYPE ...>, then one root element; every tag closed in order;
// attribute values quoted; '<' and '&' in text only as markup or character
// references. Returns "" when well-formed, else what is wrong and where.
class XmlChecker {
 public:
  explicit XmlChecker(std::string text) : s_(std::move(text)) {}

  std::string Check() {
    SkipSpace();
    if (s_.compare(i_, 9, "<!DOCTYPE") == 0) {
      const size_t end = s_.find('>', i_);
      if (end == std::string::npos) return Fail("unterminated DOCTYPE");
      i_ = end + 1;
    }
    SkipSpace();
    if (i_ >= s_.size() || s_[i_] != '<') return Fail("no root element");
    if (std::string e = Element(); !e.empty()) return e;
    SkipSpace();
    if (i_ != s_.size()) return Fail("content after the root element");
    return "";
  }

 private:
  std::string Fail(const std::string& what) const { return what + " at offset " + std::to_string(i_); }
  void SkipSpace() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  static bool NameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
  }
  std::string Name() {
    const size_t start = i_;
    while (i_ < s_.size() && NameChar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  // After '&': a named entity of XML or a numeric reference, then ';'.
  bool Reference() {
    const size_t end = s_.find(';', i_);
    if (end == std::string::npos || end - i_ > 10) return false;
    const std::string ref = s_.substr(i_, end - i_);
    i_ = end + 1;
    if (ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos") return true;
    if (ref.size() < 2 || ref[0] != '#') return false;
    for (size_t k = 1; k < ref.size(); ++k) {
      if (!std::isdigit(static_cast<unsigned char>(ref[k]))) return false;
    }
    return true;
  }
  std::string Element() {
    ++i_;  // '<'
    const std::string name = Name();
    if (name.empty()) return Fail("bad tag name");
    for (;;) {
      SkipSpace();
      if (i_ >= s_.size()) return Fail("unterminated tag <" + name);
      if (s_.compare(i_, 2, "/>") == 0) {
        i_ += 2;
        return "";
      }
      if (s_[i_] == '>') {
        ++i_;
        break;
      }
      const std::string attribute = Name();
      if (attribute.empty()) return Fail("bad attribute in <" + name);
      SkipSpace();
      if (i_ >= s_.size() || s_[i_] != '=') return Fail("attribute " + attribute + " without a value");
      ++i_;
      SkipSpace();
      if (i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) return Fail("unquoted attribute " + attribute);
      const char quote = s_[i_++];
      while (i_ < s_.size() && s_[i_] != quote) {
        if (s_[i_] == '<') return Fail("'<' in attribute " + attribute);
        if (s_[i_] == '&') {
          ++i_;
          if (!Reference()) return Fail("bad reference in attribute " + attribute);
        } else {
          ++i_;
        }
      }
      if (i_ >= s_.size()) return Fail("unterminated attribute " + attribute);
      ++i_;
    }
    // Content up to the matching end tag.
    for (;;) {
      if (i_ >= s_.size()) return Fail("<" + name + "> is never closed");
      if (s_.compare(i_, 4, "<!--") == 0) {
        const size_t end = s_.find("-->", i_);
        if (end == std::string::npos) return Fail("unterminated comment");
        i_ = end + 3;
      } else if (s_.compare(i_, 2, "</") == 0) {
        i_ += 2;
        const std::string end_name = Name();
        SkipSpace();
        if (end_name != name || i_ >= s_.size() || s_[i_] != '>') {
          return Fail("</" + end_name + "> closes <" + name + ">");
        }
        ++i_;
        return "";
      } else if (s_[i_] == '<') {
        if (std::string e = Element(); !e.empty()) return e;
      } else if (s_[i_] == '&') {
        ++i_;
        if (!Reference()) return Fail("bad character reference");
      } else {
        ++i_;
      }
    }
  }

  std::string s_;
  size_t i_ = 0;
};

}  // namespace tinyforge::testing
