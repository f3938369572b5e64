// SPDX-License-Identifier: MIT
// Path helpers that know no trailwatch type.
#pragma once

#include <filesystem>
#include <string>

namespace trailwatch::util {

// The canonical absolute form of `path`: symbolic links, "." and ".." resolved when the file
// exists; otherwise the absolute, lexically normal form. Two spellings of one file give one key.
std::string canonical_path(const std::filesystem::path& path);

} // namespace trailwatch::util
