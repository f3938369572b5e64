// SPDX-License-Identifier: MIT
// The JSON form of an alert: the JSON Lines output, and (with the record included) the lossless
// form the state stores in its outbox, so an alert read back renders exactly as it would have.
//
// Keys: a common core (rule, time, event, account, actor, source with GeoIP), the EC2 launch
// block only for launch event names, "fields" (the rule's Sigma `fields:` with their values)
// when the rule lists any, and "record" (the whole CloudTrail record, compact) on request.
#pragma once

#include "trailwatch/alert.hpp"

#include <string>
#include <string_view>

namespace trailwatch {

// One JSON object, no trailing newline. Keys are documented in README "JSON Lines output".
// With `include_record`, the record is written too (as compact JSON) when the alert has one.
std::string alert_to_json(const Alert& alert, bool include_record = false);

// Parses what alert_to_json wrote back into an Alert (every field it writes round-trips, the
// record and the rule's field names included; fields it does not write keep their defaults). Throws
// std::runtime_error when `json` is not valid JSON, not an object, lacks "rule", or holds a value
// of the wrong type or an unknown name.
Alert alert_from_json(std::string_view json);

} // namespace trailwatch
