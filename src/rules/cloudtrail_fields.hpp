// SPDX-License-Identifier: MIT
// Which field paths occur in CloudTrail records (the record contents reference), for `rules lint`
// to warn about a likely typo. Only the fixed parts of the record are checked: the top-level
// keys, `userIdentity`, `tlsDetails` and `resources`; what lives under requestParameters,
// responseElements, additionalEventData and serviceEventDetails depends on the API and is never
// questioned.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trailwatch {

// A warning for a field path that never occurs in CloudTrail (with the right spelling when
// only the case differs), or nothing when the path is plausible. `trailwatch.*` facts are
// checked by the loader itself.
std::optional<std::string> unknown_cloudtrail_field(std::string_view path);

} // namespace trailwatch
