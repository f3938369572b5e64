// SPDX-License-Identifier: MIT
// Derived facts: what trailwatch computes about a record, readable by rules and sinks under the
// `trailwatch.` prefix (so a fact never shadows a real CloudTrail field).
//
// Facts come from detection domains. A domain says which event names it knows, extracts its
// facts into the Event when a record has one of them, and lists the facts it offers, each with a
// function that reads its values. The core domain (actor, account, source address) applies to
// every record; EC2 launch is the first event-specific one. A new detection domain is a new
// file defining a FactsDomain plus one line in registry.cpp.
#pragma once

#include "trailwatch/event.hpp"
#include "trailwatch/geo.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class object;
}

namespace trailwatch {

// One fact: `name` is the full field name ("trailwatch.instanceFamily").
struct FactField {
  std::string_view name;
  bool needs_geo; // read from the GeoIP enrichment of sourceIPAddress
  // Appends the fact's values for `event` (none when it does not apply; several for lists).
  void (*values)(const Event& event, const GeoInfo& geo, std::vector<std::string>& out);
};

struct FactsDomain {
  std::string_view name;
  // True when the domain has facts for records with this (trimmed) eventName.
  bool (*applies)(std::string_view event_name);
  // Stores the domain's facts in `event`. `record` is the record's DOM (may be empty when the
  // record could not be parsed); a field of unexpected type is named in `bad` (if still empty).
  void (*extract)(Event& event, const simdjson::dom::object& record, std::string& bad);
  std::span<const FactField> fields;
};

// Every registered domain, core first.
std::span<const FactsDomain* const> facts_domains();

// Runs every domain that applies to `event.event_name`.
void extract_facts(Event& event, const simdjson::dom::object& record, std::string& bad);

// The fact named `name` ("trailwatch.actor"), or null.
const FactField* find_fact(std::string_view name);

// Every fact name, for messages and the README.
std::vector<std::string_view> fact_names();

// The domains defined in their own files.
extern const FactsDomain k_core_domain;
extern const FactsDomain k_ec2_launch_domain;

} // namespace trailwatch
