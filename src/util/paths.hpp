// SPDX-License-Identifier: MIT
// Path helpers that know no trailwatch type.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

namespace trailwatch::util {

// The canonical absolute form of `path`: symbolic links, "." and ".." resolved when the file
// exists; otherwise the absolute, lexically normal form. Two spellings of one file give one key.
std::string canonical_path(const std::filesystem::path& path);

// The last non-empty components of `folder`, innermost first, at most `N` ("" past the first
// component): the S3 layout's …/CloudTrail/<region>/YYYY/MM/DD read from the end.
template <std::size_t N>
std::array<std::string_view, N> last_components(std::string_view folder, std::size_t& count) {
  std::array<std::string_view, N> parts{};
  count = 0;
  while (!folder.empty() && count < N) {
    const std::size_t slash = folder.rfind('/');
    const std::string_view part =
        slash == std::string_view::npos ? folder : folder.substr(slash + 1);
    folder = slash == std::string_view::npos ? std::string_view() : folder.substr(0, slash);
    if (!part.empty()) {
      parts[count++] = part;
    }
  }
  return parts;
}

} // namespace trailwatch::util
