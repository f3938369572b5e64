// SPDX-License-Identifier: MIT
// Loading rules files with yaml-cpp, strictly: each YAML document of a file is a Sigma rule, a
// Sigma filter, a rule test suite, a watch list, or a correlation (skipped until supported).
#include "rules/detection_load.hpp"
#include "rules/rule.hpp"
#include "rules/yaml_support.hpp"
#include "trailwatch/error.hpp"
#include "util/data_dir.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace trailwatch {
namespace fs = std::filesystem;

using rules_yaml::check_duplicates;
using rules_yaml::check_keys;
using rules_yaml::check_string_list;
using rules_yaml::Errors;
using rules_yaml::join_names;
using rules_yaml::scalar_or_error;

namespace {

// `tests` is trailwatch's own attribute: sample records with their verdict (rules test).
constexpr std::string_view k_rule_keys[] = {
    "title",          "id",        "name",     "status",   "description",
    "references",     "author",    "date",     "modified", "tags",
    "logsource",      "detection", "fields",   "level",    "related",
    "falsepositives", "license",   "taxonomy", "scope",    "tests",
};
constexpr std::string_view k_filter_keys[] = {
    "title", "id",       "name",    "description", "references", "author",
    "date",  "modified", "license", "taxonomy",    "logsource",  "filter",
};
constexpr std::string_view k_suite_keys[] = {"rule", "description", "tests"};
constexpr std::string_view k_test_keys[] = {"name", "rule", "expect", "record", "geo"};
constexpr std::string_view k_geo_keys[] = {"country", "country_name", "city", "asn", "asn_org"};
constexpr std::string_view k_watchlist_keys[] = {"name", "description", "source", "values"};
constexpr std::string_view k_statuses[] = {"stable", "test", "experimental", "deprecated",
                                           "unsupported"};

// Loaded but not yet resolved: placeholders need every watch list first.
struct PendingRule {
  Rule rule;
  YAML::Node detection;
  YAML::Node document; // the whole document, to recognise a repeated copy of the same rule
};

struct PendingFilter {
  Filter filter;
  YAML::Node section;
};

// A test before its rule reference is resolved.
struct PendingTest {
  RuleTest test;
  std::string reference; // the rule's id or name as written
};

// What a whole load collects before resolving references.
struct Loading {
  RuleSet set;
  std::vector<PendingRule> rules;
  std::vector<PendingFilter> filters;
  std::vector<PendingTest> tests;
  Errors errors;
};

enum class LogSource { cloudtrail, other, invalid };

// Rules and filters run on `product: aws` with `service: cloudtrail` (or no service); anything
// else is another log source, skipped and counted.
LogSource read_logsource(const YAML::Node& doc, const std::string& path, Errors& errors) {
  const YAML::Node logsource = doc["logsource"];
  if (!logsource.IsDefined() || !logsource.IsMap()) {
    errors.add_plain(fmt::format("{}: missing required key 'logsource' (product: aws, service: "
                                 "cloudtrail)",
                                 path));
    return LogSource::invalid;
  }
  check_duplicates(logsource, path, errors, "logsource");
  // A missing key yields an invalid node whose IsScalar() throws: check IsDefined() first.
  auto scalar = [&](const char* key) {
    const YAML::Node node = logsource[key];
    return node.IsDefined() && node.IsScalar() ? node.Scalar() : std::string();
  };
  const std::string product = scalar("product");
  const std::string service = scalar("service");
  if (util::iequals(product, "aws") && (service.empty() || util::iequals(service, "cloudtrail"))) {
    return LogSource::cloudtrail;
  }
  return LogSource::other;
}

void load_detection(PendingRule& pending, const RuleSet& set, Errors& errors) {
  Rule& rule = pending.rule;
  if (!load_detection_section(pending.detection, set, rule.path, errors, {}, rule.selections,
                              rule.condition)) {
    return;
  }
  if (auto names = required_names(rule.condition, rule.selections)) {
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

// Reads a test's `geo:` (the enrichment GeoIP rules see).
void load_test_geo(const YAML::Node& node, const std::string& path, Errors& errors, GeoInfo& geo) {
  if (!node.IsMap()) {
    errors.add(path, node, "'geo' must be a map (country, country_name, city, asn, asn_org)");
    return;
  }
  check_keys(node, path, errors, &k_geo_keys, "test geo");
  geo.kind = SourceKind::public_ip;
  geo.country = scalar_or_error(node["country"], path, errors, "country", false);
  geo.country_name = scalar_or_error(node["country_name"], path, errors, "country_name", false);
  geo.city = scalar_or_error(node["city"], path, errors, "city", false);
  geo.asn_org = scalar_or_error(node["asn_org"], path, errors, "asn_org", false);
  const std::string asn = scalar_or_error(node["asn"], path, errors, "asn", false);
  if (!asn.empty()) {
    std::uint32_t number = 0;
    const auto [end, ec] = std::from_chars(asn.data(), asn.data() + asn.size(), number);
    if (ec != std::errc() || end != asn.data() + asn.size()) {
      errors.add(path, node["asn"], fmt::format("asn '{}' is not a number", asn));
    }
    geo.asn = number;
  }
}

// Reads a `tests:` list; `rule_id` is the enclosing rule's id (empty in a test suite document,
// where each test or the suite names its rule).
void load_tests(const YAML::Node& list, const std::string& path, const std::string& rule_ref,
                Loading& loading) {
  Errors& errors = loading.errors;
  if (!list.IsSequence() || list.size() == 0) {
    errors.add(path, list, "'tests' must be a list of tests (name, expect, record)");
    return;
  }
  for (const auto& item : list) {
    if (!item.IsMap()) {
      errors.add(path, item, "a test is a map (name, expect: fire|quiet, record)");
      continue;
    }
    check_keys(item, path, errors, &k_test_keys, "test");
    PendingTest pending;
    RuleTest& test = pending.test;
    test.path = path;
    test.line = item.Mark().line + 1;
    test.name = scalar_or_error(item["name"], path, errors, "name", false);
    pending.reference = scalar_or_error(item["rule"], path, errors, "rule", false);
    if (pending.reference.empty()) {
      pending.reference = rule_ref;
    }
    if (pending.reference.empty()) {
      errors.add(path, item, "test names no rule (give 'rule: ID' in the test or the suite)");
    }
    const std::string expect = scalar_or_error(item["expect"], path, errors, "expect", true);
    if (expect != "fire" && expect != "quiet") {
      errors.add(path, item["expect"].IsDefined() ? item["expect"] : item,
                 fmt::format("expect must be fire or quiet, not '{}'", expect));
    }
    test.expect_fire = expect == "fire";
    const YAML::Node record = item["record"];
    if (!record.IsDefined() || !record.IsMap()) {
      errors.add(path, record.IsDefined() ? record : item,
                 "test needs a 'record': one CloudTrail record (a map; JSON works as written)");
      continue;
    }
    test.record_json = rules_yaml::yaml_to_json(record);
    if (item["geo"].IsDefined()) {
      load_test_geo(item["geo"], path, errors, test.geo);
    }
    if (test.name.empty()) {
      test.name = fmt::format("line {}", test.line);
    }
    loading.tests.push_back(std::move(pending));
  }
}

void load_rule_doc(const std::string& path, const YAML::Node& doc, Loading& loading) {
  Errors& errors = loading.errors;
  const LogSource source = read_logsource(doc, path, errors);
  if (source == LogSource::other) {
    ++loading.set.skipped_other_logsource; // a Windows or Azure rule in a whole checkout
    return;
  }
  check_keys(doc, path, errors, &k_rule_keys, "rule");
  PendingRule pending;
  Rule& rule = pending.rule;
  rule.path = path;
  rule.title = scalar_or_error(doc["title"], path, errors, "title", true);
  rule.id = scalar_or_error(doc["id"], path, errors, "id", true);
  rule.name = scalar_or_error(doc["name"], path, errors, "name", false);
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
  if (doc["tests"].IsDefined()) {
    load_tests(doc["tests"], path, rule.id, loading);
  }
  pending.detection = doc["detection"];
  if (!pending.detection.IsDefined()) {
    errors.add_plain(fmt::format("{}: missing required key 'detection'", path));
    return;
  }
  if (source == LogSource::invalid) {
    return;
  }
  pending.document = doc;
  loading.rules.push_back(std::move(pending));
}

void load_filter_doc(const std::string& path, const YAML::Node& doc, Loading& loading) {
  Errors& errors = loading.errors;
  const LogSource source = read_logsource(doc, path, errors);
  if (source == LogSource::other) {
    ++loading.set.skipped_other_logsource;
    return;
  }
  check_keys(doc, path, errors, &k_filter_keys, "filter");
  PendingFilter pending;
  Filter& filter = pending.filter;
  filter.path = path;
  filter.title = scalar_or_error(doc["title"], path, errors, "title", true);
  filter.id = scalar_or_error(doc["id"], path, errors, "id", false);
  pending.section = doc["filter"];
  if (!pending.section.IsMap()) {
    errors.add(path, pending.section, "'filter' must be a map: rules, selections, condition");
    return;
  }
  const YAML::Node rules = pending.section["rules"];
  if (rules.IsDefined() && rules.IsScalar() && util::iequals(rules.Scalar(), "any")) {
    // `rules: any`: every rule of the filter's log source
  } else if (rules.IsDefined() && rules.IsScalar() && !rules.Scalar().empty()) {
    filter.rules.push_back(rules.Scalar()); // one id or name, as pySigma reads it
  } else if (rules.IsDefined() && rules.IsSequence() && rules.size() > 0) {
    check_string_list(rules, path, errors, "rules", &filter.rules);
  } else {
    errors.add(path, rules.IsDefined() ? rules : pending.section,
               "a filter needs 'rules': a list of rule ids or names, or 'any'");
  }
  if (source == LogSource::cloudtrail) {
    loading.filters.push_back(std::move(pending));
  }
}

void load_suite_doc(const std::string& path, const YAML::Node& doc, Loading& loading) {
  check_keys(doc, path, loading.errors, &k_suite_keys, "test suite");
  const std::string rule = scalar_or_error(doc["rule"], path, loading.errors, "rule", false);
  load_tests(doc["tests"], path, rule, loading);
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

// One file read and parsed: its YAML documents, or the messages saying why not.
struct ParsedFile {
  std::vector<YAML::Node> documents;
  std::vector<std::string> errors;
};

ParsedFile parse_file(const std::string& file) {
  ParsedFile parsed;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    parsed.errors.push_back(fmt::format("{}: cannot read: {}", file, std::strerror(errno)));
    return parsed;
  }
  const std::vector<std::string> documents = rules_yaml::yaml_documents(text.str());
  if (documents.empty()) {
    parsed.errors.push_back(fmt::format("{}: no YAML document (an empty rules file)", file));
  }
  for (const auto& document : documents) {
    try {
      parsed.documents.push_back(YAML::Load(document));
    } catch (const YAML::Exception& e) {
      parsed.errors.push_back(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
    }
  }
  return parsed;
}

// Parses every file, on up to one thread per core: parsing YAML is most of the cost of loading a
// large community rule set (yaml-cpp; about 1 ms per file), and files are independent.
std::vector<ParsedFile> parse_files(const std::vector<std::string>& files) {
  std::vector<ParsedFile> parsed(files.size());
  const std::size_t threads =
      std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), files.size() / 32);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      parsed[i] = parse_file(files[i]);
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(work);
  }
  work();
  for (auto& thread : pool) {
    thread.join();
  }
  return parsed;
}

// Sorts each document of a file by its keys into a kind; files are taken in path order.
void load_file(const std::string& file, ParsedFile& parsed, Loading& loading) {
  Errors& errors = loading.errors;
  for (auto& message : parsed.errors) {
    errors.add_plain(std::move(message));
  }
  for (const auto& doc : parsed.documents) {
    if (!doc.IsMap()) {
      errors.add(file, doc, "expected a rule, a filter, tests or a watch list (a YAML map)");
    } else if (doc["correlation"].IsDefined()) {
      ++loading.set.skipped_correlations; // its base rules in the same file still load
    } else if (doc["detection"].IsDefined()) {
      load_rule_doc(file, doc, loading);
    } else if (doc["filter"].IsDefined()) {
      load_filter_doc(file, doc, loading);
    } else if (doc["tests"].IsDefined()) {
      load_suite_doc(file, doc, loading);
    } else if (doc["values"].IsDefined()) {
      load_watchlist_file(file, doc, loading.set, errors);
    } else {
      errors.add(file, doc,
                 "neither a rule ('detection'), a filter ('filter'), tests ('tests') nor a "
                 "watch list ('values')");
    }
  }
}

// Resolves what needs every document: placeholders (watch lists), duplicate ids, filters and
// tests (rule references).
void resolve(Loading& loading) {
  Errors& errors = loading.errors;
  RuleSet& set = loading.set;
  // A document's text without its samples: two copies of one rule are equal in it.
  auto rule_text = [](const YAML::Node& document) {
    YAML::Node copy = YAML::Clone(document);
    copy.remove("tests");
    return rules_yaml::yaml_to_json(copy);
  };
  struct Seen {
    const YAML::Node* document;
    std::string path; // kept: the rule itself moves into the set
  };
  std::map<std::string, Seen> by_id;
  for (auto& pending : loading.rules) {
    if (!pending.rule.id.empty()) {
      const auto [it, inserted] =
          by_id.emplace(pending.rule.id, Seen{&pending.document, pending.rule.path});
      if (!inserted) {
        // Serialised only on a collision: most loads have none.
        if (rule_text(*it->second.document) == rule_text(pending.document)) {
          ++set.skipped_duplicates; // the same rule again (a collection repeating its base rule)
          continue;
        }
        errors.add_plain(fmt::format("{}: rule id '{}' is used by another rule ({})",
                                     pending.rule.path, pending.rule.id, it->second.path));
        continue;
      }
    }
    load_detection(pending, set, errors);
    set.rules.push_back(std::move(pending.rule));
  }
  for (auto& pending : loading.filters) {
    Filter& filter = pending.filter;
    if (!load_detection_section(pending.section, set, filter.path, errors, {"rules"},
                                filter.selections, filter.condition)) {
      continue;
    }
    auto shared = std::make_shared<const Filter>(std::move(filter));
    set.filters.push_back(shared);
    if (shared->rules.empty()) { // `rules: any`
      for (Rule& rule : set.rules) {
        rule.filters.push_back(shared);
      }
      continue;
    }
    for (const auto& reference : shared->rules) {
      if (const Rule* rule = find_rule(set, reference)) {
        auto& filters = set.rules[static_cast<std::size_t>(rule - set.rules.data())].filters;
        if (filters.empty() || filters.back() != shared) { // named twice: applied once
          filters.push_back(shared);
        }
      } else {
        set.warnings.push_back(fmt::format("{}: filter '{}' names rule '{}', which is not loaded",
                                           shared->path, shared->title, reference));
      }
    }
  }
  for (auto& pending : loading.tests) {
    if (pending.reference.empty()) {
      continue; // reported when read
    }
    const Rule* rule = find_rule(set, pending.reference);
    if (rule == nullptr) {
      errors.add_plain(fmt::format("{}:{}: test '{}' names rule '{}', which is not loaded",
                                   pending.test.path, pending.test.line, pending.test.name,
                                   pending.reference));
      continue;
    }
    pending.test.rule = rule->id;
    set.tests.push_back(std::move(pending.test));
  }
}

} // namespace

