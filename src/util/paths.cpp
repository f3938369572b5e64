// SPDX-License-Identifier: MIT
#include "util/paths.hpp"

namespace trailwatch::util {

namespace fs = std::filesystem;

std::string canonical_path(const fs::path& path) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(path, ec);
  if (!ec) {
    return canonical.string();
  }
  const fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal().string();
}

} // namespace trailwatch::util
