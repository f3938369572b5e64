// SPDX-License-Identifier: MIT
#include "rules/detection_load.hpp"

#include "rules/cloudtrail_fields.hpp"
#include "rules/value_transforms.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trailwatch {

using rules_yaml::check_duplicates;
using rules_yaml::Errors;

namespace {

struct Modifier {
  std::string_view name;
  std::uint32_t bit;
};
constexpr Modifier k_modifiers[] = {
    {"contains", mod_contains},
    {"startswith", mod_startswith},
    {"endswith", mod_endswith},
    {"all", mod_all},
    {"cidr", mod_cidr},
    {"exists", mod_exists},
    {"gt", mod_gt},
    {"gte", mod_gte},
    {"lt", mod_lt},
    {"lte", mod_lte},
    {"re", mod_re},
    {"expand", mod_expand},
    {"fieldref", mod_fieldref},
    {"i", mod_i},
    {"m", mod_m},
    {"s", mod_s},
    {"cased", mod_cased},
    {"neq", mod_neq},
};

// Turns one `field|mods: values` entry into a FieldTest.
void build_test(const std::string& key, const YAML::Node& key_node, const YAML::Node& value_node,
                const RuleSet& set, const std::string& path, Errors& errors,
                std::vector<FieldTest>& out, bool keyword) {
  FieldTest test;
  test.keyword = keyword;
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto bar = key.find('|', start);
    parts.push_back(key.substr(start, bar - start));
    if (bar == std::string::npos) {
      break;
    }
    start = bar + 1;
  }
  std::string field_error;
  if (keyword) {
    // Keyword selections have no field; a key (`'|all': [...]`) carries modifiers only.
  } else if (auto field = Field::resolve(parts[0], field_error)) {
    test.field = std::move(*field);
    if (!parts[0].starts_with("trailwatch.")) {
      if (auto warning = unknown_cloudtrail_field(parts[0])) {
        errors.warn(path, key_node, *warning);
      }
    }
  } else {
    errors.add(path, key_node, field_error);
    return;
  }
  std::vector<ValueTransform> transforms; // in the order written
  for (std::size_t i = 1; i < parts.size(); ++i) {
    static constexpr std::pair<std::string_view, TimePart> k_time_parts[] = {
        {"minute", TimePart::minute}, {"hour", TimePart::hour},   {"day", TimePart::day},
        {"week", TimePart::week},     {"month", TimePart::month}, {"year", TimePart::year}};
    if (const auto part = std::find_if(std::begin(k_time_parts), std::end(k_time_parts),
                                       [&](const auto& p) { return p.first == parts[i]; });
        part != std::end(k_time_parts)) {
      test.modifiers |= mod_time;
      test.time_part = part->second;
      continue;
    }
    ValueTransform transform;
    if (parse_value_transform(parts[i], transform)) {
      transforms.push_back(transform);
      test.modifiers |= mod_transform;
      continue;
    }
    const auto it = std::find_if(std::begin(k_modifiers), std::end(k_modifiers),
                                 [&](const Modifier& m) { return m.name == parts[i]; });
    if (it == std::end(k_modifiers)) {
      errors.add(path, key_node,
                 fmt::format("unknown or unsupported modifier '{}'; supported: contains, "
                             "startswith, endswith, all, cidr, exists, gt, gte, lt, lte, re "
                             "(with i, m, s), expand, fieldref, cased, neq, base64, "
                             "base64offset, utf16le, utf16be, utf16, wide, windash",
                             parts[i]));
      return;
    }
    test.modifiers |= it->bit;
  }

  if ((test.modifiers & (mod_i | mod_m | mod_s)) && !(test.modifiers & mod_re)) {
    errors.add(path, key_node, "modifiers i, m and s go with re ('field|re|i')");
    return;
  }
  // Raw values: a scalar, null or a list of scalars.
  std::vector<std::string> raw;
  bool has_null = false;
  auto take = [&](const YAML::Node& n) {
    if (n.IsNull()) {
      has_null = true;
    } else if (n.IsScalar()) {
      raw.push_back(n.Scalar());
    } else {
      errors.add(path, n, fmt::format("values of '{}' must be single values or a list", key));
    }
  };
  if (value_node.IsSequence()) {
    for (const auto& item : value_node) {
      take(item);
    }
  } else {
    take(value_node);
  }

