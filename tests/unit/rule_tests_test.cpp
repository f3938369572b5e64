// SPDX-License-Identifier: MIT
// Rule documents beyond a single rule (issue 10): keyword selections, lists of conditions, Sigma
// filters, rule references by id / name / title, rule tests (samples) and `run_rule_tests`
// (samples through the scan's path), field typo warnings, eventName patterns on the fast path.
#include "facts/event_builder.hpp"
#include "input/prefilter.hpp"
#include "pipeline/rule_tests.hpp"
#include "rules/match.hpp"
#include "rules/rule.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace trailwatch {
namespace {

using testing_support::TempDir;

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

// A rule with the given id, detection block (indented by two) and extra top-level text.
std::string rule(const std::string& id, const std::string& detection,
                 const std::string& extra = "") {
  return "title: Rule " + id + "\nid: " + id +
         "\nlogsource: {product: aws, service: cloudtrail}\nlevel: medium\ndetection:\n" +
         detection + extra;
}

RuleSet load(const TempDir& dir, std::vector<std::string>* warnings = nullptr) {
  RuleSet set;
  const auto errors = lint_rules({dir.path()}, &set);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  if (warnings != nullptr) {
    *warnings = set.warnings;
  }
  return set;
}

Event event_of(const std::string& json) {
  std::string bad;
  return build_event(Record(json), Origin{"test", 0}, bad);
}

bool fires(const RuleSet& set, const std::string& id, const std::string& json) {
  const Rule* rule = find_rule(set, id);
  EXPECT_NE(rule, nullptr) << id;
  return rule != nullptr && rule_matches(*rule, event_of(json), GeoInfo{});
}

const std::string k_stop_logging =
    R"({"eventVersion":"1.09","eventTime":"2026-11-27T03:00:00Z","eventSource":)"
    R"("cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1",)"
    R"("sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.30",)"
    R"("userIdentity":{"type":"IAMUser","userName":"mallory","accountId":"111122223333"},)"
    R"("requestParameters":{"name":"management-trail"},"eventID":"e-1"})";

TEST(RuleDocuments, KeywordsSearchValuesNotKeys) {
  TempDir dir;
  dir.write("k.yml", rule("k1", "  keywords:\n    - management-TRAIL\n    - nothing-here\n"
                                "  condition: keywords\n") +
                         "---\n" +
                         rule("k2", "  keywords: requestParameters\n  condition: keywords\n") +
                         "---\n" +
                         rule("k3", "  keywords:\n    '|all': [mallory, StopLogging]\n"
                                    "  condition: keywords\n"));
  const RuleSet set = load(dir);
  EXPECT_TRUE(fires(set, "k1", k_stop_logging));  // a value, any case, as a substring
  EXPECT_FALSE(fires(set, "k2", k_stop_logging)); // a key is not a value
  EXPECT_TRUE(fires(set, "k3", k_stop_logging));  // |all: every keyword somewhere
  EXPECT_TRUE(find_rule(set, "k1")->event_names.empty()) << "keywords can match any record";
}

TEST(RuleDocuments, AListOfConditionsHoldsWhenAnyDoes) {
  TempDir dir;
  dir.write("c.yml", rule("c1", "  a:\n    eventName: Nope\n  b:\n    userIdentity.userName: "
                                "mallory\n  condition:\n    - a\n    - b\n"));
  const RuleSet set = load(dir);
  EXPECT_TRUE(fires(set, "c1", k_stop_logging));
}

TEST(RuleDocuments, FiltersExcludeMatchesOfTheRulesTheyNameByIdOrName) {
  TempDir dir;
  const std::string detection = "  selection:\n    eventName: StopLogging\n"
                                "  condition: selection\n";
  dir.write("r.yml", rule("r1", detection) + "---\n" + rule("r2", detection, "name: second\n") +
                         "---\n" + rule("r3", detection));
  dir.write("f.yml", "title: Mallory is our test user\nid: f1\n"
                     "logsource: {product: aws, service: cloudtrail}\n"
                     "filter:\n  rules: [r1, second]\n  selection:\n"
                     "    userIdentity.userName: mallory\n  condition: not selection\n");
  const RuleSet set = load(dir);
  ASSERT_EQ(set.filters.size(), 1u);
  EXPECT_FALSE(fires(set, "r1", k_stop_logging)); // by id
  EXPECT_FALSE(fires(set, "r2", k_stop_logging)); // by name
  EXPECT_TRUE(fires(set, "r3", k_stop_logging));  // not named
  std::string other = k_stop_logging;
  other.replace(other.find("mallory"), 7, "alice");
  EXPECT_TRUE(fires(set, "r1", other)); // the filter lets other users through
}

TEST(RuleDocuments, FilterForAnyRuleAndUnknownReferencesAreWarned) {
  TempDir dir;
  dir.write("r.yml", rule("r1", "  selection:\n    eventName: StopLogging\n"
                                "  condition: selection\n"));
  dir.write("f.yml", "title: Quiet lab account\nlogsource: {product: aws, service: cloudtrail}\n"
                     "filter:\n  rules: any\n  lab:\n    userIdentity.accountId: '111122223333'\n"
                     "  condition: not lab\n---\n"
                     "title: Typo\nlogsource: {product: aws, service: cloudtrail}\n"
                     "filter:\n  rules: [no-such-rule]\n  x:\n    eventName: A\n"
                     "  condition: not x\n");
  std::vector<std::string> warnings;
  const RuleSet set = load(dir, &warnings);
  EXPECT_FALSE(fires(set, "r1", k_stop_logging));
  ASSERT_EQ(warnings.size(), 1u) << joined(warnings);
  EXPECT_NE(warnings[0].find("names rule 'no-such-rule', which is not loaded"), std::string::npos)
      << warnings[0];
}

TEST(RuleDocuments, FieldsThatNeverOccurInCloudTrailAreWarnedNotErrors) {
  TempDir dir;
  dir.write("w.yml", rule("w1", "  selection:\n    eventname: StopLogging\n"
                                "    userIdentity.sessionContext.sessionIssuer.userName: x\n"
                                "    requestParameters.anything.goes: y\n"
                                "    status: z\n  condition: selection\n"));
  std::vector<std::string> warnings;
  load(dir, &warnings);
  ASSERT_EQ(warnings.size(), 2u) << joined(warnings);
  EXPECT_NE(warnings[0].find("w.yml:7: field 'eventname' never occurs in CloudTrail as spelled; "
                             "CloudTrail writes 'eventName'"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[1].find("field 'status' never occurs in CloudTrail records"),
            std::string::npos)
      << warnings[1];
}

// ---------------------------------------------------------------------------------------------
// Rule tests (samples)

const std::string k_detection = "  selection:\n    eventName|startswith: Stop\n"
                                "    userIdentity.type: IAMUser\n  condition: selection\n";

TEST(RuleSamples, InlineAndSuiteTestsLoadWithTypedRecords) {
  TempDir dir;
  dir.write("r.yml", rule("s1", k_detection,
                          "name: stop_by_user\ntests:\n"
                          "  - name: fires\n    expect: fire\n    record: " +
                              k_stop_logging + "\n"));
  dir.write("suite.yml", "rule: stop_by_user\ntests:\n"
                         "  - name: quiet for a role\n    expect: quiet\n    record:\n"
                         "      eventName: StopLogging\n      readOnly: false\n"
                         "      recipientAccountId: '111122223333'\n      count: 007\n"
                         "      userIdentity: {type: AssumedRole}\n"
                         "    geo: {country: DE, asn: 24940, asn_org: Hetzner}\n");
  const RuleSet set = load(dir);
  ASSERT_EQ(set.tests.size(), 2u);
  EXPECT_EQ(set.tests[0].rule, "s1");
  EXPECT_TRUE(set.tests[0].expect_fire);
  EXPECT_EQ(set.tests[1].rule, "s1"); // resolved from the rule's name
  EXPECT_FALSE(set.tests[1].expect_fire);
  // Plain scalars that read as JSON stay typed; quoted ones and "007" stay strings.
  EXPECT_EQ(set.tests[1].record_json,
            R"({"eventName":"StopLogging","readOnly":false,"recipientAccountId":"111122223333",)"
            R"("count":"007","userIdentity":{"type":"AssumedRole"}})");
  EXPECT_EQ(set.tests[1].geo.country, "DE");
  EXPECT_EQ(set.tests[1].geo.asn, 24940u);
}

TEST(RuleSamples, MistakesAreErrorsWithFileAndLine) {
  TempDir dir;
  const std::string path =
      dir.write("bad.yml", rule("b1", k_detection,
                                "tests:\n  - name: no verdict\n    expect: maybe\n"
                                "    record: {eventName: StopLogging}\n"
                                "  - name: no record\n    expect: fire\n") +
                               "---\nrule: missing-rule\ntests:\n  - expect: fire\n"
                               "    record: {eventName: X}\n");
  const auto errors = lint_rules({path}, nullptr);
  EXPECT_NE(joined(errors).find("bad.yml:12: expect must be fire or quiet, not 'maybe'"),
            std::string::npos)
      << joined(errors);
  EXPECT_NE(joined(errors).find("test needs a 'record'"), std::string::npos) << joined(errors);
  EXPECT_NE(joined(errors).find("names rule 'missing-rule', which is not loaded"),
            std::string::npos)
      << joined(errors);
}

TEST(RuleSamples, RunThroughTheScanPathAndReportWhyTheyFail) {
  TempDir dir;
  std::string not_cloudtrail = "{\"eventName\": \"StopLogging\"}";
  dir.write("r.yml",
            rule("p1", k_detection,
                 "tests:\n"
                 "  - {name: pattern name fires, expect: fire, record: " +
                     k_stop_logging +
                     "}\n"
                     "  - {name: wrong verdict, expect: quiet, record: " +
                     k_stop_logging +
                     "}\n"
                     "  - {name: other event, expect: fire, record: {eventVersion: '1.09', "
                     "eventSource: s3.amazonaws.com, eventName: GetObject, eventTime: "
                     "'2026-11-27T03:00:00Z', userIdentity: {type: IAMUser}}}\n"
                     "  - {name: detection misses, expect: fire, record: {eventVersion: '1.09', "
                     "eventSource: cloudtrail.amazonaws.com, eventName: StopLogging, eventTime: "
                     "'2026-11-27T03:00:00Z', userIdentity: {type: Root}}}\n"));
  const RuleSet set = load(dir);
  const auto outcomes = run_rule_tests(set);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_TRUE(outcomes[0].passed) << outcomes[0].detail; // `Stop*` kept by the fast path
  EXPECT_FALSE(outcomes[1].passed);
  EXPECT_EQ(outcomes[1].detail, "expected it to stay quiet, but it fired");
  EXPECT_FALSE(outcomes[2].passed);
  EXPECT_NE(outcomes[2].detail.find("the prefilter skipped it"), std::string::npos)
      << outcomes[2].detail;
  EXPECT_FALSE(outcomes[3].passed);
  EXPECT_NE(outcomes[3].detail.find("the detection did not match"), std::string::npos)
      << outcomes[3].detail;
  // p1 has both a firing and a quiet sample; a rule without samples is listed.
  EXPECT_TRUE(rules_without_samples(set).empty());
}

TEST(RuleSamples, ShippedRulesHaveSamplesThatPass) {
  RuleSet set;
  const auto errors = lint_rules({TRAILWATCH_RULES_DIR}, &set);
  ASSERT_TRUE(errors.empty()) << joined(errors);
  if (set.tests.empty()) {
    GTEST_SKIP() << "the shipped rules carry no samples yet";
  }
  for (const auto& outcome : run_rule_tests(set)) {
    EXPECT_TRUE(outcome.passed) << outcome.test->rule << " " << outcome.test->name << ": "
                                << outcome.detail;
  }
}

// ---------------------------------------------------------------------------------------------
// eventName patterns on the fast path

TEST(FastPathPatterns, PrefilterAndMatcherKeepRecordsWhoseNameMeetsAPattern) {
  const Prefilter prefilter({"UpdateFunctionConfiguration*", "RunInstances"}, true);
  EXPECT_TRUE(prefilter.may_match(R"({"eventName":"UpdateFunctionConfiguration20150331v2"})"));
  EXPECT_TRUE(prefilter.may_match(R"({"eventName":"runinstances"})"));
  EXPECT_FALSE(prefilter.may_match(R"({"eventName":"UpdateFunctionCode"})"));

  TempDir dir;
  dir.write("l.yml", rule("l1", "  selection:\n    eventName|startswith: "
                                "UpdateFunctionConfiguration\n  condition: selection\n"));
  const Matcher matcher(load(dir));
  EXPECT_FALSE(matcher.wants_all());
  EXPECT_TRUE(matcher.wants("UpdateFunctionConfiguration20150331v2"));
  EXPECT_FALSE(matcher.wants("UpdateFunctionCode20150331v2"));
  std::vector<Alert> alerts;
  matcher.match(event_of(R"({"eventName":"UpdateFunctionConfiguration20150331v2",)"
                         R"("eventSource":"lambda.amazonaws.com"})"),
                GeoInfo{}, alerts);
  EXPECT_EQ(alerts.size(), 1u);
}

} // namespace
} // namespace trailwatch
