#include "service/random_token.h"

#include <array>
#include <fstream>
#include <stdexcept>

namespace presence::server {

std::string RandomToken() {
  std::array<char, 32> bytes;
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(bytes.data(), bytes.size())) {
    throw std::runtime_error("cannot read /dev/urandom");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    const auto b = static_cast<unsigned char>(byte);
    token += kHex[b >> 4];
    token += kHex[b & 0xF];
  }
  return token;
}

}  // namespace presence::server
