// SHA-256 over a stream, by OpenSSL's libcrypto.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace tinyforge::emit {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, std::size_t size);
  // Lowercase hex digest of everything updated so far; ends the computation.
  std::string HexDigest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tinyforge::emit
