// SPDX-License-Identifier: MIT
#include "facts/registry.hpp"

#include <array>
#include <simdjson.h>

namespace trailwatch {

std::span<const FactsDomain* const> facts_domains() {
  // Add a domain here (one line) after defining it in its own file.
  static const std::array<const FactsDomain*, 2> domains = {&k_core_domain, &k_ec2_launch_domain};
  return domains;
}

void extract_facts(Event& event, const simdjson::dom::object& record, std::string& bad) {
  for (const FactsDomain* domain : facts_domains()) {
    if (domain->applies(event.event_name)) {
      domain->extract(event, record, bad);
    }
  }
}

const FactField* find_fact(std::string_view name) {
  for (const FactsDomain* domain : facts_domains()) {
    for (const FactField& field : domain->fields) {
      if (field.name == name) {
        return &field;
      }
    }
  }
  return nullptr;
}

std::vector<std::string_view> fact_names() {
  std::vector<std::string_view> names;
  for (const FactsDomain* domain : facts_domains()) {
    for (const FactField& field : domain->fields) {
      names.push_back(field.name);
    }
  }
  return names;
}

} // namespace trailwatch
