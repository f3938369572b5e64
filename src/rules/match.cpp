// SPDX-License-Identifier: MIT
// Rule evaluation (Sigma semantics): a selection map holds when every field test holds; a
// list of maps when any does. A field with several values (instance types) satisfies a test
// when any of its values does; `|all` needs every pattern to be met by some value. String
// comparison is case-insensitive with `*` / `?` wildcards.
#include "rules/match.hpp"

#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <optional>

namespace trailwatch {
namespace {

// The `part` of the RFC 3339 time `value` in UTC (ISO 8601 week for `week`), or nothing.
std::optional<int> time_part(const std::string& value, TimePart part) {
  const auto seconds = util::parse_rfc3339(value);
  if (!seconds) {
    return std::nullopt;
  }
  const std::time_t t = static_cast<std::time_t>(*seconds);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) {
    return std::nullopt;
  }
  switch (part) {
  case TimePart::minute:
    return tm.tm_min;
  case TimePart::hour:
    return tm.tm_hour;
  case TimePart::day:
    return tm.tm_mday;
  case TimePart::week: {
    char week[4] = {};
    std::strftime(week, sizeof week, "%V", &tm);
    return std::atoi(week);
  }
  case TimePart::month:
    return tm.tm_mon + 1;
  case TimePart::year:
    return tm.tm_year + 1900;
  }
  return std::nullopt;
}

// Numbers compare by meaning as well as by text: a rule's `1.0` matches a record's 1 and "1".
bool same_number(std::string_view pattern, std::string_view value) {
  // Cheap rejection first: both must start like a number.
  auto starts_numeric = [](std::string_view text) {
    return !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
  };
  if (!starts_numeric(pattern) || !starts_numeric(value)) {
    return false;
  }
  const auto a = util::parse_json_number(pattern);
  const auto b = util::parse_json_number(value);
  return a && b && *a == *b;
}

bool value_matches(const FieldTest& test, std::size_t pattern_index, const std::string& value) {
  if (test.modifiers & mod_cidr) {
    const auto address = util::parse_ip(value);
    return address && test.cidrs[pattern_index].contains(*address);
  }
  if (test.modifiers & mod_re) {
    return RE2::PartialMatch(value, *test.regexes[pattern_index]);
  }
  if (test.modifiers & (mod_gt | mod_gte | mod_lt | mod_lte | mod_time)) {
    double number = 0;
    if (test.modifiers & mod_time) {
      const auto part = time_part(value, test.time_part);
      if (!part) {
        return false; // not a time
      }
      number = *part;
      if (!(test.modifiers & (mod_gt | mod_gte | mod_lt | mod_lte))) {
        return number == test.numbers[pattern_index];
      }
    } else {
      const auto parsed = util::parse_json_number(value); // "inf" and "nan" are text
      if (!parsed) {
        return false;
      }
      number = *parsed;
    }
    const double bound = test.numbers[pattern_index];
    if (test.modifiers & mod_gt) {
      return number > bound;
    }
    if (test.modifiers & mod_gte) {
      return number >= bound;
    }
    if (test.modifiers & mod_lt) {
      return number < bound;
    }
    return number <= bound;
  }
  const bool cased = (test.modifiers & mod_cased) != 0;
  const auto& group = test.patterns[pattern_index];
  return std::any_of(group.begin(), group.end(), [&](const std::string& pattern) {
    return util::wildcard_match(pattern, value, cased) || same_number(pattern, value);
  });
}

std::size_t pattern_count(const FieldTest& test) {
  if (test.modifiers & mod_cidr) {
    return test.cidrs.size();
  }
  if (test.modifiers & mod_re) {
    return test.regexes.size();
  }
  if (test.modifiers & mod_fieldref) {
    return test.refs.size();
  }
  if (test.modifiers & (mod_gt | mod_gte | mod_lt | mod_lte | mod_time)) {
    return test.numbers.size();
  }
  return test.patterns.size();
}

// An object's compact JSON keeps the escapes of JSON held in its strings (CloudTrail logs
// `policyDocument` as a JSON string: `{"policyDocument":"{\\"Effect\\":\\"Allow\\"}"}`). Rules
// written against what a person reads (SigmaHQ's `requestParameters|contains|all: '"Allow"'`)
// also see the text with those escaped quotes and backslashes decoded.
void add_decoded_json_texts(std::vector<std::string>& values) {
  const std::size_t count = values.size();
  for (std::size_t i = 0; i < count; ++i) {
    const std::string& value = values[i];
    if (value.empty() || (value.front() != '{' && value.front() != '[') ||
        value.find("\\\"") == std::string::npos) {
      continue;
    }
    std::string decoded;
    decoded.reserve(value.size());
    for (std::size_t k = 0; k < value.size(); ++k) {
      if (value[k] == '\\' && k + 1 < value.size() &&
          (value[k + 1] == '"' || value[k + 1] == '\\')) {
        ++k;
      }
      decoded += value[k];
    }
    values.push_back(std::move(decoded));
  }
}

// fieldref: `value` against another field's value `other`, ignoring ASCII case: equal, or with
// startswith / endswith / contains, `value` starts with, ends with or contains `other`. The other
// field's value is taken literally (a '*' in it is not a wildcard).
bool relates(std::string_view value, std::string_view other, std::uint32_t modifiers) {
  const std::string a = util::to_lower(value);
  const std::string b = util::to_lower(other);
  if (modifiers & mod_contains) {
    return a.find(b) != std::string::npos;
  }
  if (modifiers & mod_startswith) {
    return a.starts_with(b);
  }
  if (modifiers & mod_endswith) {
    return a.ends_with(b);
  }
  return a == b;
}

bool test_matches(const FieldTest& test, const Event& event, const GeoInfo& geo,
                  std::vector<std::string>& scratch) {
  scratch.clear();
  if (test.keyword) {
    event.record.scalar_values(scratch);
  } else {
    test.field.values(event, geo, scratch);
  }
  if (test.modifiers & mod_exists) {
    return test.field.present(event, geo) == test.exists;
  }
  add_decoded_json_texts(scratch);
  if (test.expect_null) {
    return scratch.empty();
  }
  if (test.accepts_null && scratch.empty()) {
    return true; // `[null, value]`: absent (or null) is one of the alternatives
  }
  const std::size_t patterns = pattern_count(test);
  if (patterns == 0) {
    return false; // an empty watch list matches nothing
  }
  std::vector<std::string> other; // fieldref: the values of the referenced field
  auto pattern_met = [&](std::size_t i) {
    if (test.modifiers & mod_fieldref) {
      other.clear();
      test.refs[i].values(event, geo, other);
      return std::any_of(scratch.begin(), scratch.end(), [&](const std::string& value) {
        return std::any_of(other.begin(), other.end(), [&](const std::string& ref) {
          return relates(value, ref, test.modifiers);
        });
      });
    }
    return std::any_of(scratch.begin(), scratch.end(),
                       [&](const std::string& value) { return value_matches(test, i, value); });
  };
  if (test.modifiers & mod_all) {
    for (std::size_t i = 0; i < patterns; ++i) {
      if (!pattern_met(i)) {
        return false;
      }
    }
    return true;
  }
  for (std::size_t i = 0; i < patterns; ++i) {
    if (pattern_met(i)) {
      return true;
    }
  }
  return false;
}

// neq: the test holds when no value of the field equals any of the rule's values (an absent
// field included), as `not field: values` would.
bool test_holds(const FieldTest& test, const Event& event, const GeoInfo& geo,
                std::vector<std::string>& scratch) {
  const bool matched = test_matches(test, event, geo, scratch);
  return (test.modifiers & mod_neq) ? !matched : matched;
}

bool selection_holds(const Selection& selection, const Event& event, const GeoInfo& geo,
                     std::vector<std::string>& scratch) {
  for (const auto& alternative : selection.alternatives) {
    bool all = true;
    for (const auto& test : alternative) {
      if (!test_holds(test, event, geo, scratch)) {
        all = false;
        break;
      }
    }
    if (all) {
      return true;
    }
  }
  return false;
}

bool evaluate(const Condition& c, const std::vector<Selection>& selections, const Event& event,
              const GeoInfo& geo, std::vector<std::string>& scratch) {
  switch (c.op) {
  case Condition::Op::selection:
    return selection_holds(selections[c.selections[0]], event, geo, scratch);
  case Condition::Op::and_:
    return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& child) {
      return evaluate(child, selections, event, geo, scratch);
    });
  case Condition::Op::or_:
    return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& child) {
      return evaluate(child, selections, event, geo, scratch);
    });
  case Condition::Op::not_:
    return !evaluate(c.children[0], selections, event, geo, scratch);
  case Condition::Op::one_of:
    return std::any_of(c.selections.begin(), c.selections.end(), [&](std::size_t i) {
      return selection_holds(selections[i], event, geo, scratch);
    });
  case Condition::Op::all_of:
    return std::all_of(c.selections.begin(), c.selections.end(), [&](std::size_t i) {
      return selection_holds(selections[i], event, geo, scratch);
    });
  }
  return false;
}

