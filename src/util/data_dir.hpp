// SPDX-License-Identifier: MIT
// Where trailwatch's data (rules/, geoip/) lives, found from the running binary and never from a
// path compiled in at build time, so an installed or extracted copy is self-contained.
#pragma once

#include <filesystem>
#include <optional>

namespace trailwatch::util {

// The running binary's path (/proc/self/exe); empty when it cannot be read.
std::filesystem::path executable_path();

// The data folder: `<prefix>/share/trailwatch` for a binary in `<prefix>/bin` (installed, or a
// package extracted anywhere), else `share/trailwatch` beside the binary (the build tree, where
// CMake links it to the source tree's rules/ and data/geoip). Empty when neither exists.
std::optional<std::filesystem::path> data_dir();

} // namespace trailwatch::util
