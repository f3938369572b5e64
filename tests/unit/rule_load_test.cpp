// SPDX-License-Identifier: MIT
// rule_load.cpp and condition.cpp: the shipped rules lint clean; every strictness check of the
// loader (unknown/duplicate keys, bad values, missing keys, unknown fields, modifiers and
// placeholders, bad conditions, keyword selections, duplicate ids and watch lists, several
// documents, YAML syntax errors) names the file and line, and all errors of all files are
// reported; parse_condition precedence, brackets and "N of" forms.
#include "rules/rule.hpp"
#include "trailwatch/error.hpp"

#include "temp_dir.hpp"
#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace trailwatch {
namespace {

namespace fs = std::filesystem;

using testing_support::TempDir;

bool any_contains(const std::vector<std::string>& errors, std::string_view needle) {
  for (const auto& e : errors) {
    if (e.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += e + "\n";
  }
  return out;
}

// A valid rule; `detection` replaces the detection block and `extra` is appended at the end.
std::string rule_text(const std::string& id = "00000000-0000-4000-8000-000000000001",
                      const std::string& detection = "  selection:\n"
                                                     "    eventName: RunInstances\n"
                                                     "  condition: selection\n",
                      const std::string& extra = "") {
  return "title: Test rule\n" // line 1
         "id: " +
         id +
         "\n"                      // line 2
         "status: experimental\n"  // line 3
         "logsource:\n"            // line 4
         "  product: aws\n"        // line 5
         "  service: cloudtrail\n" // line 6
         "level: high\n"           // line 7
         "detection:\n"            // line 8
         + detection + extra;      // line 9...
}

std::vector<std::string> lint_one(const TempDir& dir, const std::string& text,
                                  const std::string& name = "rule.yml") {
  const std::string path = dir.write(name, text);
  return lint_rules({path}, nullptr);
}

TEST(RuleLoad, ShippedRulesLintClean) {
  RuleSet set;
  const auto errors = lint_rules({TRAILWATCH_RULES_DIR}, &set);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  // The four EC2 rules (more rule folders, such as geo/, may be shipped next to them).
  std::vector<std::string> ids;
  for (const auto& rule : set.rules) {
    ids.push_back(rule.id);
  }
  for (const char* id :
       {"3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01", "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a02",
        "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a03", "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a04"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 1);
  }
  RuleSet ec2;
  const auto ec2_errors =
      lint_rules({TRAILWATCH_RULES_DIR "/ec2", TRAILWATCH_RULES_DIR "/watchlists"}, &ec2);
  EXPECT_TRUE(ec2_errors.empty()) << joined(ec2_errors);
  EXPECT_EQ(ec2.rules.size(), 4u);
  for (const char* list :
       {"tier_a_families", "large_families", "large_size_min", "launch_events", "mass_launch_min",
        "suppressed_principals", "suppressed_accounts", "suppressed_source_cidrs"}) {
    SCOPED_TRACE(list);
    EXPECT_EQ(set.watchlists.count(list), 1u);
  }
  EXPECT_NO_THROW(load_rules({TRAILWATCH_RULES_DIR}));
}

TEST(RuleLoad, MinimalRuleLoads) {
  TempDir dir;
  RuleSet set;
  const auto errors = lint_rules({dir.write("r.yml", rule_text())}, &set);
  ASSERT_TRUE(errors.empty()) << joined(errors);
  ASSERT_EQ(set.rules.size(), 1u);
  const Rule& rule = set.rules[0];
  EXPECT_EQ(rule.title, "Test rule");
  EXPECT_EQ(rule.id, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(rule.level, Level::high);
  EXPECT_EQ(rule.status, "experimental");
  EXPECT_EQ(rule.event_names, std::vector<std::string>{"RunInstances"}); // as spelled
}

TEST(RuleLoad, UnknownTopLevelKeyNamesFileAndLine) {
  TempDir dir;
  const auto errors = lint_one(dir, rule_text() + "colour: red\n"); // line 12
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find(dir.path() + "/rule.yml:12:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("unknown key 'colour'"), std::string::npos) << errors[0];
}

TEST(RuleLoad, DuplicateTopLevelKey) {
  TempDir dir;
  const auto errors = lint_one(dir, rule_text() + "title: Second title\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("rule.yml:12:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("duplicate key 'title'"), std::string::npos) << errors[0];
}

TEST(RuleLoad, DuplicateKeyInSelection) {
  TempDir dir;
  const auto errors = lint_one(dir, rule_text("00000000-0000-4000-8000-000000000001",
                                              "  selection:\n"
                                              "    eventName: RunInstances\n"
                                              "    eventName: StartInstances\n"
                                              "  condition: selection\n"));
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("rule.yml:11:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("duplicate key 'eventName'"), std::string::npos) << errors[0];
}

TEST(RuleLoad, BadLevelListsValidLevels) {
  TempDir dir;
  std::string text = rule_text();
  text.replace(text.find("level: high"), 11, "level: urgent");
  const auto errors = lint_one(dir, text);
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("rule.yml:7:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("urgent"), std::string::npos);
  EXPECT_NE(errors[0].find("informational, low, medium, high, critical"), std::string::npos)
      << errors[0];
}

TEST(RuleLoad, BadStatusListsValidStatuses) {
  TempDir dir;
  std::string text = rule_text();
  text.replace(text.find("status: experimental"), 20, "status: beta");
  const auto errors = lint_one(dir, text);
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("rule.yml:3:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("'beta'"), std::string::npos);
  EXPECT_NE(errors[0].find("stable, test, experimental, deprecated, unsupported"),
            std::string::npos)
      << errors[0];
}

TEST(RuleLoad, MissingRequiredKeys) {
  struct Missing {
    std::string line; // line of rule_text() to remove
    std::string key;
  };
  for (const Missing& m :
       {Missing{"title: Test rule\n", "title"},
        Missing{"id: 00000000-0000-4000-8000-000000000001\n", "id"},
        Missing{"level: high\n", "level"},
        Missing{"logsource:\n  product: aws\n  service: cloudtrail\n", "logsource"}}) {
    SCOPED_TRACE(m.key);
    TempDir dir;
    std::string text = rule_text();
    text.erase(text.find(m.line), m.line.size());
    const auto errors = lint_one(dir, text);
    ASSERT_EQ(errors.size(), 1u) << joined(errors);
    EXPECT_NE(errors[0].find("rule.yml"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find("missing required key '" + m.key + "'"), std::string::npos)
        << errors[0];
  }
}

TEST(RuleLoad, MissingDetection) {
  TempDir dir;
  std::string text = rule_text();
  text.erase(text.find("detection:"));
  const auto errors = lint_one(dir, text);
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("rule.yml"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("detection"), std::string::npos) << errors[0];
}

// A rule for another log source (a whole SigmaHQ checkout) is counted and skipped, not an error;
// a folder holding only such rules says so.
TEST(RuleLoad, OtherLogsourcesAreSkippedAndCounted) {
  TempDir dir;
  std::string text = rule_text("00000000-0000-4000-8000-0000000000b1");
  text.replace(text.find("product: aws"), 12, "product: gcp");
  dir.write("gcp.yml", text);
  dir.write("aws.yml", rule_text());
  RuleSet set;
  const auto errors = lint_rules({dir.path()}, &set);
  ASSERT_TRUE(errors.empty()) << joined(errors);
  EXPECT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.skipped_other_logsource, 1u);
  EXPECT_NE(skipped_summary(set).find("1 for other log sources"), std::string::npos)
      << skipped_summary(set);

  TempDir only_other;
  only_other.write("gcp.yml", text);
  const auto none = lint_rules({only_other.path()}, nullptr);
  EXPECT_TRUE(any_contains(none, "only other log sources")) << joined(none);
}

// Detection blocks that must each produce an error containing the given text.
struct DetectionCase {
  std::string name;
  std::string detection;
  std::string message;
};

class RuleLoadDetection : public testing::TestWithParam<DetectionCase> {};

TEST_P(RuleLoadDetection, IsRejectedWithMessage) {
  const DetectionCase& c = GetParam();
  TempDir dir;
  const auto errors = lint_one(dir, rule_text("00000000-0000-4000-8000-000000000001", c.detection));
  ASSERT_FALSE(errors.empty());
  EXPECT_TRUE(any_contains(errors, c.message)) << joined(errors);
  for (const auto& e : errors) {
    EXPECT_EQ(e.rfind(dir.path() + "/rule.yml:", 0), 0u) << e; // starts with file:line
  }
}

void PrintTo(const DetectionCase& c, std::ostream* os) {
  *os << c.name;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, RuleLoadDetection,
    testing::Values(
        DetectionCase{"unknown_derived_field",
                      "  selection:\n    trailwatch.instanceColour: red\n  condition: selection\n",
                      "unknown derived field 'trailwatch.instanceColour'"},
        DetectionCase{"path_with_empty_segment",
                      "  selection:\n    requestParameters..name: x\n  condition: selection\n",
                      "is not a dotted path of the record"},
        DetectionCase{"unknown_modifier",
                      "  selection:\n    eventName|fuzzy: Run\n  condition: selection\n",
                      "unknown or unsupported modifier 'fuzzy'"},
        DetectionCase{"unknown_placeholder",
                      "  selection:\n    trailwatch.instanceFamily|expand: '%no_such_list%'\n"
                      "  condition: selection\n",
                      "unknown placeholder '%no_such_list%'"},
        DetectionCase{"placeholder_without_expand",
                      "  selection:\n    trailwatch.instanceFamily: '%tier_a_families%'\n"
                      "  condition: selection\n",
                      "needs the |expand modifier"},
        DetectionCase{"expand_without_placeholder",
                      "  selection:\n    trailwatch.instanceFamily|expand: p3\n"
                      "  condition: selection\n",
                      "expand needs a '%name%' placeholder"},
        DetectionCase{"bad_cidr",
                      "  selection:\n    sourceIPAddress|cidr: 10.0.0.0/33\n  condition: selection\n",
                      "is not a CIDR network"},
        DetectionCase{"bad_number",
                      "  selection:\n    trailwatch.requestedMax|gte: ten\n  condition: selection\n",
                      "'ten' is not a number"},
        DetectionCase{"bad_regex",
                      "  selection:\n    userAgent|re: '(unclosed'\n  condition: selection\n",
                      "bad regular expression"},
        DetectionCase{"bad_exists",
                      "  selection:\n    userAgent|exists: maybe\n  condition: selection\n",
                      "exists takes true or false"},
        DetectionCase{"unknown_selection",
                      "  selection:\n    eventName: RunInstances\n  condition: selection and other\n",
                      "unknown selection 'other'"},
        DetectionCase{"unbalanced_open",
                      "  selection:\n    eventName: RunInstances\n  condition: (selection\n",
                      "')'"},
        DetectionCase{"unbalanced_close",
                      "  selection:\n    eventName: RunInstances\n  condition: selection)\n",
                      "unexpected ')'"},
        DetectionCase{"trailing_operator",
                      "  selection:\n    eventName: RunInstances\n  condition: selection and\n",
                      "condition ends early"},
        DetectionCase{"aggregation",
                      "  selection:\n    eventName: RunInstances\n"
                      "  condition: selection | count() > 5\n",
                      "aggregations"},
        DetectionCase{"of_pattern_matches_nothing",
                      "  selection:\n    eventName: RunInstances\n  condition: 1 of filter_*\n",
                      "matches no selection"},
        DetectionCase{"empty_condition",
                      "  selection:\n    eventName: RunInstances\n  condition: ''\n",
                      "condition is empty"},
        DetectionCase{"keyword_selection_of_maps",
                      "  keywords:\n    - RunInstances\n    - {a: b}\n  condition: keywords\n",
                      "must be a list of values"},
        DetectionCase{"timeframe",
                      "  selection:\n    eventName: RunInstances\n  timeframe: 5m\n"
                      "  condition: selection\n",
                      "'timeframe' (a legacy aggregation) is not supported"},
        DetectionCase{"duplicate_selection",
                      "  selection:\n    eventName: RunInstances\n  selection:\n"
                      "    eventName: StartInstances\n  condition: selection\n",
                      "duplicate key 'selection'"}),
    [](const testing::TestParamInfo<DetectionCase>& tpi) { return tpi.param.name; });
// clang-format on

TEST(RuleLoad, MissingConditionIsNamed) {
  // Regression: found by this test before the fix.
  TempDir dir;
  const auto errors = lint_one(dir, rule_text("00000000-0000-4000-8000-000000000001",
                                              "  selection:\n    eventName: RunInstances\n"));
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  const std::string prefix = dir.path() + "/rule.yml:";
  ASSERT_EQ(errors[0].rfind(prefix, 0), 0u) << errors[0];
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(errors[0][prefix.size()]))) << errors[0];
  EXPECT_NE(errors[0].find("no 'condition'"), std::string::npos) << errors[0];
}

TEST(RuleLoad, DuplicateRuleIdAcrossFiles) {
  TempDir dir;
  dir.write("a.yml", rule_text("00000000-0000-4000-8000-00000000000a"));
  std::string other = rule_text("00000000-0000-4000-8000-00000000000a");
  other.replace(other.find("level: high"), 11, "level: low");
  dir.write("b.yml", other);
  const auto errors = lint_rules({dir.path()}, nullptr);
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("b.yml"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("is used by another rule"), std::string::npos) << errors[0];
}

TEST(RuleLoad, DuplicateWatchListName) {
  TempDir dir;
  dir.write("r.yml", rule_text());
  dir.write("lists/one.yml", "name: fams\nvalues: [p3]\n");
  dir.write("lists/two.yml", "name: fams\nvalues: [g5]\n");
  const auto errors = lint_rules({dir.path()}, nullptr);
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_NE(errors[0].find("two.yml:1:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("watch list 'fams' is already defined in"), std::string::npos)
      << errors[0];
  EXPECT_NE(errors[0].find("one.yml"), std::string::npos) << errors[0];
}

TEST(RuleLoad, WatchListUnknownKeyAndBadValues) {
  TempDir dir;
  dir.write("r.yml", rule_text());
  dir.write("l1.yml", "name: a\nvalues: [x]\ncolour: red\n");
  dir.write("l2.yml", "name: b\nvalues: not-a-list\n");
  const auto errors = lint_rules({dir.path()}, nullptr);
  EXPECT_EQ(errors.size(), 2u) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "l1.yml:3: unknown key 'colour' in watch list"))
      << joined(errors);
  EXPECT_TRUE(any_contains(errors, "l2.yml:2: 'values' must be a list")) << joined(errors);
}

TEST(RuleLoad, AllErrorsOfAllFilesAreReported) {
  TempDir dir;
  std::string bad_level = rule_text("00000000-0000-4000-8000-0000000000b1");
  bad_level.replace(bad_level.find("level: high"), 11, "level: urgent");
  dir.write("1_bad_level.yml", bad_level + "colour: red\n");
  dir.write("2_bad_field.yml", rule_text("00000000-0000-4000-8000-0000000000b2",
                                         "  selection:\n    trailwatch.instanceTyp: p3.2xlarge\n"
                                         "  condition: selection\n"));
  dir.write("3_bad_condition.yml",
            rule_text("00000000-0000-4000-8000-0000000000b3",
                      "  selection:\n    eventName: RunInstances\n  condition: selectoin\n"));
  dir.write("4_good.yml", rule_text("00000000-0000-4000-8000-0000000000b4"));
  const auto errors = lint_rules({dir.path()}, nullptr);
  EXPECT_EQ(errors.size(), 4u) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "1_bad_level.yml:7:")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "1_bad_level.yml:12:")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "2_bad_field.yml:10:")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "3_bad_condition.yml:11:")) << joined(errors);

