// SPDX-License-Identifier: MIT
// src/util and the alert JSON form: Sigma wildcards (escapes, pathological patterns), ASCII
// case folding and trimming, strict IP parsing, CIDR containment, private ranges, JSON string
// escaping with UTF-8 repair, terminal-safe text, JsonWriter output, and alert_to_json keys.
#include "alert/alert_json.hpp"
#include "util/core_dumps.hpp"
#include "util/json_writer.hpp"
#include "util/net.hpp"
#include "util/strings.hpp"
#include "util/text.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>
#include <string>
#include <vector>

namespace trailwatch {
namespace {

using namespace std::string_literals;
using util::wildcard_match;

// ---------------------------------------------------------------------------------------------
// strings

TEST(WildcardMatch, LiteralsAreCaseInsensitiveAndWhole) {
  EXPECT_TRUE(wildcard_match("RunInstances", "runinstances"));
  EXPECT_TRUE(wildcard_match("", ""));
  EXPECT_FALSE(wildcard_match("", "a"));
  EXPECT_FALSE(wildcard_match("a", ""));
  EXPECT_FALSE(wildcard_match("RunInstances", "RunInstancesX"));
  EXPECT_FALSE(wildcard_match("RunInstances", "XRunInstances"));
}

TEST(WildcardMatch, StarAndQuestionMark) {
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("*", "anything"));
  EXPECT_TRUE(wildcard_match("**", "x"));
  EXPECT_FALSE(wildcard_match("?", ""));
  EXPECT_TRUE(wildcard_match("?", "x"));
  EXPECT_FALSE(wildcard_match("?", "xy"));
  EXPECT_TRUE(wildcard_match("p3*", "P3dn.24xlarge"));
  EXPECT_TRUE(wildcard_match("*.amazonaws.com", "ec2.amazonaws.com"));
  EXPECT_FALSE(wildcard_match("*.amazonaws.com", "ec2.amazonaws.com.evil"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(wildcard_match("a*b*c", "abbbc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "acb"));
  EXPECT_TRUE(wildcard_match("arn:aws:sts::*:assumed-role/ml/*",
                             "arn:aws:sts::111122223333:assumed-role/ml/job"));
  EXPECT_FALSE(wildcard_match("arn:aws:sts::*:assumed-role/ml/*",
                              "arn:aws:sts::111122223333:assumed-role/mlx/job"));
  EXPECT_TRUE(wildcard_match("g?.xlarge", "g5.xlarge"));
  EXPECT_FALSE(wildcard_match("g?.xlarge", "g5g.xlarge"));
}

TEST(WildcardMatch, Escapes) {
  EXPECT_TRUE(wildcard_match("a\\*b", "a*b"));
  EXPECT_FALSE(wildcard_match("a\\*b", "axb"));
  EXPECT_FALSE(wildcard_match("a\\*b", "ab"));
  EXPECT_TRUE(wildcard_match("a\\?b", "a?b"));
  EXPECT_FALSE(wildcard_match("a\\?b", "axb"));
  EXPECT_TRUE(wildcard_match("a\\\\b", "a\\b"));
  EXPECT_FALSE(wildcard_match("a\\\\b", "a\\\\b"));
  EXPECT_TRUE(wildcard_match("*\\*", "xyz*"));
  EXPECT_FALSE(wildcard_match("*\\*", "xyz"));
  EXPECT_TRUE(wildcard_match("a\\", "a\\")); // a lone trailing backslash is literal
  // Issue 10: a single backslash before another character is a plain backslash (Sigma spec).
  EXPECT_TRUE(wildcard_match("C:\\Windows\\\\*", "c:\\windows\\system32"));
  EXPECT_TRUE(wildcard_match("C:\\Windows\\*", "C:\\Windows*")); // \* is an escaped star
  EXPECT_FALSE(wildcard_match("C:\\Windows", "C:Windows"));
  EXPECT_TRUE(wildcard_match("\\\\*", "\\anything")); // escaped backslash, then a wildcard
  EXPECT_FALSE(util::has_wildcards("C:\\Windows\\\\x"));
  EXPECT_TRUE(util::has_wildcards("\\\\*"));
}

TEST(WildcardMatch, PathologicalPatternsStayCorrect) {
  const std::string as(10000, 'a');
  EXPECT_FALSE(wildcard_match("a*a*a*a*b", as));
  EXPECT_TRUE(wildcard_match("a*a*a*a*b", as + "b"));
  EXPECT_TRUE(wildcard_match("*a*a*a*a*a*a*a*a*", as));
  EXPECT_FALSE(wildcard_match("*a*a*a*a*a*a*a*a*c", as));
  EXPECT_FALSE(wildcard_match(std::string(5000, '?') + "?", std::string(5000, 'x')));
  EXPECT_TRUE(wildcard_match(std::string(5000, '?'), std::string(5000, 'x')));
}

TEST(HasWildcards, UnescapedOnly) {
  EXPECT_TRUE(util::has_wildcards("a*"));
  EXPECT_TRUE(util::has_wildcards("a?"));
  EXPECT_FALSE(util::has_wildcards("a\\*"));
  EXPECT_FALSE(util::has_wildcards("a\\?b"));
  EXPECT_TRUE(util::has_wildcards("a\\\\*"));
  EXPECT_FALSE(util::has_wildcards("RunInstances"));
}

TEST(Strings, IequalsToLowerTrim) {
  EXPECT_TRUE(util::iequals("InstanceType", "instancetype"));
  EXPECT_TRUE(util::iequals("", ""));
  EXPECT_FALSE(util::iequals("instanceType", "instanceTypes"));
  EXPECT_FALSE(util::iequals("a", "b"));
  EXPECT_FALSE(util::iequals("\xc3\xa9", "\xc3\x89")); // ASCII only: é and É differ
  EXPECT_EQ(util::to_lower("P3.2XLarge-Ü"), "p3.2xlarge-Ü");
  EXPECT_EQ(util::trim("  RunInstances \t\r\n"), "RunInstances");
  EXPECT_EQ(util::trim("a b"), "a b");
  EXPECT_EQ(util::trim(" \t "), "");
  EXPECT_EQ(util::trim(""), "");
}

// ---------------------------------------------------------------------------------------------
// net

TEST(ParseIp, AcceptsCanonicalForms) {
  const auto v4 = util::parse_ip("198.51.100.7");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_v4);
  EXPECT_EQ(v4->to_string(), "198.51.100.7");
  const auto v6 = util::parse_ip("2001:DB8:0:0:0:0:0:1");
  ASSERT_TRUE(v6);
  EXPECT_FALSE(v6->is_v4);
  EXPECT_EQ(v6->to_string(), "2001:db8::1");
}

TEST(ParseIp, MappedIpv6BecomesIpv4) {
  const auto mapped = util::parse_ip("::ffff:198.51.100.7");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->is_v4);
  EXPECT_EQ(mapped->to_string(), "198.51.100.7");
  EXPECT_EQ(mapped->bytes, util::parse_ip("198.51.100.7")->bytes);
}

TEST(ParseIp, RejectsLooseForms) {
  for (const std::string& bad : std::vector<std::string>{
           "06.237.252.245", "253.252.51.07", "8.8.8", "8.8.8.8.8", "256.1.1.1", "fe80::1%lo",
           "1.2.3.4 ", " 1.2.3.4", "", "AWS Internal", "ec2.amazonaws.com", "0x7f.0.0.1",
           "2001:db8::1::2", std::string("1.2.3.4\0", 8), std::string("1.2\0.3.4", 8),
           std::string(100, '1')}) {
    SCOPED_TRACE(testing::PrintToString(bad));
    EXPECT_FALSE(util::parse_ip(bad).has_value());
  }
}

TEST(ParseCidr, ContainsIpv4) {
  const auto net = util::parse_cidr("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(*util::parse_ip("10.0.0.0")));
  EXPECT_TRUE(net->contains(*util::parse_ip("10.255.255.255")));
  EXPECT_TRUE(net->contains(*util::parse_ip("::ffff:10.1.2.3")));
  EXPECT_FALSE(net->contains(*util::parse_ip("11.0.0.0")));
  EXPECT_FALSE(net->contains(*util::parse_ip("9.255.255.255")));
  EXPECT_FALSE(net->contains(*util::parse_ip("2001:db8::1")));

  const auto odd = util::parse_cidr("172.16.0.0/12");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(*util::parse_ip("172.31.255.255")));
  EXPECT_FALSE(odd->contains(*util::parse_ip("172.32.0.0")));

  const auto all4 = util::parse_cidr("0.0.0.0/0");
  ASSERT_TRUE(all4);
  EXPECT_TRUE(all4->contains(*util::parse_ip("8.8.8.8")));
  EXPECT_FALSE(all4->contains(*util::parse_ip("2001:db8::1")));
}

TEST(ParseCidr, BareAddressIsHostRoute) {
  const auto host = util::parse_cidr("198.51.100.7");
  ASSERT_TRUE(host);
  EXPECT_TRUE(host->contains(*util::parse_ip("198.51.100.7")));
  EXPECT_FALSE(host->contains(*util::parse_ip("198.51.100.8")));
  const auto host32 = util::parse_cidr("198.51.100.7/32");
  ASSERT_TRUE(host32);
  EXPECT_FALSE(host32->contains(*util::parse_ip("198.51.100.6")));
}

TEST(ParseCidr, ContainsIpv6) {
  const auto net = util::parse_cidr("2001:db8::/32");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(*util::parse_ip("2001:db8:ffff::1")));
  EXPECT_FALSE(net->contains(*util::parse_ip("2001:db9::")));
  EXPECT_FALSE(net->contains(*util::parse_ip("10.0.0.1")));
  const auto all = util::parse_cidr("::/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains(*util::parse_ip("10.0.0.1")));
  EXPECT_TRUE(all->contains(*util::parse_ip("2001:db8::1")));
}

TEST(ParseCidr, RejectsBadNetworks) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0/8",
                          "2001:db8::/129", "2001:db8::/1280", "/8", "", "10.0.0.0/ 8"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(util::parse_cidr(bad).has_value());
  }
}

TEST(PrivateOrReserved, Ranges) {
  for (const char* ip :
       {"10.1.1.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "127.0.0.1",
        "169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
        "fc00::1", "fd12::1", "ff02::1", "::ffff:10.0.0.1"}) {
    SCOPED_TRACE(ip);
    EXPECT_TRUE(util::is_private_or_reserved(*util::parse_ip(ip)));
  }
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "198.51.100.7",
                         "2001:4860:4860::8888", "::ffff:8.8.8.8"}) {
    SCOPED_TRACE(ip);
    EXPECT_FALSE(util::is_private_or_reserved(*util::parse_ip(ip)));
  }
}

