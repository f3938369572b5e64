// SPDX-License-Identifier: MIT
// Loading Sigma-shaped rules and watch lists with yaml-cpp, strictly.
//
// yaml-cpp 0.7 accepts duplicate map keys silently (the first wins on lookup), so every map is
// walked once to reject them. Line numbers come from Mark().line, which is 0-based.
#include "rules/rule.hpp"
#include "rules/value_transforms.hpp"
#include "trailwatch/error.hpp"
#include "util/data_dir.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace trailwatch {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_rule_keys[] = {
    "title",          "id",        "name",     "status",   "description",
    "references",     "author",    "date",     "modified", "tags",
    "logsource",      "detection", "fields",   "level",    "related",
    "falsepositives", "license",   "taxonomy", "scope",
};
constexpr std::string_view k_watchlist_keys[] = {"name", "description", "source", "values"};
constexpr std::string_view k_statuses[] = {"stable", "test", "experimental", "deprecated",
                                           "unsupported"};

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

// Collects errors as "file:line: message".
class Errors {
public:
  void add(const std::string& path, const YAML::Node& node, const std::string& message) {
    const int line = node.IsDefined() ? node.Mark().line : -1;
    if (line >= 0) {
      m_list.push_back(fmt::format("{}:{}: {}", path, line + 1, message));
    } else {
      m_list.push_back(fmt::format("{}: {}", path, message));
    }
  }
  void add_plain(std::string message) { m_list.push_back(std::move(message)); }
  std::size_t size() const { return m_list.size(); }
  std::vector<std::string>& list() { return m_list; }

private:
  std::vector<std::string> m_list;
};

template <std::size_t N> std::string join_names(const std::string_view (&names)[N]) {
  std::string out;
  for (const auto& name : names) {
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

// The YAML documents of `text`, split at its `---` lines (yaml-cpp 0.7's LoadAll never returns
// on some inputs, so documents are found here and each is read with YAML::Load). Each document
// keeps its place: the other documents' lines are left blank, so yaml-cpp's line numbers are
// the file's. Documents without content (comments, blank lines) are dropped.
std::vector<std::string> yaml_documents(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto is_separator = [](std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    return line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
  };
  auto is_content = [](std::string_view line) {
    const auto first = line.find_first_not_of(" \t\r");
    return first != std::string_view::npos && line[first] != '#' && line.substr(first) != "...";
  };
  std::vector<std::string> documents;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= lines.size(); ++i) {
    if (i < lines.size() && !is_separator(lines[i])) {
      continue;
    }
    bool content = false;
    for (std::size_t k = begin; k < i; ++k) {
      content = content || is_content(lines[k]);
    }
    if (content) {
      std::string document(begin, '\n');
      for (std::size_t k = begin; k < i; ++k) {
        document += lines[k];
        document += '\n';
      }
      documents.push_back(std::move(document));
    }
    begin = i + 1;
  }
  return documents;
}

// Checks a map for duplicate and (when `allowed` is given) unknown keys.
template <std::size_t N>
void check_keys(const YAML::Node& map, const std::string& path, Errors& errors,
                const std::string_view (*allowed)[N], std::string_view what) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      errors.add(path, entry.first, fmt::format("duplicate key '{}' in {}", key, what));
    }
    if (allowed != nullptr &&
        std::find(std::begin(*allowed), std::end(*allowed), key) == std::end(*allowed)) {
      errors.add(
          path, entry.first,
          fmt::format("unknown key '{}' in {}; valid keys: {}", key, what, join_names(*allowed)));
    }
  }
}

void check_duplicates(const YAML::Node& map, const std::string& path, Errors& errors,
                      std::string_view what) {
  check_keys<1>(map, path, errors, nullptr, what);
}

std::string scalar_or_error(const YAML::Node& node, const std::string& path, Errors& errors,
                            std::string_view key, bool required) {
  if (!node.IsDefined() || node.IsNull()) {
    if (required) {
      errors.add_plain(fmt::format("{}: missing required key '{}'", path, key));
    }
    return {};
  }
  if (!node.IsScalar()) {
    errors.add(path, node, fmt::format("'{}' must be a single value", key));
    return {};
  }
  return node.Scalar();
}