  try {
    load_rules({dir.path()});
    ADD_FAILURE() << "load_rules accepted invalid rules";
  } catch (const Fatal& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("1_bad_level.yml"), std::string::npos) << what;
    EXPECT_NE(what.find("2_bad_field.yml"), std::string::npos) << what;
    EXPECT_NE(what.find("3_bad_condition.yml"), std::string::npos) << what;
  }
}

TEST(RuleLoad, ShippedFixtureErrorsAreAllReported) {
  const auto errors = lint_rules({TRAILWATCH_TEST_DATA "/rules_bad"}, nullptr);
  EXPECT_TRUE(any_contains(errors, "bad_rule.yml:4: unknown key 'colour'")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "bad_rule.yml:10: unknown level 'urgent'")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "unknown selection 'selectoin'")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "other_bad.yml:8: duplicate key 'eventName'")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "unknown derived field 'trailwatch.instanceTyp'"))
      << joined(errors);
}

// Issue 10: a file may hold several documents (Sigma rule collections); each loads, errors keep
// the file's line numbers, and a correlation document is reported (issue 11).
TEST(RuleLoad, SeveralYamlDocumentsLoadEach) {
  TempDir dir;
  dir.write("two.yml",
            "---\n" + rule_text() + "---\n" + rule_text("00000000-0000-4000-8000-000000000002"));
  RuleSet set;
  const auto errors = lint_rules({dir.path()}, &set);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  EXPECT_EQ(set.rules.size(), 2u);
}

