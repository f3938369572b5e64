// SPDX-License-Identifier: MIT
#include "util/data_dir.hpp"

namespace trailwatch::util {

namespace fs = std::filesystem;

fs::path executable_path() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

std::optional<fs::path> data_dir() {
  const fs::path exe = executable_path();
  if (exe.empty()) {
    return std::nullopt;
  }
  const fs::path bin = exe.parent_path();
  for (const fs::path& candidate :
       {bin.parent_path() / "share/trailwatch", bin / "share/trailwatch"}) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) {
      return candidate.lexically_normal();
    }
  }
  return std::nullopt;
}

} // namespace trailwatch::util
