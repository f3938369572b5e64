// SPDX-License-Identifier: MIT
// Spellings of the small enums of the model shared by rules and output (Outcome, Level,
// SourceKind).
#include "trailwatch/alert.hpp"
#include "trailwatch/event.hpp"
#include "trailwatch/geo.hpp"

#include <array>

namespace trailwatch {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
  case Outcome::launch:
    return "launch";
  case Outcome::configure:
    return "configure";
  case Outcome::attempt:
    return "attempt";
  case Outcome::dryrun:
    return "dryrun";
  case Outcome::none:
    break;
  }
  return "none";
}

namespace {
constexpr std::array<const char*, 5> k_level_names = {"informational", "low", "medium", "high",
                                                      "critical"};
}

const char* level_name(Level level) {
  return k_level_names[static_cast<std::size_t>(level)];
}

std::optional<Level> parse_level(std::string_view name) {
  for (std::size_t i = 0; i < k_level_names.size(); ++i) {
    if (name == k_level_names[i]) {
      return static_cast<Level>(i);
    }
  }
  return std::nullopt;
}

const char* source_kind_name(SourceKind kind) {
  switch (kind) {
  case SourceKind::unknown:
    return "unknown";
  case SourceKind::public_ip:
    return "public";
  case SourceKind::private_ip:
    return "private";
  case SourceKind::aws_service:
    return "aws-service";
  case SourceKind::aws_internal:
    return "aws-internal";
  case SourceKind::invalid:
    return "invalid";
  case SourceKind::empty:
    return "empty";
  }
  return "unknown";
}

} // namespace trailwatch