TEST(RuleLoad, ErrorsInALaterDocumentNameTheFileLine) {
  TempDir dir;
  // The second document starts on line 13 (after the first rule's 11 lines and the separator);
  // its level is its line 7: line 19 of the file.
  const std::string second = rule_text("00000000-0000-4000-8000-000000000002");
  std::string bad = second;
  bad.replace(bad.find("level: high"), 11, "level: urgent");
  const std::string first = rule_text();
  const auto errors = lint_one(dir, first + "---\n" + bad);
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  const auto first_lines = static_cast<std::size_t>(std::count(first.begin(), first.end(), '\n'));
  EXPECT_NE(errors[0].find("rule.yml:" + std::to_string(first_lines + 1 + 7) + ": unknown level"),
            std::string::npos)
      << errors[0];
}

// An identical copy of a rule (Suzaku's correlation files repeat their base rule) is skipped
// and counted; a different rule under the same id is an error; correlations are counted.
TEST(RuleLoad, RepeatedCopiesAndCorrelationsAreCountedDifferentRulesOneIdAreErrors) {
  TempDir dir;
  dir.write("a.yml", rule_text() + "---\n" + rule_text());
  dir.write("b.yml", rule_text() + "---\ntitle: Many\nname: many\ncorrelation:\n  type: "
                                   "event_count\n  rules: [x]\n  timespan: 5m\n");
  RuleSet set;
  const auto same = lint_rules({dir.path()}, &set);
  ASSERT_TRUE(same.empty()) << joined(same);
  EXPECT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.skipped_duplicates, 2u);
  EXPECT_EQ(set.skipped_correlations, 1u);
  const std::string summary = skipped_summary(set);
  EXPECT_NE(summary.find("1 correlation rule(s) (not supported yet)"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("2 repeated copies"), std::string::npos) << summary;

  TempDir dir2;
  std::string changed = rule_text();
  changed.replace(changed.find("level: high"), 11, "level: low");
  const auto different = lint_one(dir2, rule_text() + "---\n" + changed);
  EXPECT_TRUE(any_contains(different, "is used by another rule")) << joined(different);
}

