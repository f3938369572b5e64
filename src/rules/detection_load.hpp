// SPDX-License-Identifier: MIT
// Reading a Sigma `detection` (or a filter's `filter`) section: named selections of field tests
// with their modifiers and values, keyword selections, and the condition (one expression or a
// list of them). Shared by rules and filters.
#pragma once

#include "rules/rule.hpp"
#include "rules/yaml_support.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trailwatch {

// Reads the selections and the condition of `section` into `selections` and `condition`.
// `ignored_keys` are keys of the section that are not selections (a filter's `rules`). False
// (with errors added) when the section cannot be used.
bool load_detection_section(const YAML::Node& section, const RuleSet& set, const std::string& path,
                            rules_yaml::Errors& errors,
                            const std::vector<std::string_view>& ignored_keys,
                            std::vector<Selection>& selections, Condition& condition);

// The eventNames (or eventName patterns) a condition requires, or nullopt when it can match
// any record.
std::optional<std::vector<std::string>> required_names(const Condition& c,
                                                       const std::vector<Selection>& selections);

} // namespace trailwatch
