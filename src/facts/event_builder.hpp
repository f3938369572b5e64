// SPDX-License-Identifier: MIT
// Building an Event from a kept Record: the common CloudTrail fields (normalised), the caller's
// identity, the readable actor and account, then the facts of every detection domain that knows
// the event name (facts/registry.hpp). Used by the reader for each wanted record and by the
// alert form when it rebuilds an alert from its saved record.
#pragma once

#include "trailwatch/event.hpp"

#include <string>
#include <string_view>

namespace trailwatch {

// Builds the Event of `record`. `bad_field` receives the name of the first common field whose
// value has an unexpected type (such a field is treated as absent); it stays empty otherwise.
// A record whose eventName or eventSource has a wrong type is still built: the caller decides.
Event build_event(Record record, Origin origin, std::string& bad_field);

// Writes an eventTime as RFC 3339 UTC ("2024-12-16T18:41:07Z") when it is a UTC time in a
// third-party spelling ("2024-12-16 18:41:07.000000000"); anything else is returned unchanged.
std::string normalise_event_time(std::string_view text);

} // namespace trailwatch
