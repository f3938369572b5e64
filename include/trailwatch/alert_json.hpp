// SPDX-License-Identifier: MIT
// The JSON form of an alert: used by the JSON Lines sink (and by the state to store alerts).
#pragma once

#include "trailwatch/alert.hpp"

#include <string>

namespace trailwatch {

// One JSON object, no trailing newline. Keys are documented in README "JSON Lines output".
std::string alert_to_json(const Alert& alert);

} // namespace trailwatch
