// SPDX-License-Identifier: MIT
// Rules: Sigma rules (one or more YAML documents per file), Sigma filters (meta-filters that
// exclude matches from named rules), rule tests (sample records with the expected verdict) and
// watch lists (named value lists that rules reference as `%name%` placeholders with `expand`).
//
// The loader is strict: unknown keys, duplicate keys, bad values, unknown modifiers, unknown
// placeholders and bad conditions are errors naming the file and line. All errors of all files
// are collected before loading fails. Rules for other log sources and correlation documents are
// counted and skipped, not errors (a whole SigmaHQ checkout loads).
#pragma once

#include "facts/field.hpp"
#include "trailwatch/alert.hpp"
#include "trailwatch/geo.hpp"
#include "util/net.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <re2/re2.h>
#include <string>
#include <vector>

namespace trailwatch {

// Value modifiers after `|` in a detection key (Sigma spec v2).
enum Modifier : std::uint32_t {
  mod_contains = 1u << 0,
  mod_startswith = 1u << 1,
  mod_endswith = 1u << 2,
  mod_all = 1u << 3,
  mod_cidr = 1u << 4,
  mod_exists = 1u << 5,
  mod_gt = 1u << 6,
  mod_gte = 1u << 7,
  mod_lt = 1u << 8,
  mod_lte = 1u << 9,
  mod_re = 1u << 10,
  mod_expand = 1u << 11,
  mod_fieldref = 1u << 12,  // values name other fields; compare with their values
  mod_i = 1u << 13,         // re: case-insensitive
  mod_m = 1u << 14,         // re: ^ and $ match at line breaks
  mod_s = 1u << 15,         // re: . matches a line break
  mod_cased = 1u << 16,     // compare case-sensitively
  mod_neq = 1u << 17,       // holds when no value equals any of the rule's values
  mod_transform = 1u << 18, // values were transformed (base64, utf16, windash…)
  mod_time = 1u << 19,      // minute/hour/day/week/month/year: compare a part of the time
};

// The part of a time value the time modifiers compare (UTC).
enum class TimePart { minute, hour, day, week, month, year };

// One `field|modifiers: values` entry of a selection.
struct FieldTest {
  Field field; // what the test reads (a fact, a common field or a raw path)
  std::uint32_t modifiers = 0;
  // Wildcard patterns (contains/startswith/endswith applied), one group per rule value: the
  // variants value transforms made of it (a value matches the group when it matches any).
  std::vector<std::vector<std::string>> patterns;
  std::vector<double> numbers;         // gt/gte/lt/lte, and the time modifiers' values
  TimePart time_part = TimePart::hour; // with mod_time
  std::vector<util::Cidr> cidrs;       // cidr
  // re: RE2 (linear time, whatever the value); shared because RE2 objects cannot be copied.
  std::vector<std::shared_ptr<const re2::RE2>> regexes;
  std::vector<Field> refs;  // fieldref: the fields whose values are compared
  bool expect_null = false; // value `null`: the field must be absent
  bool exists = true;       // exists: true/false
  // A keyword (value-only) test: the values are searched in every value of the record, as
  // substrings (`*value*`), instead of in one field.
  bool keyword = false;
};

// A named selection: a map (all tests hold) or a list of maps (any map holds).
struct Selection {
  std::string name;
  std::vector<std::vector<FieldTest>> alternatives;
};

// Condition syntax tree.
struct Condition {
  enum class Op { selection, and_, or_, not_, one_of, all_of };
  Op op = Op::selection;
  std::vector<std::size_t> selections; // indexes into Rule::selections (selection, *_of)
  std::vector<Condition> children;     // and_/or_/not_
};

// A Sigma filter (meta-filter specification): its condition must also hold for the rules it
// names to fire, as pySigma applies it (`(rule condition) and (filter condition)`).
struct Filter {
  std::string path;
  std::string id;
  std::string title;
  std::vector<std::string> rules; // ids or names of the rules it applies to; empty: `any`
  std::vector<Selection> selections;
  Condition condition;
};

struct Rule {
  std::string path;
  std::string id;
  std::string name; // Sigma `name`: another way correlations, filters and tests refer to it
  std::string title;
  std::string status;
  std::string description;
  Level level = Level::medium;
  std::vector<std::string> tags;
  std::vector<std::string> fields; // Sigma `fields:`: shown with each alert of this rule
  std::vector<Selection> selections;
  Condition condition;
  // The filters that apply to this rule: each one's condition must hold too.
  std::vector<std::shared_ptr<const Filter>> filters;
  // eventNames this rule can match (as spelled, possibly with `*` / `?` wildcards; compared
  // case-insensitively), or empty when it can match any record.
  std::vector<std::string> event_names;
  bool uses_geo = false;
};

// One sample record with the verdict its rule must give (`trailwatch rules test`).
struct RuleTest {
  std::string path; // the file and line it was written at, for messages
  int line = 0;
  std::string rule; // the rule's id (a name is resolved to the id when loading)
  std::string name;
  bool expect_fire = true;
  std::string record_json; // the record, as compact JSON
  GeoInfo geo;             // the enrichment the test supplies (GeoIP rules)
};

struct Watchlist {
  std::string path;
  std::string name;
  std::string description;
  std::vector<std::string> values;
};

struct RuleSet {
  std::vector<Rule> rules;
  std::map<std::string, Watchlist> watchlists;
  std::vector<std::shared_ptr<const Filter>> filters;
  std::vector<RuleTest> tests;
  // Documents loaded but not run, for the one summary line: rules for other log sources
  // (Windows, Azure…), correlation rules (not supported yet), repeated copies of a rule.
  std::size_t skipped_other_logsource = 0;
  std::size_t skipped_correlations = 0;
  std::size_t skipped_duplicates = 0;
  // Lint findings that do not stop a run ("file:line: message"): likely field typos.
  std::vector<std::string> warnings;
};

// The summary line for the documents a load skipped, empty when none were.
std::string skipped_summary(const RuleSet& set);

// Loads rules and watch lists from files and folders (folders are walked recursively for
// *.yml / *.yaml). Throws Fatal listing every error when any file is invalid.
RuleSet load_rules(const std::vector<std::string>& paths);

// Checks rules without scanning: returns every error ("file:line: message"), empty when clean.
std::vector<std::string> lint_rules(const std::vector<std::string>& paths, RuleSet* loaded);

// Which loaded rules a run uses (--min-level, --status, --rule, --tag).
struct RuleSelection {
  Level min_level = Level::informational;
  // Statuses to run; empty: every status but deprecated and unsupported.
  std::vector<std::string> statuses;
  std::vector<std::string> ids;  // only these rule ids (empty: all)
  std::vector<std::string> tags; // only rules with one of these tags, any case (empty: all)
};

// Keeps the rules `selection` asks for; returns how many were left out.
std::size_t select_rules(RuleSet& set, const RuleSelection& selection);

// Where rules are found when no --rules is given: the installed rules folder or the source
// tree's (see README "Rules").
std::vector<std::string> default_rule_paths();

// Parses a Sigma condition against the rule's selection names. Throws std::invalid_argument
// with a message on syntax errors or unknown selections.
Condition parse_condition(std::string_view text, const std::vector<Selection>& selections);

// Finds the rule `reference` names: its id, else its `name` (exact), else its title (Suzaku's
// correlations name base rules by title). Null when none does.
const Rule* find_rule(const RuleSet& set, std::string_view reference);

} // namespace trailwatch