  if (test.modifiers & mod_expand) {
    std::vector<std::string> expanded;
    for (const auto& value : raw) {
      if (value.size() < 3 || value.front() != '%' || value.back() != '%') {
        errors.add(path, value_node,
                   fmt::format("expand needs a '%name%' placeholder, got '{}'", value));
        continue;
      }
      const std::string name = value.substr(1, value.size() - 2);
      const auto it = set.watchlists.find(name);
      if (it == set.watchlists.end()) {
        std::vector<std::string> known;
        for (const auto& [known_name, list] : set.watchlists) {
          known.push_back(known_name);
        }
        errors.add(path, value_node,
                   fmt::format("unknown placeholder '%{}%'; watch lists loaded: {}", name,
                               known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))));
        continue;
      }
      expanded.insert(expanded.end(), it->second.values.begin(), it->second.values.end());
    }
    raw = std::move(expanded);
  } else {
    for (const auto& value : raw) {
      if (value.size() >= 2 && value.front() == '%' && value.back() == '%') {
        errors.add(path, value_node,
                   fmt::format("placeholder '{}' needs the |expand modifier", value));
      }
    }
  }

  if (test.modifiers & mod_exists) {
    if (raw.size() != 1 || (raw[0] != "true" && raw[0] != "false")) {
      errors.add(path, value_node, "exists takes true or false");
      return;
    }
    test.exists = raw[0] == "true";
  } else if (test.modifiers & (mod_gt | mod_gte | mod_lt | mod_lte | mod_time)) {
    for (const auto& value : raw) {
      try {
        std::size_t used = 0;
        test.numbers.push_back(std::stod(value, &used));
        if (used != value.size()) {
          throw std::invalid_argument(value);
        }
      } catch (const std::exception&) {
        errors.add(path, value_node, fmt::format("'{}' is not a number", value));
      }
    }
  } else if (test.modifiers & mod_cidr) {
    for (const auto& value : raw) {
      if (auto cidr = util::parse_cidr(value)) {
        test.cidrs.push_back(*cidr);
      } else {
        errors.add(path, value_node, fmt::format("'{}' is not a CIDR network", value));
      }
    }
  } else if (test.modifiers & mod_re) {
    // RE2: matching time is linear in the value, so no value can make a rule slow or crash
    // it (std::regex took 48–94 µs per match and overflowed its stack on a 50 kB value).
    std::string flags;
    flags += (test.modifiers & mod_i) ? "i" : "";
    flags += (test.modifiers & mod_m) ? "m" : "";
    flags += (test.modifiers & mod_s) ? "s" : "";
    for (const auto& value : raw) {
      RE2::Options options;
      options.set_log_errors(false);
      auto regex = std::make_shared<const re2::RE2>(
          flags.empty() ? value : "(?" + flags + ")" + value, options);
      if (!regex->ok()) {
        errors.add(path, value_node,
                   fmt::format("bad regular expression '{}': {}", value, regex->error()));
      } else {
        test.regexes.push_back(std::move(regex));
      }
    }
  } else if (test.modifiers & mod_fieldref) {
    for (const auto& value : raw) {
      std::string ref_error;
      if (auto ref = Field::resolve(value, ref_error)) {
        test.refs.push_back(std::move(*ref));
      } else {
        errors.add(path, value_node, "fieldref: " + ref_error);
      }
    }
  } else {
    for (const auto& value : raw) {
      std::vector<std::string> variants{value};
      for (const ValueTransform transform : transforms) {
        variants = apply_value_transform(transform, variants);
      }
      for (auto& variant : variants) {
        // Keywords are searched inside values: an implicit contains.
        if (test.modifiers & (mod_contains | mod_endswith) || keyword) {
          variant = "*" + variant;
        }
        if (test.modifiers & (mod_contains | mod_startswith) || keyword) {
          // A lone trailing backslash is a literal one (`\AppData\`); doubled, it stays literal
          // rather than escaping the wildcard added here.
          const auto last = variant.find_last_not_of('\\');
          const std::size_t trailing = variant.size() - (last == std::string::npos ? 0 : last + 1);
          if (trailing % 2 == 1) {
            variant += '\\';
          }
          variant += "*";
        }
      }
      test.patterns.push_back(std::move(variants));
    }
  }
  test.expect_null = has_null && raw.empty();
  test.accepts_null = has_null && !raw.empty();
  out.push_back(std::move(test));
}

void build_selection_map(const YAML::Node& map, const RuleSet& set, const std::string& path,
                         Errors& errors, std::vector<FieldTest>& out) {
  check_duplicates(map, path, errors, "selection");
  for (const auto& entry : map) {
    // A key that is only modifiers (`'|all': [...]`) makes a keyword test.
    const std::string key = entry.first.Scalar();
    build_test(key, entry.first, entry.second, set, path, errors, out, key.starts_with("|"));
  }
}

// Reads one selection: a map (all tests hold), a list of maps (any map holds), or keywords (a
// value or a list of values searched in the whole record).
std::optional<Selection> load_selection(const std::string& name, const YAML::Node& key,
                                        const YAML::Node& value, const RuleSet& set,
                                        const std::string& path, Errors& errors) {
  Selection selection{name, {}};
  if (value.IsMap()) {
    selection.alternatives.emplace_back();
    build_selection_map(value, set, path, errors, selection.alternatives.back());
    return selection;
  }
  if (value.IsSequence() && value.size() > 0 && value[0].IsMap()) {
    for (const auto& item : value) {
      if (!item.IsMap()) {
        errors.add(path, item, fmt::format("selection '{}' mixes maps and values", name));
        continue;
      }
      selection.alternatives.emplace_back();
      build_selection_map(item, set, path, errors, selection.alternatives.back());
    }
    return selection;
  }
  if (value.IsScalar() || (value.IsSequence() && value.size() > 0)) {
    for (const auto& item : value) {
      if (!item.IsScalar()) {
        errors.add(path, item,
                   fmt::format("keyword selection '{}' must be a list of values", name));
        return std::nullopt;
      }
    }
    selection.alternatives.emplace_back();
    build_test("", key, value, set, path, errors, selection.alternatives.back(), true);
    return selection;
  }
  errors.add(
      path, key,
      fmt::format("selection '{}' must be a map, a list of maps or a list of keywords", name));
  return std::nullopt;
}

} // namespace

