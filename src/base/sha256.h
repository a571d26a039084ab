// SHA-256 through OpenSSL's libcrypto: an incremental hasher for streams (the plan file's
// checksum covers every byte written before its summary line) and a one-shot helper.
// Digests are lower-case hex.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace scope_migrate {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Returns the hex digest of everything so far; the hasher is then reset.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

std::string Sha256Hex(std::string_view bytes);

// The SHA-256 of a whole file's bytes; throws ToolError(65) naming the file if unreadable
// or not a regular file (OpenRegularFile).
std::string Sha256OfFile(const std::string& path);

}  // namespace scope_migrate
