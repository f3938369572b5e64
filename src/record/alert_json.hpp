// SPDX-License-Identifier: MIT
// The JSON form of an alert: used by the JSON Lines sink (and by the state to store alerts).
#pragma once

#include "trailwatch/alert.hpp"

#include <string>
#include <string_view>

namespace trailwatch {

// One JSON object, no trailing newline. Keys are documented in README "JSON Lines output".
std::string alert_to_json(const Alert& alert);

// Parses what alert_to_json wrote back into an Alert (every field it writes round-trips; fields
// it does not write keep their defaults). Throws std::runtime_error when `json` is not valid
// JSON, not an object, lacks "rule", or holds a value of the wrong type or an unknown name.
Alert alert_from_json(std::string_view json);

} // namespace trailwatch