TEST(RuleLoad, YamlSyntaxErrorReportsLine) {
  TempDir dir;
  // Line 5 closes a flow sequence that was never opened.
  const auto errors = lint_one(dir, "title: Test rule\n"
                                    "id: x\n"
                                    "level: high\n"
                                    "tags:\n"
                                    "  - a]\n"
                                    "   bad: [\n");
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  const std::string prefix = dir.path() + "/rule.yml:";
  ASSERT_EQ(errors[0].rfind(prefix, 0), 0u) << errors[0];
  const int line = std::atoi(errors[0].c_str() + prefix.size());
  EXPECT_GE(line, 5) << errors[0];
  EXPECT_LE(line, 6) << errors[0];
}

TEST(RuleLoad, MissingPathAndEmptyFolder) {
  TempDir dir;
  const auto missing = lint_rules({dir.path() + "/nope"}, nullptr);
  EXPECT_TRUE(any_contains(missing, "no such rules file or folder")) << joined(missing);
  fs::create_directories(dir.path() + "/empty");
  const auto empty = lint_rules({dir.path() + "/empty"}, nullptr);
  EXPECT_TRUE(any_contains(empty, "no CloudTrail rules found")) << joined(empty);
}

TEST(RuleLoad, EventNamesFromExpandAndLists) {
  TempDir dir;
  dir.write("names.yml", "name: names\nvalues: [RunInstances, CreateFleet]\n");
  dir.write("r1.yml", rule_text("00000000-0000-4000-8000-000000000011",
                                "  selection:\n    eventName|expand: '%names%'\n"
                                "  condition: selection\n"));
  dir.write("r2.yml", rule_text("00000000-0000-4000-8000-000000000012",
                                "  selection:\n    eventName: 'Run*'\n  condition: selection\n"));
  RuleSet set;
  const auto errors = lint_rules({dir.path()}, &set);
  ASSERT_TRUE(errors.empty()) << joined(errors);
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].event_names, (std::vector<std::string>{"RunInstances", "CreateFleet"}));
  // A pattern stays on the fast path: the prefilter and the matcher compare it as a pattern.
  EXPECT_EQ(set.rules[1].event_names, (std::vector<std::string>{"Run*"}));
}