// The rule's condition and the condition of every filter that applies to it.
bool rule_holds(const Rule& rule, const Event& event, const GeoInfo& geo,
                std::vector<std::string>& scratch) {
  if (!evaluate(rule.condition, rule.selections, event, geo, scratch)) {
    return false;
  }
  return std::all_of(rule.filters.begin(), rule.filters.end(), [&](const auto& filter) {
    return evaluate(filter->condition, filter->selections, event, geo, scratch);
  });
}

bool is_pattern(std::string_view name) {
  return name.find_first_of("*?\\") != std::string_view::npos;
}

} // namespace

bool rule_matches(const Rule& rule, const Event& event, const GeoInfo& geo) {
  std::vector<std::string> scratch;
  return rule_holds(rule, event, geo, scratch);
}

std::size_t select_rules(RuleSet& set, const RuleSelection& selection) {
  auto any_equal = [](const std::vector<std::string>& list, std::string_view value) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& item) { return util::iequals(item, value); });
  };
  const std::size_t before = set.rules.size();
  std::erase_if(set.rules, [&](const Rule& rule) {
    if (rule.level < selection.min_level) {
      return true;
    }
    if (selection.statuses.empty() ? (rule.status == "deprecated" || rule.status == "unsupported")
                                   : !any_equal(selection.statuses, rule.status)) {
      return true;
    }
    if (!selection.ids.empty() && !any_equal(selection.ids, rule.id)) {
      return true;
    }
    if (!selection.tags.empty() &&
        std::none_of(rule.tags.begin(), rule.tags.end(),
                     [&](const std::string& tag) { return any_equal(selection.tags, tag); })) {
      return true;
    }
    return false;
  });
  return before - set.rules.size();
}

