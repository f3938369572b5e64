// SPDX-License-Identifier: MIT
#pragma once

#include "enrich/enrich.hpp"

#include <string>
#include <vector>

namespace trailwatch {

// The text `--version` prints (several lines, ending in a newline).
std::string version_text(const std::vector<DatabaseInfo>& databases);

} // namespace trailwatch
