// SPDX-License-Identifier: MIT
// Generic alerts (issue 9): an alert of a rule that is not about EC2 launches renders without
// launch fields in text, JSON Lines and Slack; a rule's Sigma `fields:` show with their values
// (facts, common fields and raw paths); the JSON form carries the whole record on request and
// reads back losslessly (record and field names included), as the state's outbox needs.
#include "alert/alert_json.hpp"
#include "facts/event_builder.hpp"
#include "sinks/sink.hpp"
#include "sinks/slack/slack_message.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <string>

namespace trailwatch {
namespace {

constexpr std::string_view k_stop_logging =
    R"({"eventVersion":"1.09","eventTime":"2026-11-27T05:00:00Z","eventSource":"cloudtrail.amazonaws.com",)"
    R"("eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.9",)"
    R"("userAgent":"aws-cli/2.15","eventID":"stop-1","recipientAccountId":"111122223333",)"
    R"("userIdentity":{"type":"IAMUser","userName":"mallory","accountId":"111122223333",)"
    R"("accessKeyId":"AKIAEXAMPLE"},"requestParameters":{"name":"org-trail"},)"
    R"("responseElements":null})";

Alert stop_logging_alert(std::vector<std::string> fields = {}) {
  std::string bad;
  Alert alert;
  alert.event = build_event(Record(k_stop_logging), Origin{"trail.json", 3}, bad);
  alert.rule_id = "rule-stop";
  alert.rule_title = "CloudTrail logging stopped";
  alert.level = Level::high;
  alert.fields = std::move(fields);
  return alert;
}

std::string text_of(const std::vector<Alert>& alerts) {
  std::FILE* out = std::tmpfile();
  auto sink = make_text_sink(out, false);
  for (const Alert& alert : alerts) {
    sink->add(alert);
  }
  ReceiptList delivered;
  sink->flush(true, delivered);
  std::rewind(out);
  std::string text;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, out)) > 0) {
    text.append(buffer, n);
  }
  std::fclose(out);
  return text;
}

std::string text_of(const Alert& alert) {
  return text_of(std::vector<Alert>{alert});
}

