// SPDX-License-Identifier: MIT
// Turning one record's raw fields (views into the parser's buffers) into an owned Event.
#pragma once

#include "trailwatch/event.hpp"

#include <string>
#include <string_view>

namespace simdjson::dom {
class parser;
}

namespace trailwatch {

// Views of one record's fields, valid only while the reader's current document is open.
// Nested objects are kept as raw JSON text and parsed only for records someone wants.
struct RecordFields {
  std::string_view event_time;
  std::string_view event_id;
  std::string_view event_source;
  std::string_view event_name;
  std::string_view event_type;
  std::string_view aws_region;
  std::string_view recipient_account_id;
  std::string_view source_ip;
  std::string_view user_agent;
  std::string_view error_code;
  std::string_view error_message;
  std::string_view user_identity_json; // raw object text, empty when absent or null
  std::string_view request_json;       // raw object text, empty when absent or null
  std::string_view response_json;      // raw object text, empty when absent or null
};

// Copies `fields` into an Event, parsing userIdentity and (for launch APIs) the request and
// response with `dom` (a per-thread parser), and derives actor, account and launch facts.
// Nested objects that are not valid JSON are treated as absent (they were validated by the
// reader already).
Event materialise(const RecordFields& fields, simdjson::dom::parser& dom, Origin origin);

// Writes an eventTime as RFC 3339 UTC ("2024-12-16T18:41:07Z") when it is a UTC time in a
// third-party spelling ("2024-12-16 18:41:07.000000000"); anything else is returned unchanged.
std::string normalise_event_time(std::string_view text);

// Removes leading and trailing ASCII white space (eventName can carry a trailing space).
std::string_view trim(std::string_view text);

} // namespace trailwatch