void check_string_list(const YAML::Node& node, const std::string& path, Errors& errors,
                       std::string_view key, std::vector<std::string>* out = nullptr) {
  if (!node.IsDefined() || node.IsNull()) {
    return;
  }
  if (!node.IsSequence()) {
    errors.add(path, node, fmt::format("'{}' must be a list", key));
    return;
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      errors.add(path, item, fmt::format("'{}' items must be single values", key));
    } else if (out != nullptr) {
      out->push_back(item.Scalar());
    }
  }
}

// Loaded but not yet resolved: placeholders need every watch list first.
struct PendingRule {
  Rule rule;
  YAML::Node detection;
};

// Turns one `field|mods: values` entry into a FieldTest.
void build_test(const std::string& key, const YAML::Node& key_node, const YAML::Node& value_node,
                const RuleSet& set, const std::string& path, Errors& errors,
                std::vector<FieldTest>& out) {
  FieldTest test;
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
  if (auto field = Field::resolve(parts[0], field_error)) {
    test.field = std::move(*field);
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
        if (test.modifiers & (mod_contains | mod_endswith)) {
          variant = "*" + variant;
        }
        if (test.modifiers & (mod_contains | mod_startswith)) {
          variant += "*";
        }
      }
      test.patterns.push_back(std::move(variants));
    }
  }
  test.expect_null = has_null && raw.empty();
  out.push_back(std::move(test));
}

void build_selection_map(const YAML::Node& map, const RuleSet& set, const std::string& path,
                         Errors& errors, std::vector<FieldTest>& out) {
  check_duplicates(map, path, errors, "selection");
  for (const auto& entry : map) {
    build_test(entry.first.Scalar(), entry.first, entry.second, set, path, errors, out);
  }
}

