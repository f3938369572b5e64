// SPDX-License-Identifier: MIT
// Alert: an event that matched a rule, with its enrichment. This is what every sink receives.
#pragma once

#include "trailwatch/event.hpp"
#include "trailwatch/geo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

// Sigma rule levels, in increasing severity.
enum class Level { informational, low, medium, high, critical };

// Returns the Sigma spelling of `level` (`informational`, `low`, ...).
const char* level_name(Level level);
// Parses a Sigma level name; empty when `name` is not one.
std::optional<Level> parse_level(std::string_view name);

struct Alert {
  Event event;
  GeoInfo geo;
  std::string rule_id;
  std::string rule_title;
  Level level = Level::medium;
  std::vector<std::string> tags; // the rule's tags (ATT&CK techniques and tactics)
  // The rule's Sigma `fields:`: names of fields shown with the alert (any field a rule can read).
  std::vector<std::string> fields;
  // How many matching events this alert stands for (1 unless de-duplicated by the state).
  std::uint64_t count = 1;
  // The alert's row in the state's outbox (0 without --state): sinks hand it back through
  // on_delivered so the state can mark exactly this alert delivered.
  std::int64_t outbox_id = 0;
};

} // namespace trailwatch
