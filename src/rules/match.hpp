// SPDX-License-Identifier: MIT
// Matcher: evaluates the loaded rules on events. Its want() is the reader's fast path: only
// records whose eventName some rule can match are copied out of the parser.
#pragma once

#include "rules/rule.hpp"
#include "trailwatch/alert.hpp"
#include "util/strings.hpp"

#include <string_view>
#include <unordered_map>
#include <vector>

namespace trailwatch {

class Matcher {
public:
  explicit Matcher(RuleSet rules);

  // True when some rule could match a record with this eventName (case-insensitive).
  bool wants(std::string_view event_name) const;
  // The eventNames some rule can match; empty when a rule can match any record.
  const std::vector<std::string>& event_names() const { return m_event_names; }
  bool wants_all() const { return m_wants_all; }
  // True when some rule reads GeoIP fields.
  bool uses_geo() const { return m_uses_geo; }
  // Appends one alert per rule that matches `event`.
  void match(const Event& event, const GeoInfo& geo, std::vector<Alert>& alerts) const;

  const RuleSet& rules() const { return m_rules; }

private:
  RuleSet m_rules;
  bool m_wants_all = false;
  bool m_uses_geo = false;
  std::vector<std::string> m_event_names; // as the rules spell them
  util::NameSet m_wanted;                 // the same, sorted for wants()
  // Lower-cased eventName → the rules that can fire on it, in load order.
  std::unordered_map<std::string, std::vector<std::size_t>> m_by_name;
  std::vector<std::size_t> m_any_name; // rules that can match any eventName, in load order
  // eventName patterns (`Update*`) and the rule each belongs to.
  std::vector<std::pair<std::string, std::size_t>> m_by_pattern;
};

// Evaluates one rule (exposed for tests).
bool rule_matches(const Rule& rule, const Event& event, const GeoInfo& geo);

} // namespace trailwatch