bool load_detection_section(const YAML::Node& section, const RuleSet& set, const std::string& path,
                            Errors& errors, const std::vector<std::string_view>& ignored_keys,
                            std::vector<Selection>& selections, Condition& condition) {
  if (!section.IsMap()) {
    errors.add(path, section, "a detection must be a map of selections and a condition");
    return false;
  }
  check_duplicates(section, path, errors, "detection");
  YAML::Node condition_node;
  bool has_condition = false;
  for (const auto& entry : section) {
    const std::string name = entry.first.Scalar();
    if (name == "condition") {
      condition_node = entry.second;
      has_condition = true;
      continue;
    }
    if (std::find(ignored_keys.begin(), ignored_keys.end(), name) != ignored_keys.end()) {
      continue;
    }
    if (name == "timeframe") {
      errors.add(path, entry.first,
                 "'timeframe' (a legacy aggregation) is not supported; write a Sigma "
                 "correlation");
      continue;
    }
    if (auto selection = load_selection(name, entry.first, entry.second, set, path, errors)) {
      selections.push_back(std::move(*selection));
    }
  }
  if (!has_condition) {
    errors.add(path, section, "detection has no 'condition'");
    return false;
  }
  // A list of conditions holds when any of them does.
  std::vector<YAML::Node> expressions;
  if (condition_node.IsScalar()) {
    expressions.push_back(condition_node);
  } else if (condition_node.IsSequence() && condition_node.size() > 0) {
    for (const auto& item : condition_node) {
      expressions.push_back(item);
    }
  } else {
    errors.add(path, condition_node, "condition must be an expression or a list of them");
    return false;
  }
  Condition any{Condition::Op::or_, {}, {}};
  for (const auto& expression : expressions) {
    if (!expression.IsScalar()) {
      errors.add(path, expression, "each condition must be a single expression");
      return false;
    }
    try {
      any.children.push_back(parse_condition(expression.Scalar(), selections));
    } catch (const std::invalid_argument& e) {
      errors.add(path, expression, e.what());
      return false;
    }
  }
  condition = any.children.size() == 1 ? std::move(any.children[0]) : std::move(any);
  return true;
}

std::optional<std::vector<std::string>> required_names(const Condition& c,
                                                       const std::vector<Selection>& selections) {
  auto of_selection = [&](std::size_t index) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> names;
    for (const auto& alternative : selections[index].alternatives) {
      bool restricted = false;
      for (const auto& test : alternative) {
        // Modifiers that keep the names a superset of what the test accepts: patterns compared
        // ignoring case (cased is stricter), every value of `all` (the union is wider).
        constexpr std::uint32_t k_name_modifiers = mod_expand | mod_contains | mod_startswith |
                                                   mod_endswith | mod_all | mod_cased |
                                                   mod_transform;
        if (test.field.is_event_name() && (test.modifiers & ~k_name_modifiers) == 0) {
          // Names with wildcards (`eventName|startswith: Update`) stay on the fast path: the
          // prefilter and Matcher::wants compare them as patterns.
          if (!test.expect_null && !test.keyword) {
            for (const auto& group : test.patterns) {
              names.insert(names.end(), group.begin(), group.end());
            }
            restricted = true;
            break;
          }
        }
      }
      if (!restricted) {
        return std::nullopt;
      }
    }
    return names;
  };
  switch (c.op) {
  case Condition::Op::selection:
    return of_selection(c.selections[0]);
  case Condition::Op::and_:
    for (const auto& child : c.children) {
      if (auto names = required_names(child, selections)) {
        return names;
      }
    }
    return std::nullopt;
  case Condition::Op::or_: {
    std::vector<std::string> all;
    for (const auto& child : c.children) {
      auto names = required_names(child, selections);
      if (!names) {
        return std::nullopt;
      }
      all.insert(all.end(), names->begin(), names->end());
    }
    return all;
  }
  case Condition::Op::not_:
    return std::nullopt;
  case Condition::Op::one_of: {
    std::vector<std::string> all;
    for (auto index : c.selections) {
      auto names = of_selection(index);
      if (!names) {
        return std::nullopt;
      }
      all.insert(all.end(), names->begin(), names->end());
    }
    return all;
  }
  case Condition::Op::all_of:
    for (auto index : c.selections) {
      if (auto names = of_selection(index)) {
        return names;
      }
    }
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace trailwatch