// The eventNames a condition requires, or nullopt when it can match any record.
std::optional<std::vector<std::string>> required_names(const Condition& c, const Rule& rule) {
  auto of_selection = [&](std::size_t index) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> names;
    for (const auto& alternative : rule.selections[index].alternatives) {
      bool restricted = false;
      for (const auto& test : alternative) {
        if (test.field.is_event_name() &&
            (test.modifiers & ~static_cast<std::uint32_t>(mod_expand)) == 0) {
          bool plain = true;
          for (const auto& group : test.patterns) {
            for (const auto& p : group) {
              plain = plain && !util::has_wildcards(p);
            }
          }
          if (plain && !test.expect_null) {
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
      if (auto names = required_names(child, rule)) {
        return names;
      }
    }
    return std::nullopt;
  case Condition::Op::or_: {
    std::vector<std::string> all;
    for (const auto& child : c.children) {
      auto names = required_names(child, rule);
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

void load_detection(PendingRule& pending, const RuleSet& set, Errors& errors) {
  Rule& rule = pending.rule;
  const YAML::Node& detection = pending.detection;
  const auto& path = rule.path;
  if (!detection.IsMap()) {
    errors.add(path, detection, "'detection' must be a map of selections and a condition");
    return;
  }
  check_duplicates(detection, path, errors, "detection");
  YAML::Node condition_node;
  bool has_condition = false;
  for (const auto& entry : detection) {
    const std::string name = entry.first.Scalar();
    if (name == "condition") {
      condition_node = entry.second;
      has_condition = true;
      continue;
    }
    if (name == "timeframe") {
      errors.add(path, entry.first, "'timeframe' (correlation) is not supported");
      continue;
    }
    Selection selection{name, {}};
    if (entry.second.IsMap()) {
      selection.alternatives.emplace_back();
      build_selection_map(entry.second, set, path, errors, selection.alternatives.back());
    } else if (entry.second.IsSequence() && entry.second.size() > 0 && entry.second[0].IsMap()) {
      for (const auto& item : entry.second) {
        if (!item.IsMap()) {
          errors.add(path, item, fmt::format("selection '{}' mixes maps and values", name));
          continue;
        }
        selection.alternatives.emplace_back();
        build_selection_map(item, set, path, errors, selection.alternatives.back());
      }
    } else {
      errors.add(path, entry.first,
                 fmt::format("selection '{}' must be a map or a list of maps (keyword "
                             "selections are not supported)",
                             name));
      continue;
    }
    rule.selections.push_back(std::move(selection));
  }
  if (!has_condition) {
    errors.add(path, detection, "detection has no 'condition'");
    return;
  }
  if (!condition_node.IsScalar()) {
    errors.add(path, condition_node, "condition must be a single expression");
    return;
  }
  try {
    rule.condition = parse_condition(condition_node.Scalar(), rule.selections);
  } catch (const std::invalid_argument& e) {
    errors.add(path, condition_node, e.what());
    return;
  }
  if (auto names = required_names(rule.condition, rule)) {
    rule.event_names = std::move(*names);
  }
  for (const auto& selection : rule.selections) {
    for (const auto& alternative : selection.alternatives) {
      for (const auto& test : alternative) {
        rule.uses_geo = rule.uses_geo || test.field.needs_geo();
      }
    }
  }
}

void load_rule_file(const std::string& path, const YAML::Node& doc, std::vector<PendingRule>& out,
                    Errors& errors) {
  check_keys(doc, path, errors, &k_rule_keys, "rule");
  PendingRule pending;
  Rule& rule = pending.rule;
  rule.path = path;
  rule.title = scalar_or_error(doc["title"], path, errors, "title", true);
  rule.id = scalar_or_error(doc["id"], path, errors, "id", true);
  rule.status = scalar_or_error(doc["status"], path, errors, "status", false);
  rule.description = scalar_or_error(doc["description"], path, errors, "description", false);
  if (!rule.status.empty() && std::find(std::begin(k_statuses), std::end(k_statuses),
                                        rule.status) == std::end(k_statuses)) {
    errors.add(
        path, doc["status"],
        fmt::format("unknown status '{}', must be: {}", rule.status, join_names(k_statuses)));
  }
  const std::string level = scalar_or_error(doc["level"], path, errors, "level", true);
  if (auto parsed = parse_level(level)) {
    rule.level = *parsed;
  } else if (!level.empty()) {
    errors.add(path, doc["level"],
               fmt::format("unknown level '{}', must be: informational, low, medium, high, "
                           "critical",
                           level));
  }
  check_string_list(doc["tags"], path, errors, "tags", &rule.tags);
  check_string_list(doc["references"], path, errors, "references");
  check_string_list(doc["falsepositives"], path, errors, "falsepositives");
  check_string_list(doc["fields"], path, errors, "fields", &rule.fields);
  for (const auto& name : rule.fields) {
    std::string field_error;
    if (!Field::resolve(name, field_error)) {
      errors.add(path, doc["fields"], field_error);
    }
  }
  const YAML::Node logsource = doc["logsource"];
  if (!logsource.IsDefined() || !logsource.IsMap()) {
    errors.add_plain(fmt::format("{}: missing required key 'logsource' (product: aws, service: "
                                 "cloudtrail)",
                                 path));
  } else {
    check_duplicates(logsource, path, errors, "logsource");
    // A missing key yields an invalid node whose IsScalar() throws: check IsDefined() first.
    auto scalar = [&](const char* key) {
      const YAML::Node node = logsource[key];
      return node.IsDefined() && node.IsScalar() ? node.Scalar() : std::string();
    };
    const std::string product = scalar("product");
    const std::string service = scalar("service");
    if (product != "aws" || service != "cloudtrail") {
      errors.add(path, logsource, "logsource must be product: aws, service: cloudtrail");
    }
  }
  pending.detection = doc["detection"];
  if (!pending.detection.IsDefined()) {
    errors.add_plain(fmt::format("{}: missing required key 'detection'", path));
    return;
  }
  out.push_back(std::move(pending));
}

void load_watchlist_file(const std::string& path, const YAML::Node& doc, RuleSet& set,
                         Errors& errors) {
  check_keys(doc, path, errors, &k_watchlist_keys, "watch list");
  Watchlist list;
  list.path = path;
  list.name = scalar_or_error(doc["name"], path, errors, "name", true);
  list.description = scalar_or_error(doc["description"], path, errors, "description", false);
  const YAML::Node values = doc["values"];
  if (!values.IsSequence() && !values.IsNull()) {
    errors.add(path, values, "'values' must be a list");
    return;
  }
  check_string_list(values, path, errors, "values", &list.values);
  for (auto& value : list.values) {
    value = std::string(util::trim(value));
  }
  if (list.name.empty()) {
    return;
  }
  if (auto it = set.watchlists.find(list.name); it != set.watchlists.end()) {
    errors.add(path, doc["name"],
               fmt::format("watch list '{}' is already defined in {}", list.name, it->second.path));
    return;
  }
  set.watchlists.emplace(list.name, std::move(list));
}

void collect_files(const std::string& path, std::vector<std::string>& files, Errors& errors) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    errors.add_plain(fmt::format("{}: no such rules file or folder", path));
    return;
  }
  if (fs::is_directory(status)) {
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const auto ext = it->path().extension();
      if (it->is_regular_file() && (ext == ".yml" || ext == ".yaml")) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      errors.add_plain(fmt::format("{}: {}", path, ec.message()));
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  } else {
    files.push_back(path);
  }
}

} // namespace

std::vector<std::string> lint_rules(const std::vector<std::string>& paths, RuleSet* loaded) {
  Errors errors;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    collect_files(path, files, errors);
  }
  RuleSet set;
  std::vector<PendingRule> pending;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      errors.add_plain(fmt::format("{}: cannot read: {}", file, std::strerror(errno)));
      continue;
    }
    // A file may hold several documents (Sigma rule collections); each is a rule or a watch list.
    const std::vector<std::string> documents = yaml_documents(text.str());
    if (documents.empty()) {
      errors.add_plain(fmt::format("{}: no YAML document (an empty rules file)", file));
    }
    for (const auto& document : documents) {
      YAML::Node doc;
      try {
        doc = YAML::Load(document);
      } catch (const YAML::Exception& e) {
        errors.add_plain(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
        continue;
      }
      if (!doc.IsMap()) {
        errors.add(file, doc, "expected a rule or a watch list (a YAML map)");
      } else if (doc["correlation"].IsDefined()) {
        errors.add(file, doc["correlation"],
                   "Sigma correlation rules are not supported yet (their base rules in the "
                   "same file load)");
      } else if (doc["detection"].IsDefined()) {
        load_rule_file(file, doc, pending, errors);
      } else if (doc["values"].IsDefined()) {
        load_watchlist_file(file, doc, set, errors);
      } else {
        errors.add(file, doc, "neither a rule (no 'detection') nor a watch list (no 'values')");
      }
    }
  }
  std::set<std::string> ids;
  for (auto& p : pending) {
    load_detection(p, set, errors);
    if (!p.rule.id.empty() && !ids.insert(p.rule.id).second) {
      errors.add_plain(
          fmt::format("{}: rule id '{}' is used by another rule", p.rule.path, p.rule.id));
    }
    set.rules.push_back(std::move(p.rule));
  }
  if (set.rules.empty() && errors.size() == 0) {
    if (paths.empty()) {
      const auto exe = util::executable_path();
      errors.add_plain(fmt::format(
          "no rules: no data folder beside the binary ({} or {}); give --rules PATH or install "
          "with cmake --install",
          (exe.parent_path().parent_path() / "share/trailwatch/rules").string(),
          (exe.parent_path() / "share/trailwatch/rules").string()));
    } else {
      errors.add_plain(fmt::format("no rules found in {}", fmt::join(paths, ", ")));
    }
  }
  if (loaded != nullptr) {
    *loaded = std::move(set);
  }
  return std::move(errors.list());
}

RuleSet load_rules(const std::vector<std::string>& paths) {
  RuleSet set;
  auto errors = lint_rules(paths, &set);
  if (!errors.empty()) {
    throw Fatal(fmt::format("invalid rules:\n  {}", fmt::join(errors, "\n  ")));
  }
  return set;
}

std::vector<std::string> default_rule_paths() {
  // The data folder found from the running binary (util/data_dir.hpp), never a build-time path.
  const auto data = util::data_dir();
  std::error_code ec;
  if (data && fs::is_directory(*data / "rules", ec)) {
    return {(*data / "rules").string()};
  }
  return {};
}

} // namespace trailwatch
