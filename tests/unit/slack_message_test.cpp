// SPDX-License-Identifier: MIT
// Slack message building: escaping, truncation, templates, payload limits and digests.
#include "sinks/slack/slack_message.hpp"
#include "trailwatch/error.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <string>
#include <vector>

namespace trailwatch {
namespace {

// One block of a parsed payload: its type and the text of its text object(s).
struct Block {
  std::string type;
  std::string text_type;
  std::string text;
  bool verbatim = false;
};

struct Payload {
  std::string text;
  std::vector<Block> blocks;
  bool unfurl_links = true;
  bool unfurl_media = true;
  bool has_link_names = false;
};

// Parses a payload with simdjson (which also rejects invalid UTF-8); fails the test if invalid.
Payload parse_payload(const std::string& json) {
  Payload result;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const auto error = parser.parse(json).get(doc);
  EXPECT_EQ(error, simdjson::SUCCESS) << json.substr(0, 300);
  if (error != simdjson::SUCCESS) {
    return result;
  }
  std::string_view text;
  EXPECT_EQ(doc["text"].get(text), simdjson::SUCCESS);
  result.text = std::string(text);
  EXPECT_EQ(doc["unfurl_links"].get(result.unfurl_links), simdjson::SUCCESS);
  EXPECT_EQ(doc["unfurl_media"].get(result.unfurl_media), simdjson::SUCCESS);
  simdjson::dom::element ignored;
  result.has_link_names = doc["link_names"].get(ignored) == simdjson::SUCCESS;
  simdjson::dom::array blocks;
  EXPECT_EQ(doc["blocks"].get(blocks), simdjson::SUCCESS);
  for (simdjson::dom::element element : blocks) {
    Block block;
    std::string_view value;
    EXPECT_EQ(element["type"].get(value), simdjson::SUCCESS);
    block.type = std::string(value);
    simdjson::dom::element text_object;
    if (block.type == "context") {
      simdjson::dom::array elements;
      EXPECT_EQ(element["elements"].get(elements), simdjson::SUCCESS);
      text_object = elements.at(0);
    } else {
      text_object = element["text"];
    }
    EXPECT_EQ(text_object["type"].get(value), simdjson::SUCCESS);
    block.text_type = std::string(value);
    EXPECT_EQ(text_object["text"].get(value), simdjson::SUCCESS);
    block.text = std::string(value);
    bool verbatim = false;
    if (text_object["verbatim"].get(verbatim) == simdjson::SUCCESS) {
      block.verbatim = verbatim;
    }
    result.blocks.push_back(std::move(block));
  }
  return result;
}

// Checks every Slack limit and flag we promise for `payload`.
void expect_within_limits(const Payload& payload) {
  EXPECT_FALSE(payload.unfurl_links);
  EXPECT_FALSE(payload.unfurl_media);
  EXPECT_FALSE(payload.has_link_names);
  EXPECT_FALSE(payload.text.empty());
  EXPECT_LE(count_code_points(payload.text), k_slack_fallback_limit);
  ASSERT_FALSE(payload.blocks.empty());
  EXPECT_LE(payload.blocks.size(), k_slack_max_blocks);
  std::size_t total = 0;
  for (const Block& block : payload.blocks) {
    SCOPED_TRACE(block.type);
    EXPECT_FALSE(block.text.empty());
    total += count_code_points(block.text);
    if (block.type == "header") {
      EXPECT_EQ(block.text_type, "plain_text");
      EXPECT_LE(count_code_points(block.text), k_slack_header_limit);
    } else {
      EXPECT_EQ(block.text_type, "mrkdwn");
      EXPECT_TRUE(block.verbatim);
      EXPECT_LE(count_code_points(block.text), k_slack_section_limit);
    }
  }
  EXPECT_LE(total, k_slack_message_text_limit);
}

// True when every '&' in `text` starts one of the three entities we produce.
bool entities_intact(std::string_view text) {
  for (std::size_t i = text.find('&'); i != std::string_view::npos; i = text.find('&', i + 1)) {
    const auto rest = text.substr(i);
    if (!rest.starts_with("&amp;") && !rest.starts_with("&lt;") && !rest.starts_with("&gt;")) {
      return false;
    }
  }
  return true;
}

Alert make_alert() {
  Alert alert;
  alert.rule_id = "tw-gpu-tier-a";
  alert.rule_title = "GPU instance launched";
  alert.level = Level::high;
  Event& e = alert.event;
  e.event_time = "2025-01-14T03:12:09Z";
  e.event_id = "3f6c0a1e-0000-4000-8000-000000000001";
  e.event_source = "ec2.amazonaws.com";
  e.event_name = "RunInstances";
  e.aws_region = "us-east-2";
  e.recipient_account_id = "111122223333";
  e.account = "111122223333";
  e.source_ip = "203.0.113.7";
  e.user_agent = "aws-cli/2.15.0 Python/3.11";
  e.identity.type = "AssumedRole";
  e.identity.arn = "arn:aws:sts::111122223333:assumed-role/deploy/ci-bot";
  e.identity.access_key_id = "ASIAEXAMPLEXYZ";
  e.actor = "deploy/ci-bot";
  e.launch.is_launch_api = true;
  e.launch.outcome = Outcome::launch;
  e.launch.instance_types = {"p4d.24xlarge"};
  e.launch.min_count = 8;
  e.launch.max_count = 8;
  e.launch.launched_count = 8;
  for (int i = 0; i < 8; ++i) {
    e.launch.instances.push_back(Instance{"i-0000000000000000" + std::to_string(i), "p4d.24xlarge",
                                          "10.0.0." + std::to_string(i), "us-east-2a"});
  }
  e.origin.source = "AWSLogs/111122223333/CloudTrail/us-east-2/2025/01/14/file.json.gz";
  e.origin.record = 17;
  alert.geo.kind = SourceKind::public_ip;
  alert.geo.ip = "203.0.113.7";
  alert.geo.country = "BR";
  alert.geo.country_name = "Brazil";
  alert.geo.city = "Recife";
  alert.geo.asn = 64500;
  alert.geo.asn_org = "Example Hosting";
  return alert;
}

const std::string k_lookalike = "\xCB\x8B";       // ˋ
const std::string k_replacement = "\xEF\xBF\xBD"; // U+FFFD
const std::string k_ellipsis = "\xE2\x80\xA6";    // …

std::string section_of(const Payload& payload) {
  for (const Block& block : payload.blocks) {
    if (block.type == "section") {
      return block.text;
    }
  }
  return {};
}

TEST(SlackEscape, ReplacesAmpersandFirstThenAngleBrackets) {
  EXPECT_EQ(escape_mrkdwn("a & <b> &lt;"), "a &amp; &lt;b&gt; &amp;lt;");
  EXPECT_EQ(escape_mrkdwn("<!channel> <http://evil|click>"),
            "&lt;!channel&gt; &lt;http://evil|click&gt;");
}

TEST(SlackEscape, LeavesEverythingElseAlone) {
  EXPECT_EQ(escape_mrkdwn("*bold* _it_ ~s~ \"q\" 'a' \\ é"), "*bold* _it_ ~s~ \"q\" 'a' \\ é");
}

TEST(SlackEscape, NeutralizeReplacesBackticksControlsBidiAndBadUtf8) {
  EXPECT_EQ(neutralize_untrusted("`x`"), k_lookalike + "x" + k_lookalike);
  EXPECT_EQ(neutralize_untrusted("a\nb\tc\x01"),
            "a" + k_replacement + "b" + k_replacement + "c" + k_replacement);
  EXPECT_EQ(neutralize_untrusted("\xE2\x80\xAEtxt.exe"), k_replacement + "txt.exe"); // RLO
  EXPECT_EQ(neutralize_untrusted("\xC2\x85"), k_replacement);                        // NEL (C1)
  EXPECT_EQ(neutralize_untrusted("a\xE2\x80\xA8"
                                 "b"),
            "a" + k_replacement + "b"); // U+2028
  EXPECT_EQ(neutralize_untrusted("\xFF\xFE ok"), k_replacement + k_replacement + " ok");
  EXPECT_EQ(neutralize_untrusted("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
}

TEST(SlackTruncate, KeepsShortTextAndCutsLongTextOnCodePoints) {
  EXPECT_EQ(truncate_utf8("abc", 3), "abc");
  EXPECT_EQ(truncate_utf8("abcd", 3), "ab" + k_ellipsis);
  EXPECT_EQ(truncate_utf8("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xC3\xA9" + k_ellipsis);
  EXPECT_EQ(truncate_utf8("abcd", 0), "");
}

TEST(SlackTruncate, NeverCutsInsideAnEntity) {
  // Cutting "aaaa&amp;bbb" to 7 code points would keep "aaaa&a": back off to before '&'.
  EXPECT_EQ(truncate_utf8("aaaa&amp;bbb", 7), "aaaa" + k_ellipsis);
  EXPECT_EQ(truncate_utf8("aaaa&amp;bbb", 10), "aaaa&amp;" + k_ellipsis);
}

TEST(SlackTruncate, PropertiesHoldForManyInputsAndLimits) {
  const std::vector<std::string> pieces = {
      "a", "&", "<", ">", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "`", "\x01", "\xFF"};
  for (std::size_t seed = 0; seed < 200; ++seed) {
    std::string raw;
    for (std::size_t i = 0; i < 40; ++i) {
      raw += pieces[(seed * 7 + i * i * 13 + i) % pieces.size()];
    }
    for (std::size_t limit : {0u, 1u, 2u, 5u, 9u, 17u, 40u, 200u}) {
      SCOPED_TRACE(std::to_string(seed) + "/" + std::to_string(limit));
      const std::string value = mrkdwn_value(raw, limit);
      EXPECT_LE(count_code_points(value), limit);
      EXPECT_EQ(util::sanitize_utf8(value), value);
      EXPECT_TRUE(entities_intact(value)) << value;
      EXPECT_EQ(value.find_first_of("<>`"), std::string::npos);
      // Cutting first is only an optimisation: same result as escaping everything.
      EXPECT_EQ(value, truncate_utf8(escape_mrkdwn(neutralize_untrusted(raw)), limit));
    }
  }
}

TEST(SlackTruncate, MegabyteValueIsCutToTheLimit) {
  const std::string huge(1 << 20, '<');
  const std::string value = mrkdwn_value(huge, 200);
  EXPECT_LE(count_code_points(value), 200u);
  EXPECT_TRUE(value.ends_with(k_ellipsis));
  EXPECT_TRUE(entities_intact(value));
}

TEST(SlackTemplate, BothPlaceholderFormsAndLiteralDollars) {
  const auto t = SlackTemplate::parse(
      "$result.instanceType$ / $instanceTypes$ by $actor$ costs $$5 or $5\n", "test");
  EXPECT_EQ(t.render(make_alert()), "p4d.24xlarge / p4d.24xlarge by deploy/ci-bot costs $5 or $5");
}

TEST(SlackTemplate, UnknownPlaceholderIsFatalAndNamed) {
  try {
    (void)SlackTemplate::parse("ok $actor$\n*Who:* $result.bogusField$\n", "my.tpl");
    FAIL() << "no exception";
  } catch (const Fatal& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("my.tpl"), std::string::npos) << message;
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
    EXPECT_NE(message.find("$result.bogusField$"), std::string::npos) << message;
  }
}

TEST(SlackTemplate, EmptyValuesDropLinesOrShowDashInCode) {
  Alert alert = make_alert();
  alert.event.error_code.clear();
  alert.event.identity.access_key_id.clear();
  const auto t = SlackTemplate::parse("# comment $nope$\n*Error:* `$errorCode$`\n"
                                      "*Actor:* `$actor$` key `$accessKeyId$` $city$\n"
                                      "static line\n",
                                      "test");
  EXPECT_EQ(t.render(alert), "*Actor:* `deploy/ci-bot` key `-` Recife\nstatic line");
}

TEST(SlackTemplate, ValuesAreEscapedBeforeSubstitution) {
  Alert alert = make_alert();
  alert.event.actor = "<!channel> `x` & <http://evil|click>";
  const auto t = SlackTemplate::parse("<!here> from template: `$actor$`", "test");
  EXPECT_EQ(t.render(alert), "<!here> from template: `&lt;!channel&gt; " + k_lookalike + "x" +
                                 k_lookalike + " &amp; &lt;http://evil|click&gt;`");
}

TEST(SlackTemplate, LoadReportsMissingFile) {
  EXPECT_THROW((void)SlackTemplate::load("/nonexistent/trailwatch/template.txt"), Fatal);
}

TEST(SlackTemplate, BuiltinMatchesTheShippedExample) {
  const std::string path =
      std::string(TRAILWATCH_TEST_TOOLS) + "/../../examples/slack-template.txt";
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const Alert alert = make_alert();
  EXPECT_EQ(SlackTemplate::load(path).render(alert), SlackTemplate::builtin().render(alert));
  Alert sparse;
  sparse.rule_title = "t";
  EXPECT_EQ(SlackTemplate::load(path).render(sparse), SlackTemplate::builtin().render(sparse));
}

TEST(SlackTemplate, FieldListHasEveryDocumentedField) {
  const auto fields = slack_template_fields();
  for (std::string_view name :
       {"rule",         "title",       "level",           "eventTime",     "eventID",
        "eventName",    "eventSource", "awsRegion",       "account",       "actor",
        "identityType", "accessKeyId", "sourceIPAddress", "country",       "countryName",
        "city",         "asn",         "asnOrg",          "instanceTypes", "requested",
        "launched",     "instanceIds", "errorCode",       "outcome",       "userAgent",
        "source"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), name), fields.end()) << name;
    EXPECT_NO_THROW((void)SlackTemplate::parse("$" + std::string(name) + "$", "t"));
  }
}

TEST(SlackPayload, HasTheExpectedBlocksAndContent) {
  const Alert alert = make_alert();
  const Payload p = parse_payload(build_slack_payload(alert, SlackTemplate::builtin()));
  expect_within_limits(p);
  ASSERT_EQ(p.blocks.size(), 3u);
  EXPECT_EQ(p.blocks[0].type, "header");
  EXPECT_EQ(p.blocks[0].text, "[HIGH] GPU instance launched");
  const std::string section = section_of(p);
  for (const char* expected :
       {"*GPU instance launched*", "level *high*", "*Outcome:* *launch*", "`p4d.24xlarge`",
        "requested `8`", "launched `8`", "`111122223333`", "`us-east-2`", "`deploy/ci-bot`",
        "`AssumedRole`", "`ASIAEXAMPLEXYZ`",
        "`203.0.113.7`  BR (Brazil), Recife, AS64500 Example Hosting",
        "i-00000000000000004 +3 more", "aws-cli/2.15.0",
        "`RunInstances` (`ec2.amazonaws.com`) at `2025-01-14T03:12:09Z`"}) {
    EXPECT_NE(section.find(expected), std::string::npos) << expected << "\n" << section;
  }
  EXPECT_EQ(section.find("i-00000000000000005"), std::string::npos);
  EXPECT_EQ(section.find("*Error:*"), std::string::npos);
  EXPECT_EQ(p.blocks[2].type, "context");
  EXPECT_NE(p.blocks[2].text.find("`tw-gpu-tier-a`"), std::string::npos);
  EXPECT_NE(p.blocks[2].text.find("3f6c0a1e-0000-4000-8000-000000000001"), std::string::npos);
  EXPECT_NE(p.blocks[2].text.find("file.json.gz#17`"), std::string::npos);
  EXPECT_NE(p.text.find("[HIGH] GPU instance launched: launch p4d.24xlarge by deploy/ci-bot"),
            std::string::npos)
      << p.text;
}

TEST(SlackPayload, AttemptShowsErrorAndRequestedRange) {
  Alert alert = make_alert();
  alert.event.launch.outcome = Outcome::attempt;
  alert.event.launch.launched_count = 0;
  alert.event.launch.instances.clear();
  alert.event.launch.min_count = 1;
  alert.event.launch.max_count = 4;
  alert.event.error_code = "Client.UnauthorizedOperation";
  alert.geo = GeoInfo{};
  alert.geo.kind = SourceKind::aws_service;
  alert.event.source_ip = "autoscaling.amazonaws.com";
  alert.count = 3;
  const Payload p = parse_payload(build_slack_payload(alert, SlackTemplate::builtin()));
  expect_within_limits(p);
  const std::string section = section_of(p);
  EXPECT_NE(section.find("*Outcome:* *attempt*"), std::string::npos) << section;
  EXPECT_NE(section.find("*Error:* `Client.UnauthorizedOperation`"), std::string::npos);
  EXPECT_NE(section.find("requested `1\xE2\x80\x93"
                         "4`"),
            std::string::npos)
      << section;
  EXPECT_NE(section.find("launched `0`"), std::string::npos);
  EXPECT_NE(section.find("`autoscaling.amazonaws.com`  aws-service"), std::string::npos);
  EXPECT_EQ(section.find("*Instances:*"), std::string::npos);
  EXPECT_EQ(p.blocks[0].text, "[HIGH] GPU instance launched \xC3\x97"
                              "3");
  EXPECT_NE(p.blocks[2].text.find("3 events"), std::string::npos);
}

TEST(SlackPayload, HostileValuesAreInert) {
  Alert alert = make_alert();
  Event& e = alert.event;
  e.actor = "<!channel> verify <http://evil.example|AWS Console> `rm -rf` \"q\" \\ \x01\x1b[31m";
  e.user_agent = std::string(1 << 20, 'U') + "<!here>";
  e.identity.access_key_id = "AKIA\xFF\xFE";
  e.event_id = "<@U12345>";
  e.origin.source = "evil`name<!everyone>.json";
  e.source_ip = "<!subteam^S123>";
  e.aws_region = "us-east-1\n*Outcome:* approved";
  alert.geo.city = "<https://evil|Recife>";
  const std::string json = build_slack_payload(alert, SlackTemplate::builtin());
  EXPECT_LT(json.size(), 16u * 1024);
  // Nothing event-derived can carry Slack control syntax: no raw angle bracket anywhere.
  EXPECT_EQ(json.find_first_of("<>"), std::string::npos) << json;
  const Payload p = parse_payload(json);
  expect_within_limits(p);
  const std::string section = section_of(p);
  EXPECT_NE(section.find("&lt;!channel&gt; verify &lt;http://evil.example|AWS Console&gt;"),
            std::string::npos)
      << section;
  EXPECT_NE(section.find(k_lookalike + "rm -rf" + k_lookalike), std::string::npos);
  EXPECT_NE(section.find("\"q\" \\"), std::string::npos);
  EXPECT_EQ(section.find('\x1b'), std::string::npos);
  EXPECT_NE(section.find("AKIA" + k_replacement + k_replacement), std::string::npos);
  EXPECT_NE(section.find("us-east-1" + k_replacement + "*Outcome:* approved"), std::string::npos);
  EXPECT_NE(section.find("U" + k_ellipsis + "`"), std::string::npos);
  EXPECT_NE(p.blocks[2].text.find("&lt;@U12345&gt;"), std::string::npos);
  // Backticks in the template's code spans stay paired: values add none.
  std::size_t backticks = 0;
  for (char c : section) {
    backticks += c == '`' ? 1 : 0;
  }
  EXPECT_EQ(backticks % 2, 0u);
}

TEST(SlackPayload, EveryFieldHugeStaysWithinLimits) {
  Alert alert = make_alert();
  const std::string big(5000, 'x');
  alert.rule_title = big;
  alert.rule_id = big;
  Event& e = alert.event;
  e.event_time = e.event_id = e.event_name = e.aws_region = e.account = e.actor = big;
  e.identity.type = e.identity.access_key_id = e.source_ip = e.user_agent = e.error_code = big;
  e.launch.launch_template = e.origin.source = big;
  e.launch.instance_types.assign(40, std::string(300, 'g'));
  alert.geo.city = alert.geo.asn_org = alert.geo.country_name = big;
  const Payload p = parse_payload(build_slack_payload(alert, SlackTemplate::builtin()));
  expect_within_limits(p);
  EXPECT_TRUE(p.blocks[0].text.ends_with(k_ellipsis));
  EXPECT_TRUE(section_of(p).find("xxx" + k_ellipsis) != std::string::npos);
  // A template that repeats big values is cut at the section limit.
  std::string repeated;
  for (int i = 0; i < 20; ++i) {
    repeated += "`$userAgent$` &amp; ";
  }
  const Payload q = parse_payload(build_slack_payload(alert, SlackTemplate::parse(repeated, "t")));
  expect_within_limits(q);
  EXPECT_TRUE(section_of(q).ends_with(k_ellipsis));
  EXPECT_TRUE(entities_intact(section_of(q)));
}

TEST(SlackPayload, EmptyTemplateStillGivesANonEmptySection) {
  const auto t = SlackTemplate::parse("`$errorCode$`\n", "t");
  const Payload p = parse_payload(build_slack_payload(make_alert(), t));
  expect_within_limits(p);
  EXPECT_EQ(section_of(p), "GPU instance launched");
}

std::vector<Alert> burst(std::size_t groups, std::size_t per_group) {
  std::vector<Alert> alerts;
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t i = 0; i < per_group; ++i) {
      Alert a = make_alert();
      a.event.actor = "role/session-" + std::to_string(g);
      a.event.event_id = "evt-" + std::to_string(g) + "-" + std::to_string(i);
      a.event.launch.instance_types = {i % 2 == 0 ? "p3.2xlarge" : "g4dn.xlarge"};
      alerts.push_back(std::move(a));
    }
  }
  return alerts;
}