Matcher::Matcher(RuleSet rules) : m_rules(std::move(rules)) {
  // Index: a record is tested only against the rules that can fire on its eventName, plus the
  // rules that can match any record. Rules keep their load order, so output does not change.
  for (std::size_t index = 0; index < m_rules.rules.size(); ++index) {
    const Rule& rule = m_rules.rules[index];
    m_uses_geo = m_uses_geo || rule.uses_geo;
    if (rule.event_names.empty()) {
      m_wants_all = true;
      m_any_name.push_back(index);
    }
    for (const auto& name : rule.event_names) {
      if (std::find(m_event_names.begin(), m_event_names.end(), name) == m_event_names.end()) {
        m_event_names.push_back(name);
      }
      if (is_pattern(name)) {
        m_by_pattern.emplace_back(name, index);
        continue;
      }
      auto& list = m_by_name[util::to_lower(name)];
      if (list.empty() || list.back() != index) {
        list.push_back(index);
      }
    }
  }
  m_wanted = util::NameSet(m_event_names);
}

bool Matcher::wants(std::string_view event_name) const {
  // Called for every record the reader parses: a scan of the few names, no allocation.
  return m_wants_all || m_wanted.contains(event_name);
}

void Matcher::match(const Event& event, const GeoInfo& geo, std::vector<Alert>& alerts) const {
  static const std::vector<std::size_t> k_none;
  const auto named = m_by_name.find(util::to_lower(event.event_name));
  const std::vector<std::size_t>* found = named == m_by_name.end() ? &k_none : &named->second;
  std::vector<std::size_t> with_patterns; // rules whose eventName patterns this name meets
  if (!m_by_pattern.empty()) {
    for (const auto& [pattern, index] : m_by_pattern) {
      if (util::wildcard_match(pattern, event.event_name)) {
        with_patterns.push_back(index);
      }
    }
    if (!with_patterns.empty()) {
      with_patterns.insert(with_patterns.end(), found->begin(), found->end());
      std::sort(with_patterns.begin(), with_patterns.end());
      with_patterns.erase(std::unique(with_patterns.begin(), with_patterns.end()),
                          with_patterns.end());
      found = &with_patterns;
    }
  }
  const std::vector<std::size_t>& by_name = *found;
  std::vector<std::string> scratch;
  // Both lists are in load order: walk them together.
  std::size_t a = 0, b = 0;
  while (a < by_name.size() || b < m_any_name.size()) {
    std::size_t index;
    if (b == m_any_name.size() || (a < by_name.size() && by_name[a] < m_any_name[b])) {
      index = by_name[a++];
    } else {
      index = m_any_name[b++];
    }
    const Rule& rule = m_rules.rules[index];
    if (rule_holds(rule, event, geo, scratch)) {
      Alert alert;
      alert.event = event;
      alert.geo = geo;
      alert.rule_id = rule.id;
      alert.rule_title = rule.title;
      alert.tags = rule.tags;
      alert.level = rule.level;
      alert.fields = rule.fields;
      alerts.push_back(std::move(alert));
    }
  }
}

} // namespace trailwatch