const Rule* find_rule(const RuleSet& set, std::string_view reference) {
  for (std::string Rule::*key : {&Rule::id, &Rule::name, &Rule::title}) {
    for (const Rule& rule : set.rules) {
      if (!(rule.*key).empty() && rule.*key == reference) {
        return &rule;
      }
    }
  }
  return nullptr;
}

std::string skipped_summary(const RuleSet& set) {
  std::vector<std::string> parts;
  if (set.skipped_other_logsource > 0) {
    parts.push_back(fmt::format("{} for other log sources", set.skipped_other_logsource));
  }
  if (set.skipped_correlations > 0) {
    parts.push_back(
        fmt::format("{} correlation rule(s) (not supported yet)", set.skipped_correlations));
  }
  if (set.skipped_duplicates > 0) {
    parts.push_back(fmt::format("{} repeated copies", set.skipped_duplicates));
  }
  if (parts.empty()) {
    return {};
  }
  return fmt::format("skipped {} rule document(s): {}",
                     set.skipped_other_logsource + set.skipped_correlations +
                         set.skipped_duplicates,
                     fmt::join(parts, ", "));
}

std::vector<std::string> lint_rules(const std::vector<std::string>& paths, RuleSet* loaded) {
  Loading loading;
  Errors& errors = loading.errors;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    collect_files(path, files, errors);
  }
  std::vector<ParsedFile> parsed = parse_files(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    load_file(files[i], parsed[i], loading);
  }
  resolve(loading);
  RuleSet& set = loading.set;
  set.warnings.insert(set.warnings.end(), errors.warnings().begin(), errors.warnings().end());
  if (set.rules.empty() && errors.size() == 0) {
    if (paths.empty()) {
      const auto exe = util::executable_path();
      errors.add_plain(fmt::format(
          "no rules: no data folder beside the binary ({} or {}); give --rules PATH or install "
          "with cmake --install",
          (exe.parent_path().parent_path() / "share/trailwatch/rules").string(),
          (exe.parent_path() / "share/trailwatch/rules").string()));
    } else {
      errors.add_plain(
          fmt::format("no CloudTrail rules found in {}{}", fmt::join(paths, ", "),
                      set.skipped_other_logsource > 0 ? " (only other log sources)" : ""));
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

std::string pack_rule_path(const std::string& name) {
  const auto data = util::data_dir();
  std::error_code ec;
  const bool plain = !name.empty() && name.find_first_of("/.") == std::string::npos;
  if (data && plain && fs::is_directory(*data / "packs" / name, ec)) {
    return (*data / "packs" / name).string();
  }
  std::vector<std::string> known;
  if (data) {
    for (const auto& entry : fs::directory_iterator(*data / "packs", ec)) {
      if (entry.is_directory(ec)) {
        known.push_back(entry.path().filename().string());
      }
    }
  }
  std::sort(known.begin(), known.end());
  throw Fatal(
      fmt::format("--pack: no rule pack '{}'; packs: {}", name,
                  known.empty() ? "none found" : fmt::format("{}", fmt::join(known, ", "))));
}

} // namespace trailwatch