TEST(SlackDigest, GroupsByRuleActorAndAccount) {
  std::vector<Alert> alerts = burst(1, 150);
  std::vector<Alert> more = burst(3, 20); // session-0 joins the first group
  alerts.insert(alerts.end(), more.begin(), more.end());
  alerts.back().level = Level::critical; // session-2 is listed first: higher level
  alerts.back().event.actor = "<!channel>";
  const Payload p = parse_payload(build_digest_payload(alerts));
  expect_within_limits(p);
  EXPECT_EQ(p.blocks[0].text, "trailwatch digest: 210 alerts in 4 groups");
  const std::string section = section_of(p);
  EXPECT_NE(section.find("*170 \xC3\x97* GPU instance launched (high) by `role/session-0` in "
                         "`111122223333` (`p3.2xlarge, g4dn.xlarge`)"),
            std::string::npos)
      << section;
  EXPECT_NE(section.find("*20 \xC3\x97* GPU instance launched (high) by `role/session-1`"),
            std::string::npos);
  EXPECT_NE(section.find("*19 \xC3\x97* GPU instance launched (high) by `role/session-2`"),
            std::string::npos);
  EXPECT_LT(section.find("(critical) by `&lt;!channel&gt;`"), section.find("*170"));
  EXPECT_EQ(section.find("more group"), std::string::npos);
  EXPECT_NE(p.text.find("210 alerts"), std::string::npos);
}

TEST(SlackDigest, ManyGroupsEndWithMoreLineWithinLimits) {
  std::vector<Alert> alerts = burst(400, 2);
  for (Alert& a : alerts) {
    a.event.actor += std::string(60, 'y');
  }
  const std::string json = build_digest_payload(alerts);
  const Payload p = parse_payload(json);
  expect_within_limits(p);
  std::size_t shown = 0;
  std::string more;
  for (const Block& block : p.blocks) {
    if (block.type != "section") {
      continue;
    }
    if (block.text.starts_with("+")) {
      more = block.text;
      continue;
    }
    for (std::size_t i = block.text.find("*2 \xC3\x97*"); i != std::string::npos;
         i = block.text.find("*2 \xC3\x97*", i + 1)) {
      ++shown;
    }
  }
  ASSERT_GT(shown, 10u);
  ASSERT_LT(shown, 400u);
  EXPECT_EQ(more, "+" + std::to_string(400 - shown) + " more groups (" +
                      std::to_string(2 * (400 - shown)) + " events)");
}

} // namespace
} // namespace trailwatch