TEST(GenericAlert, TextHasNoLaunchFields) {
  const std::string text = text_of(stop_logging_alert());
  EXPECT_NE(text.find("  StopLogging cloudtrail.amazonaws.com account 111122223333 us-east-1"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("none"), std::string::npos) << text;
  EXPECT_EQ(text.find("requested"), std::string::npos) << text;
  EXPECT_EQ(text.find("instances"), std::string::npos) << text;
}

TEST(GenericAlert, JsonHasNoLaunchKeys) {
  const std::string json = alert_to_json(stop_logging_alert());
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(json).get_object().get(o), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(o["eventName"]), "StopLogging");
  for (const char* key : {"outcome", "launchedCount", "instanceTypes", "requestedMin",
                          "requestedMax", "instances", "launchTemplate"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(o[key].error(), simdjson::NO_SUCH_FIELD);
  }
}

TEST(GenericAlert, SlackHasNoEmptyOutcome) {
  const std::string payload = build_slack_payload(stop_logging_alert(), SlackTemplate::builtin());
  EXPECT_EQ(payload.find("utcome"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("Instance types"), std::string::npos) << payload;
  EXPECT_NE(payload.find("StopLogging"), std::string::npos) << payload;
}

TEST(GenericAlert, RuleFieldsShowInEverySink) {
  const Alert alert = stop_logging_alert(
      {"requestParameters.name", "trailwatch.actor", "userIdentity.accessKeyId", "missing.path"});
  const std::string text = text_of(alert);
  EXPECT_NE(text.find("  fields requestParameters.name=org-trail trailwatch.actor=mallory "
                      "userIdentity.accessKeyId=AKIAEXAMPLE missing.path=-"),
            std::string::npos)
      << text;

  const std::string json = alert_to_json(alert);
  EXPECT_NE(json.find(R"("fields":{"requestParameters.name":"org-trail","trailwatch.actor":)"
                      R"("mallory","userIdentity.accessKeyId":"AKIAEXAMPLE","missing.path":null})"),
            std::string::npos)
      << json;

  const std::string payload = build_slack_payload(alert, SlackTemplate::builtin());
  EXPECT_NE(payload.find("requestParameters.name: org-trail"), std::string::npos) << payload;
}

// Issue 10: every alert names its rule id, title, level and tags; an event matching several
// rules is one text block and one Slack message listing all of them (JSON Lines: one line each).
TEST(MultiRuleEvent, OneBlockOneMessageListingEveryRuleWithTags) {
  Alert first = stop_logging_alert({"requestParameters.name"});
  first.tags = {"attack.defense-evasion", "attack.t1562.008"};
  Alert second = stop_logging_alert({"trailwatch.actor"});
  second.rule_id = "rule-iam-user";
  second.rule_title = "IAM user key used for a trail change";
  second.level = Level::medium;
  second.tags = {"attack.persistence"};
  Alert other_event = stop_logging_alert();
  other_event.event.origin.record = 4;

  ReceiptList delivered;
  std::FILE* out = std::tmpfile();
  auto sink = make_text_sink(out, false);
  for (const Alert* alert : {&first, &second, &other_event}) {
    sink->add(*alert);
  }
  sink->flush(true, delivered);
  std::fclose(out);
  EXPECT_EQ(delivered.numbers.size(), 3u) << "every alert of a block is confirmed";

  const std::string text = text_of({first, second, other_event});
  EXPECT_EQ(text.find("CloudTrail logging stopped\n  also MEDIUM IAM user key used for a trail "
                      "change  rule rule-iam-user  tags attack.persistence\n"),
            text.find("CloudTrail logging stopped\n"))
      << text;
  EXPECT_NE(text.find("  fields requestParameters.name=org-trail trailwatch.actor=mallory\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("source trail.json#3  tags attack.defense-evasion,attack.t1562.008\n"),
            std::string::npos)
      << text;
  // The third alert is another record: a block of its own.
  EXPECT_NE(text.find("source trail.json#4"), std::string::npos) << text;
  std::size_t titles = 0;
  for (auto at = text.find("HIGH CloudTrail logging stopped"); at != std::string::npos;
       at = text.find("HIGH CloudTrail logging stopped", at + 1)) {
    ++titles;
  }
  EXPECT_EQ(titles, 2u) << text;

  EXPECT_NE(alert_to_json(first).find(R"("tags":["attack.defense-evasion","attack.t1562.008"])"),
            std::string::npos);
  EXPECT_EQ(alert_from_json(alert_to_json(first, true)).tags, first.tags);

  const std::string payload =
      build_slack_payload(first, SlackTemplate::builtin(), std::span<const Alert>(&second, 1));
  EXPECT_NE(payload.find("*Also matched:* MEDIUM IAM user key used for a trail change "
                         "(rule-iam-user)"),
            std::string::npos)
      << payload;
  EXPECT_NE(payload.find("*Tags:* `attack.defense-evasion, attack.t1562.008`"), std::string::npos)
      << payload;
  EXPECT_NE(payload.find("*Rule:* `rule-stop`"), std::string::npos) << payload;
  EXPECT_EQ(build_slack_payload(first, SlackTemplate::builtin()).find("Also matched"),
            std::string::npos);
}

TEST(GenericAlert, RecordOnlyOnRequestAndCompact) {
  const Alert alert = stop_logging_alert();
  EXPECT_EQ(alert_to_json(alert).find("\"record\":{"), std::string::npos);
  const std::string with = alert_to_json(alert, true);
  EXPECT_NE(with.find(R"("record":{"eventVersion":"1.09",)"), std::string::npos) << with;
}

TEST(GenericAlert, JsonFormReadsBackLosslessly) {
  const Alert alert = stop_logging_alert({"requestParameters.name"});
  const std::string json = alert_to_json(alert, true);
  const Alert back = alert_from_json(json);
  EXPECT_EQ(back.fields, alert.fields);
  EXPECT_FALSE(back.event.record.empty());
  std::vector<std::string> values;
  back.event.record.values("requestParameters.name", values);
  EXPECT_EQ(values, std::vector<std::string>{"org-trail"});
  EXPECT_EQ(alert_to_json(back, true), json);
  EXPECT_EQ(text_of(back), text_of(alert));
}

} // namespace
} // namespace trailwatch
