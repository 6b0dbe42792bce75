#include "emit/sha256.h"

#include <openssl/evp.h>

#include "libconvert/base/error.h"

namespace tinyforge::emit {

struct Sha256::State {
  EVP_MD_CTX* context = nullptr;
  bool finished = false;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->context = EVP_MD_CTX_new();
  if (state_->context == nullptr ||
      EVP_DigestInit_ex(state_->context, EVP_sha256(), nullptr) != 1) {
    throw Error("sha256: OpenSSL could not start a digest", ErrorCode::kInternal);
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(state_->context); }

void Sha256::Update(const void* data, std::size_t size) {
  if (state_->finished || EVP_DigestUpdate(state_->context, data, size) != 1) {
    throw Error("sha256: digest update failed", ErrorCode::kInternal);
  }
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (state_->finished || EVP_DigestFinal_ex(state_->context, digest, &length) != 1) {
    throw Error("sha256: digest finalization failed", ErrorCode::kInternal);
  }
  state_->finished = true;
  constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 15];
  }
  return hex;
}

}  // namespace tinyforge::emit