// ---------------------------------------------------------------------------------------------
// JSON strings and text

std::string json_string(std::string_view text) {
  std::string out;
  util::append_json_string(out, text);
  return out;
}

// Parses a JSON string literal back with simdjson.
std::string parse_back(const std::string& literal) {
  simdjson::dom::parser parser;
  std::string_view value;
  EXPECT_EQ(parser.parse(literal).get_string().get(value), simdjson::SUCCESS) << literal;
  return std::string(value);
}

TEST(AppendJsonString, Escapes) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(json_string("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(json_string("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(json_string(std::string("\x01\x1b\x1f\x7f", 4)), "\"\\u0001\\u001b\\u001f\\u007f\"");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(json_string(""), "\"\"");
}

TEST(AppendJsonString, Utf8KeptOrReplaced) {
  const std::string valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"; // é € 😀
  EXPECT_EQ(json_string(valid), "\"" + valid + "\"");
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(json_string("a\xff"
                        "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(json_string("\xc0\xaf"), "\"" + fffd + fffd + "\"");            // overlong
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\""); // surrogate
  EXPECT_EQ(json_string("x\xe2\x82"), "\"x" + fffd + fffd + "\"");          // cut sequence
  EXPECT_EQ(json_string("\xf4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
}

TEST(AppendJsonString, AlwaysParsesBack) {
  const std::string hostile =
      "<!channel> `rm -rf` \"q\" \\ \x1b[31m\x00\x01"s + "\xff\xfe\xc3\xa9\xe2\x82";
  ASSERT_EQ(hostile.size(), 39u);
  const std::string back = parse_back(json_string(hostile));
  EXPECT_EQ(back.substr(0, 20), hostile.substr(0, 20));
  EXPECT_EQ(util::sanitize_utf8(hostile), back);
}

TEST(SanitizeUtf8, ReplacesOnlyInvalidBytes) {
  EXPECT_EQ(util::sanitize_utf8("ok \xc3\xa9"), "ok \xc3\xa9");
  EXPECT_EQ(util::sanitize_utf8("a\x80z"), "a\xef\xbf\xbdz");
}

TEST(Printable, EscapesControlCharacters) {
  EXPECT_EQ(util::printable("plain text"), "plain text");
  EXPECT_EQ(util::printable("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(util::printable("a\tb\nc\x7f"), "a\\x09b\\x0ac\\x7f");
  EXPECT_EQ(util::printable("\xc2\x9b"
                            "2J"),
            "\\u009b2J"); // C1 CSI
  EXPECT_EQ(util::printable("\xc2\x85"), "\\u0085");
  EXPECT_EQ(util::printable("caf\xc3\xa9 \xc2\xa0"), "caf\xc3\xa9 \xc2\xa0"); // NBSP is not C1
  EXPECT_EQ(util::printable("\x9b"), "\xef\xbf\xbd"); // a bare C1 byte is invalid UTF-8
}

TEST(TextHelpers, JoinAndUpper) {
  EXPECT_EQ(util::join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(util::join({}, ", "), "");
  EXPECT_EQ(util::to_upper("p3.2xlarge"), "P3.2XLARGE");
}

// ---------------------------------------------------------------------------------------------
// JsonWriter

TEST(JsonWriter, NestedOutputParsesBack) {
  util::JsonWriter w;
  w.begin_object();
  w.key("name").value("a \"quoted\" name\n");
  w.key("count").value(std::int64_t{-42});
  w.key("big").value(std::uint64_t{18446744073709551615u});
  w.key("flag").value(true);
  w.key("off").value(false);
  w.key("none").null();
  w.field_or_null("empty", "");
  w.field_or_null("full", "x");
  w.key("list").begin_array().value("x").value(1).begin_object().end_object().end_array();
  w.key("obj").begin_object().key("inner").begin_array().end_array().end_object();
  w.end_object();

  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(w.str()).get_object().get(o), simdjson::SUCCESS) << w.str();
  EXPECT_EQ(std::string_view(o["name"]), "a \"quoted\" name\n");
  EXPECT_EQ(std::int64_t(o["count"]), -42);
  EXPECT_EQ(std::uint64_t(o["big"]), 18446744073709551615u);
  EXPECT_TRUE(bool(o["flag"]));
  EXPECT_FALSE(bool(o["off"]));
  EXPECT_TRUE(o["none"].is_null());
  EXPECT_TRUE(o["empty"].is_null());
  EXPECT_EQ(std::string_view(o["full"]), "x");
  simdjson::dom::array list = o["list"];
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(std::string_view(list.at(0)), "x");
  EXPECT_EQ(std::int64_t(list.at(1)), 1);
  EXPECT_TRUE(list.at(2).is_object());
  EXPECT_TRUE(o["obj"]["inner"].is_array());
  EXPECT_EQ(w.take(), R"({"name":"a \"quoted\" name\n","count":-42,"big":18446744073709551615,)"
                      R"("flag":true,"off":false,"none":null,"empty":null,"full":"x",)"
                      R"("list":["x",1,{}],"obj":{"inner":[]}})");
}

// ---------------------------------------------------------------------------------------------
// alert_to_json

Alert sample_alert() {
  Alert a;
  a.rule_id = "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01";
  a.rule_title = "GPU or ML accelerator instance launched";
  a.level = Level::high;
  a.count = 3;
  Event& e = a.event;
  e.event_id = "ev-1";
  e.event_time = "2024-12-16T18:41:07Z";
  e.event_name = "RunInstances";
  e.event_source = "ec2.amazonaws.com";
  e.aws_region = "us-east-1";
  e.account = "111122223333";
  e.recipient_account_id = "111122223333";
  e.actor = "alice";
  e.identity.type = "IAMUser";
  e.identity.arn = "arn:aws:iam::111122223333:user/alice";
  e.identity.access_key_id = "AKIAEXAMPLE";
  e.source_ip = "198.51.100.7";
  e.user_agent = "aws-cli/2.15";
  e.error_code = "";
  e.launch.is_launch_api = true;
  e.launch.outcome = Outcome::launch;
  e.launch.instance_types = {"p3.2xlarge", "p3.8xlarge"};
  e.launch.request_types = {"p3.8xlarge"};
  e.launch.response_types = {"p3.2xlarge"};
  e.launch.min_count = 1;
  e.launch.launched_count = 1;
  e.launch.instances = {Instance{"i-0abc", "p3.2xlarge", "10.0.0.5", "us-east-1d"}};
  e.origin = Origin{"AWSLogs/1/CloudTrail/x.json.gz", 17};
  a.geo.kind = SourceKind::public_ip;
  a.geo.country = "NL";
  a.geo.asn = 64500;
  a.geo.asn_org = "Example Hosting";
  return a;
}

TEST(AlertJson, DocumentedKeys) {
  const std::string json = alert_to_json(sample_alert());
  EXPECT_EQ(json.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(json).get_object().get(o), simdjson::SUCCESS) << json;
  auto str = [&](const char* key) {
    std::string_view s;
    EXPECT_EQ(o[key].get_string().get(s), simdjson::SUCCESS) << key;
    return std::string(s);
  };
  EXPECT_EQ(str("rule"), "3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01");
  EXPECT_EQ(str("title"), "GPU or ML accelerator instance launched");
  EXPECT_EQ(str("level"), "high");
  EXPECT_EQ(str("outcome"), "launch");
  EXPECT_EQ(std::uint64_t(o["count"]), 3u);
  EXPECT_EQ(str("eventID"), "ev-1");
  EXPECT_EQ(str("eventTime"), "2024-12-16T18:41:07Z");
  EXPECT_EQ(str("eventName"), "RunInstances");
  EXPECT_EQ(str("eventSource"), "ec2.amazonaws.com");
  EXPECT_EQ(str("awsRegion"), "us-east-1");
  EXPECT_EQ(str("account"), "111122223333");
  EXPECT_EQ(str("actor"), "alice");
  EXPECT_EQ(str("identityType"), "IAMUser");
  EXPECT_EQ(str("accessKeyId"), "AKIAEXAMPLE");
  EXPECT_EQ(str("sourceIPAddress"), "198.51.100.7");
  EXPECT_EQ(str("sourceKind"), source_kind_name(SourceKind::public_ip));
  EXPECT_EQ(str("country"), "NL");
  EXPECT_EQ(std::uint64_t(o["asn"]), 64500u);
  EXPECT_EQ(str("asnOrg"), "Example Hosting");
  simdjson::dom::array types;
  ASSERT_EQ(o["instanceTypes"].get_array().get(types), simdjson::SUCCESS);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(std::string_view(types.at(0)), "p3.2xlarge");
  EXPECT_EQ(std::string_view(types.at(1)), "p3.8xlarge");
  EXPECT_EQ(std::int64_t(o["requestedMin"]), 1);
  EXPECT_TRUE(o["requestedMax"].is_null()); // not known
  EXPECT_EQ(std::int64_t(o["launchedCount"]), 1);
  simdjson::dom::array instances;
  ASSERT_EQ(o["instances"].get_array().get(instances), simdjson::SUCCESS);
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(std::string_view(instances.at(0)["instanceId"]), "i-0abc");
  EXPECT_EQ(std::string_view(instances.at(0)["instanceType"]), "p3.2xlarge");
  EXPECT_TRUE(o["errorCode"].is_null()); // success: no errorCode
  EXPECT_EQ(std::string_view(o["source"]["file"]), "AWSLogs/1/CloudTrail/x.json.gz");
  EXPECT_EQ(std::uint64_t(o["source"]["record"]), 17u);
}

TEST(AlertJson, EmptyAlertIsStillValidWithNulls) {
  const std::string json = alert_to_json(Alert{});
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(json).get_object().get(o), simdjson::SUCCESS) << json;
  for (const char* key : {"eventID", "eventTime", "eventName", "actor", "accessKeyId",
                          "sourceIPAddress", "country", "asn", "asnOrg", "errorCode"}) {
    SCOPED_TRACE(key);
    EXPECT_TRUE(o[key].is_null());
  }
  // Not a launch: no launch keys at all (issue 9: alerts are not launch-shaped).
  for (const char* key : {"outcome", "launchedCount", "instanceTypes", "requestedMin", "instances",
                          "launchTemplate", "fields", "record"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(o[key].error(), simdjson::NO_SUCH_FIELD);
  }
}

TEST(AlertJson, HostileStringsStayValidJson) {
  Alert a = sample_alert();
  a.event.user_agent = "\"}\n{\"injected\":true \x1b[2J \xff"s;
  a.event.error_code = "Client.UnauthorizedOperation";
  a.event.error_message = std::string(1 << 16, '\\');
  const std::string json = alert_to_json(a);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(json).get_object().get(o), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(o["errorCode"]), "Client.UnauthorizedOperation");
  EXPECT_EQ(std::string_view(o["errorMessage"]).size(), std::size_t{1} << 16);
  EXPECT_EQ(o["injected"].error(), simdjson::NO_SUCH_FIELD);
}

// Issue 13: text output neutralises bidi and invisible characters as the Slack output does.
TEST(Printable, BidiAndInvisibleCharactersAreEscaped) {
  EXPECT_EQ(util::printable("evil\u202Etxt.exe"), "evil\\u202etxt.exe");
  EXPECT_EQ(util::printable("a\u2066b\u2069c"), "a\\u2066b\\u2069c");
  EXPECT_EQ(util::printable("zero\u200Bwidth\uFEFF"), "zero\\u200bwidth\\ufeff");
  EXPECT_EQ(util::printable("mark\u061C"), "mark\\u061c");
  EXPECT_EQ(util::printable("csi\u009B2J"), "csi\\u009b2J");
  EXPECT_EQ(util::printable("tab\tbell\x07"), "tab\\x09bell\\x07");
  // Ordinary non-ASCII text is left alone.
  EXPECT_EQ(util::printable("Zürich — 東京 \u2013 ok"), "Zürich — 東京 \u2013 ok");
}

// Issue 13: with a webhook configured the process is not dumpable (checked in a child, so the
// test process keeps its own setting).
TEST(CoreDumps, ForbiddenAfterTheCall) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool before = ::prctl(PR_GET_DUMPABLE) == 1;
    const bool ok = util::forbid_core_dumps();
    ::_exit(before && ok && ::prctl(PR_GET_DUMPABLE) == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

} // namespace
} // namespace trailwatch