// ---------------------------------------------------------------------------------------------
// parse_condition

std::vector<Selection> selections(std::initializer_list<const char*> names) {
  std::vector<Selection> out;
  for (const char* name : names) {
    out.push_back(Selection{name, {}});
  }
  return out;
}

// Renders a condition tree as text with explicit brackets, selection names resolved.
std::string show(const Condition& c, const std::vector<Selection>& sels) {
  auto names = [&] {
    std::string out;
    for (auto i : c.selections) {
      out += (out.empty() ? "" : ",") + sels[i].name;
    }
    return out;
  };
  auto children = [&](const char* op) {
    std::string out = std::string(op) + "(";
    for (std::size_t i = 0; i < c.children.size(); ++i) {
      out += (i ? " " : "") + show(c.children[i], sels);
    }
    return out + ")";
  };
  switch (c.op) {
  case Condition::Op::selection:
    return names();
  case Condition::Op::and_:
    return children("and");
  case Condition::Op::or_:
    return children("or");
  case Condition::Op::not_:
    return children("not");
  case Condition::Op::one_of:
    return "one_of(" + names() + ")";
  case Condition::Op::all_of:
    return "all_of(" + names() + ")";
  }
  return "?";
}

TEST(ParseCondition, PrecedenceNotAndOr) {
  const auto s = selections({"a", "b", "c"});
  EXPECT_EQ(show(parse_condition("a or b and not c", s), s), "or(a and(b not(c)))");
  EXPECT_EQ(show(parse_condition("not a and b or c", s), s), "or(and(not(a) b) c)");
  EXPECT_EQ(show(parse_condition("a and b and c", s), s), "and(a b c)");
  EXPECT_EQ(show(parse_condition("not not a", s), s), "not(not(a))");
}

TEST(ParseCondition, Parentheses) {
  const auto s = selections({"a", "b", "c"});
  EXPECT_EQ(show(parse_condition("(a or b) and c", s), s), "and(or(a b) c)");
  EXPECT_EQ(show(parse_condition("not (a or b)", s), s), "not(or(a b))");
  EXPECT_EQ(show(parse_condition("((a))", s), s), "a");
}

TEST(ParseCondition, KeywordsAreCaseInsensitive) {
  const auto s = selections({"a", "b"});
  EXPECT_EQ(show(parse_condition("a AND NOT b", s), s), "and(a not(b))");
  EXPECT_EQ(show(parse_condition("a Or b", s), s), "or(a b)");
}

TEST(ParseCondition, SelectionNamesAreCaseSensitive) {
  const auto s = selections({"Selection"});
  EXPECT_THROW(parse_condition("selection", s), std::invalid_argument);
  EXPECT_EQ(show(parse_condition("Selection", s), s), "Selection");
}

TEST(ParseCondition, OfForms) {
  const auto s = selections({"selection", "sel_two", "filter_a", "filter_b", "_hidden"});
  EXPECT_EQ(show(parse_condition("1 of filter_*", s), s), "one_of(filter_a,filter_b)");
  EXPECT_EQ(show(parse_condition("any of filter_*", s), s), "one_of(filter_a,filter_b)");
  EXPECT_EQ(show(parse_condition("all of sel*", s), s), "all_of(selection,sel_two)");
  EXPECT_EQ(show(parse_condition("1 of them", s), s),
            "one_of(selection,sel_two,filter_a,filter_b)");
  EXPECT_EQ(show(parse_condition("all of them", s), s),
            "all_of(selection,sel_two,filter_a,filter_b)");
  EXPECT_EQ(show(parse_condition("selection and not 1 of filter_*", s), s),
            "and(selection not(one_of(filter_a,filter_b)))");
}

TEST(ParseCondition, Errors) {
  const auto s = selections({"a", "b"});
  for (const char* bad : {"", "a and", "and a", "a b", "(a", "a)", "a | count() > 1", "nope",
                          "1 of c*", "a & b", "not"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_condition(bad, s), std::invalid_argument);
  }
}

// Hostile rules (issue 13): a logsource without service once threw a yaml-cpp error with no file
// or line that hid every other error; a condition nested 100,000 deep once overflowed the stack.
TEST(RuleLoadHostile, LogsourceWithoutServiceIsAnErrorWithFileAndLine) {
  TempDir dir;
  dir.write("a.yml", "title: No product\nid: 00000000-0000-4000-8000-0000000000c1\n"
                     "logsource: {service: cloudtrail}\nlevel: low\ndetection:\n  selection:\n"
                     "    eventName: X\n  condition: selection\n");
  dir.write("b.yml", "title: Bad level\nid: 00000000-0000-4000-8000-0000000000c2\n"
                     "logsource: {product: aws, service: cloudtrail}\nlevel: urgent\n"
                     "detection:\n  selection:\n    eventName: X\n  condition: selection\n");
  const auto errors = lint_rules({dir.path()}, nullptr);
  // a.yml names no product: another log source, skipped without an error.
  EXPECT_FALSE(any_contains(errors, "a.yml")) << joined(errors);
  EXPECT_TRUE(any_contains(errors, "b.yml:4: unknown level 'urgent'")) << joined(errors);
}

TEST(RuleLoadHostile, DeeplyNestedConditionIsAnError) {
  std::vector<Selection> selections(1);
  selections[0].name = "selection";
  const std::string deep = std::string(100000, '(') + "selection" + std::string(100000, ')');
  EXPECT_THROW(parse_condition(deep, selections), std::invalid_argument);
  std::string nots;
  for (int i = 0; i < 100000; ++i) {
    nots += "not ";
  }
  EXPECT_THROW(parse_condition(nots + "selection", selections), std::invalid_argument);
  EXPECT_NO_THROW(parse_condition("((not (selection)))", selections));
}

} // namespace
} // namespace trailwatch
