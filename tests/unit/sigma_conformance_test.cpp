// SPDX-License-Identifier: MIT
// Sigma conformance: every modifier, value type, wildcard/escape rule and condition form of the
// Sigma specification (rules v2, modifiers appendix v2.1, filters v2.1), checked end to end.
// Each case loads a small rule from YAML text through the real loader (lint_rules), builds an
// Event from a CloudTrail-shaped JSON record (build_event) and checks the rule's verdict.
//
// The cases follow the edge cases of pySigma's own test suite (tests/test_modifiers.py,
// test_types.py, test_conditions.py, test_filters.py) where they apply to an engine that
// evaluates records rather than converting queries. Tests named  document a behaviour
// the specification or pySigma expects and the engine does not have yet (see each comment).
#include "facts/event_builder.hpp"
#include "rules/match.hpp"
#include "rules/rule.hpp"
#include "rules/value_transforms.hpp"

#include "temp_dir.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

namespace trailwatch {
namespace {

using testing_support::TempDir;

constexpr const char* k_rule_id = "5e1c0a00-0000-4000-8000-000000000001";

// One file of a rule folder: its name and YAML text.
using File = std::pair<std::string, std::string>;

struct Linted {
  RuleSet set;
  std::vector<std::string> errors;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

// Writes `files` to a fresh folder and lints it (the loader's path, errors collected).
Linted lint(const std::vector<File>& files) {
  TempDir dir;
  for (const auto& [name, text] : files) {
    dir.write(name, text);
  }
  Linted out;
  out.errors = lint_rules({dir.path()}, &out.set);
  return out;
}

// A rule document with `detection` (YAML lines indented by 2) and optional extra top-level lines.
std::string rule_doc(const std::string& detection, const std::string& id = k_rule_id,
                     const std::string& extra = "") {
  return "title: Conformance rule " + id + "\nid: " + id + "\n" + extra +
         "logsource: {product: aws, service: cloudtrail}\nlevel: low\ndetection:\n" + detection;
}

// Loads `files`; a lint error fails the test and gives an empty set.
RuleSet load(const std::vector<File>& files) {
  Linted linted = lint(files);
  EXPECT_TRUE(linted.errors.empty()) << joined(linted.errors);
  return std::move(linted.set);
}

// A rule whose detection is `detection`.
RuleSet with_detection(const std::string& detection) {
  return load({{"rule.yml", rule_doc(detection)}});
}

// A rule whose only selection is `field_line` ("field|mods: value").
RuleSet selection(const std::string& field_line) {
  return with_detection("  selection:\n    " + field_line + "\n  condition: selection\n");
}

// A rule on the record's `requestParameters.v`: `modifiers_and_value` is "|mods: value".
RuleSet on_v(const std::string& modifiers_and_value) {
  return selection("requestParameters.v" + modifiers_and_value);
}

// True when `field_line` is rejected by the loader (a rule error, not a crash).
bool rejected(const std::string& field_line) {
  return !lint({{"rule.yml",
                 rule_doc("  selection:\n    " + field_line + "\n  condition: selection\n")}})
              .errors.empty();
}

// A record whose requestParameters.v is the JSON text `value`.
std::string v(const std::string& value) {
  return R"({"eventName":"Test","eventSource":"test.amazonaws.com","requestParameters":{"v":)" +
         value + "}}";
}

// A JSON string literal of `text` (quotes and backslashes escaped; enough for these tests).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A record whose requestParameters.v is the string `text`.
std::string vs(const std::string& text) {
  return v(quoted(text));
}

const std::string k_absent = R"({"eventName":"Test","eventSource":"test.amazonaws.com"})";

// The verdict of rule `index` of `set` on the JSON `record`.
bool fires(const RuleSet& set, const std::string& record, std::size_t index = 0) {
  if (set.rules.size() <= index) {
    ADD_FAILURE() << "no rule " << index << " loaded";
    return false;
  }
  std::string bad_field;
  const Event event = build_event(Record(record), Origin{"conformance", 0}, bad_field);
  return rule_matches(set.rules[index], event, GeoInfo{});
}

// ---------------------------------------------------------------------------------------------
// Plain values, contains, startswith, endswith, all

TEST(SigmaModifiers, PlainValueIsWholeAndCaseInsensitive) {
  const RuleSet set = on_v(": Foobar");
  EXPECT_TRUE(fires(set, vs("foobar")));
  EXPECT_TRUE(fires(set, vs("FOOBAR")));
  EXPECT_FALSE(fires(set, vs("foobarx")));
  EXPECT_FALSE(fires(set, vs("xfoobar")));
  EXPECT_FALSE(fires(set, k_absent));
}

TEST(SigmaModifiers, ContainsAnywhereAndKeepsWildcardsInside) {
  EXPECT_TRUE(fires(on_v("|contains: oba"), vs("FOOBAR")));
  EXPECT_TRUE(fires(on_v("|contains: foobar"), vs("foobar")));
  EXPECT_FALSE(fires(on_v("|contains: obx"), vs("foobar")));
  // Wildcards already at the ends change nothing (pySigma: `*foobar`, `foobar*` → `*foobar*`).
  EXPECT_TRUE(fires(on_v("|contains: '*oba*'"), vs("xfoobarx")));
  EXPECT_TRUE(fires(on_v("|contains: 'f?o*r'"), vs("--fooxxbar--")));
  EXPECT_FALSE(fires(on_v("|contains: 'f?o*r'"), vs("--fo--")));
}

TEST(SigmaModifiers, StartswithAndEndswith) {
  EXPECT_TRUE(fires(on_v("|startswith: arn:aws:iam"), vs("ARN:AWS:IAM::1:user/a")));
  EXPECT_FALSE(fires(on_v("|startswith: iam"), vs("arn:aws:iam::1:user/a")));
  EXPECT_TRUE(fires(on_v("|endswith: /admin"), vs("arn:aws:iam::1:user/Admin")));
  EXPECT_FALSE(fires(on_v("|endswith: /admin"), vs("arn:aws:iam::1:user/admin2")));
  EXPECT_TRUE(fires(on_v("|startswith: 'arn*iam'"), vs("arn:aws:iam::1")));
}

TEST(SigmaModifiers, ListIsAnyValueAllIsEveryValue) {
  EXPECT_TRUE(fires(on_v("|contains: [zzz, bar]"), vs("foobar")));
  EXPECT_FALSE(fires(on_v("|contains: [zzz, yyy]"), vs("foobar")));
  const RuleSet all = on_v("|contains|all: [' -enc ', 'hidden']");
  EXPECT_TRUE(fires(all, vs("powershell -w hidden -enc AAA")));
  EXPECT_FALSE(fires(all, vs("powershell -enc AAA")));
  EXPECT_FALSE(fires(all, vs("powershell -w hidden")));
  // `all` over an array field: each value of the rule is met by some element.
  const RuleSet groups = on_v("|all: [sg-1, sg-2]");
  EXPECT_TRUE(fires(groups, v(R"(["sg-2","sg-9","sg-1"])")));
  EXPECT_FALSE(fires(groups, v(R"(["sg-2","sg-9"])")));
}

// ---------------------------------------------------------------------------------------------
// exists, cased, neq

TEST(SigmaModifiers, ExistsTrueAndFalse) {
  EXPECT_TRUE(fires(on_v("|exists: true"), vs("x")));
  EXPECT_TRUE(fires(on_v("|exists: true"), vs(""))); // present, though empty
  EXPECT_FALSE(fires(on_v("|exists: true"), k_absent));
  EXPECT_TRUE(fires(on_v("|exists: false"), k_absent));
  EXPECT_FALSE(fires(on_v("|exists: false"), vs("x")));
  EXPECT_TRUE(fires(on_v("|exists: true"), v(R"({"k":1})")));
  EXPECT_TRUE(rejected("requestParameters.v|exists: maybe"));
}

// The modifiers appendix (v2.1): "this check only verifies the presence of a field, not its
// value, be it empty or null". The engine reads JSON null as absent, so `exists: true` fails.
TEST(SigmaModifiers, ExistsHoldsForAFieldSetToNull) {
  EXPECT_TRUE(fires(on_v("|exists: true"), v("null")));
  EXPECT_FALSE(fires(on_v("|exists: false"), v("null")));
}

TEST(SigmaModifiers, CasedComparesCaseWithEveryPlacement) {
  EXPECT_TRUE(fires(on_v("|cased: FooBar"), vs("FooBar")));
  EXPECT_FALSE(fires(on_v("|cased: FooBar"), vs("foobar")));
  EXPECT_TRUE(fires(on_v("|contains|cased: Bar"), vs("xFooBarx")));
  EXPECT_FALSE(fires(on_v("|contains|cased: Bar"), vs("xFoobarx")));
  EXPECT_FALSE(fires(on_v("|startswith|cased: Foo"), vs("fooBar")));
}

TEST(SigmaModifiers, NeqIncludesAbsentAndArrays) {
  const RuleSet set = on_v("|neq: console");
  EXPECT_TRUE(fires(set, vs("cli")));
  EXPECT_FALSE(fires(set, vs("CONSOLE"))); // equality ignores case
  EXPECT_TRUE(fires(set, k_absent));
  EXPECT_TRUE(fires(set, v("null")));
  EXPECT_FALSE(fires(set, v(R"(["cli","console"])"))); // some element equals
  const RuleSet list = on_v("|neq: [a, b]");
  EXPECT_TRUE(fires(list, vs("c")));
  EXPECT_FALSE(fires(list, vs("b")));
  EXPECT_TRUE(fires(on_v("|neq: 5"), v("6")));
  EXPECT_FALSE(fires(on_v("|neq: 5"), v("5.0"))); // numbers compare by meaning
}

// ---------------------------------------------------------------------------------------------
// re (RE2: linear time) with i, m, s

TEST(SigmaModifiers, RegexIsUnanchoredAndCaseSensitive) {
  EXPECT_TRUE(fires(on_v("|re: 'ami-[0-9a-f]{4}'"), vs("image ami-12ab in use")));
  EXPECT_FALSE(fires(on_v("|re: 'ami-[0-9a-f]{4}'"), vs("image AMI-12AB in use")));
  EXPECT_TRUE(fires(on_v("|re|i: 'ami-[0-9a-f]{4}'"), vs("image AMI-12AB in use")));
  EXPECT_FALSE(fires(on_v("|re: '^ami'"), vs("x ami-1")));
  // No wildcard or escape processing inside a regex (pySigma: do not escape regexes).
  EXPECT_TRUE(fires(on_v(R"(|re: 'C:\\Windows\\.*\.exe')"), vs(R"(C:\Windows\x.exe)")));
  EXPECT_TRUE(fires(on_v("|re: 'a?b'"), vs("b")));
  // A list of expressions is any of them; with all, every one.
  EXPECT_TRUE(fires(on_v("|re: ['^x', 'y$']"), vs("ay")));
  EXPECT_TRUE(fires(on_v("|re|all: ['^a', 'y$']"), vs("ay")));
  EXPECT_FALSE(fires(on_v("|re|all: ['^b', 'y$']"), vs("ay")));
  EXPECT_FALSE(fires(on_v("|re: 'x'"), k_absent));
}

TEST(SigmaModifiers, RegexFlagsMultilineAndDotAll) {
  const std::string two_lines = vs("first line\nsecond line");
  EXPECT_FALSE(fires(on_v("|re: '^second'"), two_lines));
  EXPECT_TRUE(fires(on_v("|re|m: '^second'"), two_lines));
  EXPECT_FALSE(fires(on_v("|re: 'first line$'"), two_lines));
  EXPECT_TRUE(fires(on_v("|re|m: 'first line$'"), two_lines));
  EXPECT_FALSE(fires(on_v("|re: 'line.second'"), two_lines));
  EXPECT_TRUE(fires(on_v("|re|s: 'line.second'"), two_lines));
  EXPECT_TRUE(fires(on_v("|re|i|m|s: 'LINE.SECOND LINE$'"), two_lines));
  EXPECT_TRUE(rejected("requestParameters.v|m: 'x'"));
  EXPECT_TRUE(rejected("requestParameters.v|re: '(open'"));
  // Lookarounds are outside the specification's regex flavour and outside RE2: a rule error.
  EXPECT_TRUE(rejected("requestParameters.v|re: 'a(?=b)'"));
}

TEST(SigmaModifiers, RegexOnOneMegabyteValues) {
  const std::string mb(1 << 20, 'a');
  // A pathological pattern for backtracking engines finishes (RE2 is linear) with the right
  // verdict both ways.
  const RuleSet nested = on_v("|re: '(a+)+$'");
  EXPECT_TRUE(fires(nested, vs(mb)));
  const RuleSet nested_anchored = on_v("|re: '^(a+)+$'");
  EXPECT_FALSE(fires(nested_anchored, vs(mb + "!")));
  EXPECT_FALSE(fires(on_v("|re: '(a|aa)+b'"), vs(mb)));
  // A match at the very end and a miss over the whole value.
  EXPECT_TRUE(fires(on_v("|re: 'xmrig[0-9]+$'"), vs(mb + "xmrig42")));
  EXPECT_FALSE(fires(on_v("|re: 'xmrig[0-9]+$'"), vs(mb + "xmrig")));
  // Wildcard matching on the same value.
  EXPECT_TRUE(fires(on_v("|contains: 'xmrig4'"), vs(mb + "xmrig42")));
  EXPECT_TRUE(fires(on_v("|endswith: 'a*a*a*b'"), vs(mb + "b")));
  EXPECT_FALSE(fires(on_v("|endswith: 'a*a*a*b'"), vs(mb + "c")));
}

// ---------------------------------------------------------------------------------------------
// cidr

TEST(SigmaModifiers, CidrIpv4) {
  const RuleSet set = on_v("|cidr: 10.0.0.0/8");
  EXPECT_TRUE(fires(set, vs("10.1.2.3")));
  EXPECT_TRUE(fires(set, vs("10.255.255.255")));
  EXPECT_FALSE(fires(set, vs("11.0.0.1")));
  EXPECT_FALSE(fires(set, vs("9.255.255.255")));
  const RuleSet host = on_v("|cidr: 192.168.1.7/32");
  EXPECT_TRUE(fires(host, vs("192.168.1.7")));
  EXPECT_FALSE(fires(host, vs("192.168.1.8")));
  EXPECT_TRUE(fires(on_v("|cidr: 0.0.0.0/0"), vs("203.0.113.9")));
  const RuleSet list = on_v("|cidr: [172.16.0.0/12, 192.168.0.0/16]");
  EXPECT_TRUE(fires(list, vs("172.31.0.1")));
  EXPECT_FALSE(fires(list, vs("172.32.0.1")));
}

TEST(SigmaModifiers, CidrIpv6AndFamiliesDoNotMix) {
  const RuleSet set = on_v("|cidr: '2001:db8::/32'");
  EXPECT_TRUE(fires(set, vs("2001:db8::1")));
  EXPECT_TRUE(fires(set, vs("2001:0DB8:ffff::1")));
  EXPECT_FALSE(fires(set, vs("2001:db9::1")));
  EXPECT_FALSE(fires(set, vs("10.0.0.1")));
  EXPECT_FALSE(fires(on_v("|cidr: 10.0.0.0/8"), vs("2001:db8::1")));
}

TEST(SigmaModifiers, CidrInvalidAddressesNeverMatchInvalidNetworksAreErrors) {
  const RuleSet set = on_v("|cidr: 10.0.0.0/8");
  for (const char* bad : {"not-an-ip", "10.0.0.256", "10.0.0", "", "10.0.0.1/8", " 10.0.0.1",
                          "AWS Internal", "ec2.amazonaws.com"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(fires(set, vs(bad)));
  }
  EXPECT_FALSE(fires(set, k_absent));
  EXPECT_TRUE(rejected("requestParameters.v|cidr: 10.0.0.0/33"));
  EXPECT_TRUE(rejected("requestParameters.v|cidr: banana/8"));
  EXPECT_TRUE(rejected("requestParameters.v|cidr: '2001:db8::/129'"));
  EXPECT_TRUE(rejected("requestParameters.v|cidr: 10.0.0.300/8"));
}

// ---------------------------------------------------------------------------------------------
// base64, base64offset, utf16le/utf16be/utf16/wide

TEST(SigmaModifiers, Base64IsTheWholeEncodedValue) {
  EXPECT_TRUE(fires(on_v("|base64: foobar"), vs("Zm9vYmFy")));
  EXPECT_FALSE(fires(on_v("|base64: foobar"), vs("foobar")));
  EXPECT_FALSE(fires(on_v("|base64: foobar"), vs("xZm9vYmFy")));
  EXPECT_TRUE(fires(on_v("|base64|contains: foobar"), vs("--Zm9vYmFy--")));
}

TEST(SigmaModifiers, Base64offsetHasThreeShifts) {
  // pySigma's three variants of "foobar": Zm9vYmFy, Zvb2Jhc, mb29iYX.
  const RuleSet set = on_v("|base64offset|contains: foobar");
  EXPECT_TRUE(fires(set, vs("Zm9vYmFy")));
  EXPECT_TRUE(fires(set, vs("Zvb2Jhc")));
  EXPECT_TRUE(fires(set, vs("mb29iYX")));
  // The value behind a prefix of 0, 1 and 2 bytes, then a suffix.
  EXPECT_TRUE(fires(set, vs(base64_encode("foobar!"))));
  EXPECT_TRUE(fires(set, vs(base64_encode("afoobar!"))));
  EXPECT_TRUE(fires(set, vs(base64_encode("abfoobar!"))));
  EXPECT_FALSE(fires(set, vs(base64_encode("abfooxbar!"))));
  EXPECT_FALSE(fires(set, vs("foobar")));
}

TEST(SigmaModifiers, Utf16EncodingsThenBase64) {
  // The appendix's examples: cmd as 63 00 6d 00 64 00 (LE), 00 63 00 6d 00 64 (BE), and with a
  // byte order mark FF FE first.
  const std::string le = vs("YwBtAGQA");
  const std::string be = vs("AGMAbQBk");
  const std::string bom = vs("//5jAG0AZAA=");
  EXPECT_TRUE(fires(on_v("|utf16le|base64: cmd"), le));
  EXPECT_TRUE(fires(on_v("|wide|base64: cmd"), le));
  EXPECT_FALSE(fires(on_v("|utf16be|base64: cmd"), le));
  EXPECT_TRUE(fires(on_v("|utf16be|base64: cmd"), be));
  EXPECT_FALSE(fires(on_v("|utf16le|base64: cmd"), be));
  EXPECT_TRUE(fires(on_v("|utf16|base64: cmd"), bom));
  EXPECT_FALSE(fires(on_v("|utf16|base64: cmd"), le));
  // Inside a longer encoded command (PowerShell -EncodedCommand is UTF-16LE base64).
  std::string wide_text;
  for (const char c : std::string("IEX (New-Object Net.WebClient).DownloadString")) {
    wide_text += c;
    wide_text += '\0';
  }
  EXPECT_TRUE(
      fires(on_v("|wide|base64offset|contains: 'Net.WebClient'"), vs(base64_encode(wide_text))));
  EXPECT_FALSE(
      fires(on_v("|wide|base64offset|contains: 'Net.WebClient'"), vs(base64_encode("IEX x"))));
}

// ---------------------------------------------------------------------------------------------
// windash: - / – — ― interchangeable at the start of a command-line flag

TEST(SigmaModifiers, WindashEveryDashForOneFlag) {
  const RuleSet set = on_v("|windash|contains: ' -enc '");
  EXPECT_TRUE(fires(set, vs("powershell -enc AAA")));
  EXPECT_TRUE(fires(set, vs("powershell /enc AAA")));
  EXPECT_TRUE(fires(set, vs("powershell \u2013enc AAA"))); // en dash
  EXPECT_TRUE(fires(set, vs("powershell \u2014enc AAA"))); // em dash
  EXPECT_TRUE(fires(set, vs("powershell \u2015enc AAA"))); // horizontal bar
  EXPECT_FALSE(fires(set, vs("powershell enc AAA")));
  EXPECT_FALSE(fires(set, vs("powershell _enc AAA")));
}

// The specification: "all possible permutations"; pySigma expands each flag's dash on its own
// (`-param-1 -param2` gives 25 variants, `/param-1 –param2` among them). The engine replaces
// every dash with the same one, so mixed dashes do not match.
TEST(SigmaModifiers, DISABLED_WindashPermutesEachFlagIndependently) {
  const RuleSet set = on_v("|windash|contains: ' -param1 -param2'");
  EXPECT_TRUE(fires(set, vs("tool /param1 \u2013param2")));
  EXPECT_TRUE(fires(set, vs("tool -param1 /param2")));
}

// pySigma replaces only a dash that starts a flag (`\B[-/]\b`): in `-param-1` the second dash
// stays. The engine replaces it too, so `/param-1` does not match `-param-1`.
TEST(SigmaModifiers, DISABLED_WindashKeepsDashesInsideAWord) {
  const RuleSet set = on_v("|windash|contains: ' -out-file '");
  EXPECT_TRUE(fires(set, vs("tool /out-file x")));
}

// pySigma expands `/` as well as `-` (`[-/]`); the specification makes the characters
// interchangeable. The engine only expands `-`, so a rule written with `/` misses `-`.
TEST(SigmaModifiers, DISABLED_WindashExpandsASlashToo) {
  const RuleSet set = on_v("|windash|contains: ' /enc '");
  EXPECT_TRUE(fires(set, vs("powershell -enc AAA")));
}

// pySigma rejects these modifier uses when it reads the rule (tests/test_modifiers.py); the
// engine loads them with another meaning: base64 of a wildcard encodes the `*` as a plain
// character, exists and cidr ignore the modifiers beside them, fieldref takes `request*` as a
// field name, and cidr masks a network written with host bits.
TEST(SigmaModifiers, DISABLED_ModifierUsesPySigmaRejectsAreRuleErrors) {
  EXPECT_TRUE(rejected("requestParameters.v|base64: 'foo*bar'"));
  EXPECT_TRUE(rejected("requestParameters.v|base64offset|contains: 'foo?bar'"));
  EXPECT_TRUE(rejected("requestParameters.v|exists|contains: true"));
  EXPECT_TRUE(rejected("requestParameters.v|cidr|contains: 10.0.0.0/8"));
  EXPECT_TRUE(rejected("requestParameters.v|fieldref: 'request*'"));
  EXPECT_TRUE(rejected("requestParameters.v|cidr: 192.168.1.1/24"));
}

// ---------------------------------------------------------------------------------------------
// gt, gte, lt, lte

TEST(SigmaModifiers, NumericComparisonsOnNumbersAndNumericStrings) {
  EXPECT_TRUE(fires(on_v("|gt: 5"), v("6")));
  EXPECT_TRUE(fires(on_v("|gt: 5"), vs("6")));
  EXPECT_FALSE(fires(on_v("|gt: 5"), v("5")));
  EXPECT_TRUE(fires(on_v("|gte: 5"), v("5")));
  EXPECT_TRUE(fires(on_v("|gte: 5"), v("5.0")));
  EXPECT_FALSE(fires(on_v("|gte: 5"), v("4.99")));
  EXPECT_TRUE(fires(on_v("|lt: 0"), vs("-3")));
  EXPECT_FALSE(fires(on_v("|lt: 0"), v("0")));
  EXPECT_TRUE(fires(on_v("|lte: 2.5"), v("2.5")));
  EXPECT_FALSE(fires(on_v("|lte: 2.5"), v("2.51")));
  EXPECT_TRUE(fires(on_v("|gt: 999"), v("1e3")));
  EXPECT_TRUE(fires(on_v("|gt: 10"), v("[1, 20]"))); // any element
  // gt with a list: any bound holds.
  EXPECT_TRUE(fires(on_v("|gt: [100, 1]"), v("2")));
}

TEST(SigmaModifiers, NumericComparisonsNeverMatchNonNumbers) {
  for (const char* value : {R"("ten")", R"("")", R"("5 ")", R"(" 5")", R"("5a")", "true",
                            R"({"n":6})", R"("0x10")", "null"}) {
    SCOPED_TRACE(value);
    EXPECT_FALSE(fires(on_v("|gt: 1"), v(value)));
    EXPECT_FALSE(fires(on_v("|lt: 100"), v(value)));
  }
  EXPECT_FALSE(fires(on_v("|gt: 1"), k_absent));
  EXPECT_TRUE(rejected("requestParameters.v|gt: ten"));
  EXPECT_TRUE(rejected("requestParameters.v|lte: ''"));
}

// Text that std::from_chars reads as a number but JSON does not: "inf", "nan", "infinity".
// The engine parses the record's value with from_chars, so a string "inf" is greater than 1.
TEST(SigmaModifiers, NumericComparisonsRejectInfAndNanText) {
  for (const char* value : {R"("inf")", R"("infinity")", R"("-inf")", R"("nan")"}) {
    SCOPED_TRACE(value);
    EXPECT_FALSE(fires(on_v("|gt: 1"), v(value)));
    EXPECT_FALSE(fires(on_v("|lt: 1"), v(value)));
  }
}

// ---------------------------------------------------------------------------------------------
// fieldref

std::string identity_record(const std::string& user, const std::string& target) {
  return R"({"eventName":"CreateAccessKey","userIdentity":{"type":"IAMUser","userName":)" +
         quoted(user) + R"(,"arn":)" + quoted("arn:aws:iam::111122223333:user/" + user) +
         R"(},"requestParameters":{"userName":)" + quoted(target) + R"(,"note":"for alice only"}})";
}

TEST(SigmaModifiers, FieldrefAloneAndWithStartsEndsContains) {
  const RuleSet equal = selection("userIdentity.userName|fieldref: requestParameters.userName");
  EXPECT_TRUE(fires(equal, identity_record("alice", "alice")));
  EXPECT_TRUE(fires(equal, identity_record("Alice", "alice")));
  EXPECT_FALSE(fires(equal, identity_record("mallory", "alice")));
  const RuleSet ends = selection("userIdentity.arn|fieldref|endswith: requestParameters.userName");
  EXPECT_TRUE(fires(ends, identity_record("alice", "alice")));
  EXPECT_FALSE(fires(ends, identity_record("alice", "ali")));
  const RuleSet starts =
      selection("requestParameters.userName|fieldref|startswith: userIdentity.userName");
  EXPECT_TRUE(fires(starts, identity_record("bob", "bob-admin")));
  EXPECT_FALSE(fires(starts, identity_record("bob", "admin-bob")));
  const RuleSet contains =
      selection("requestParameters.note|fieldref|contains: requestParameters.userName");
  EXPECT_TRUE(fires(contains, identity_record("x", "alice")));
  EXPECT_FALSE(fires(contains, identity_record("x", "carol")));
  // A missing referenced field never matches; a `*` in the other field's value is literal.
  EXPECT_FALSE(fires(selection("userIdentity.userName|fieldref: requestParameters.none"),
                     identity_record("alice", "alice")));
  EXPECT_FALSE(fires(equal, identity_record("alice", "*")));
  // Not equal, as pySigma writes it: `not` of a fieldref selection.
  const RuleSet differ =
      with_detection("  same:\n    userIdentity.userName|fieldref: requestParameters.userName\n"
                     "  condition: not same\n");
  EXPECT_TRUE(fires(differ, identity_record("mallory", "alice")));
  EXPECT_FALSE(fires(differ, identity_record("alice", "alice")));
}

// ---------------------------------------------------------------------------------------------
// expand: placeholders filled from watch lists

std::string watchlist(const std::string& name, const std::vector<std::string>& values) {
  std::string text = "name: " + name + "\nvalues:\n";
  for (const auto& value : values) {
    text += "  - '" + value + "'\n";
  }
  return text;
}

TEST(SigmaModifiers, ExpandFillsPlaceholderFromWatchList) {
  const std::string detection =
      "  selection:\n    requestParameters.v|expand: '%admins%'\n  condition: selection\n";
  const RuleSet set = load({{"rule.yml", rule_doc(detection)},
                            {"lists/admins.yml", watchlist("admins", {"alice", "ops-*", "bob"})}});
  EXPECT_TRUE(fires(set, vs("alice")));
  EXPECT_TRUE(fires(set, vs("BOB")));
  EXPECT_TRUE(fires(set, vs("ops-night"))); // watch-list values are patterns
  EXPECT_FALSE(fires(set, vs("carol")));
  // expand with contains and an empty watch list.
  const std::string contains =
      "  selection:\n    requestParameters.v|expand|contains: '%tools%'\n  condition: selection\n";
  const RuleSet tools =
      load({{"rule.yml", rule_doc(contains)}, {"lists/tools.yml", watchlist("tools", {"xmrig"})}});
  EXPECT_TRUE(fires(tools, vs("curl x | ./xmrig -o pool")));
  const RuleSet empty =
      load({{"rule.yml", rule_doc(contains)}, {"lists/tools.yml", "name: tools\nvalues: []\n"}});
  EXPECT_FALSE(fires(empty, vs("xmrig")));
  // An unknown placeholder is a rule error.
  EXPECT_TRUE(rejected("requestParameters.v|expand: '%nowhere%'"));
}

// The specification (Placeholders): "`field: %name%` handles `%name%` as literal value" — only
// `expand` makes it a placeholder. The engine rejects the rule instead.
TEST(SigmaModifiers, DISABLED_PlaceholderWithoutExpandIsLiteral) {
  EXPECT_TRUE(fires(on_v(": '%name%'"), vs("%NAME%")));
}

// pySigma expands a placeholder inside a value (`test%var%test` → test, var, test; the
// specification's `\%plain%name%`). The engine only accepts a value that is one whole
// placeholder and rejects these rules.
TEST(SigmaModifiers, DISABLED_ExpandPlaceholderInsideAValue) {
  const std::string detection = "  selection:\n    requestParameters.v|expand: "
                                "'arn:aws:iam::%accounts%:root'\n  condition: selection\n";
  const RuleSet set = load(
      {{"rule.yml", rule_doc(detection)}, {"lists/a.yml", watchlist("accounts", {"111", "222"})}});
  EXPECT_TRUE(fires(set, vs("arn:aws:iam::222:root")));
  EXPECT_FALSE(fires(set, vs("arn:aws:iam::333:root")));
  const std::string escaped = "  selection:\n    requestParameters.v|expand: "
                              "'\\%plain%accounts%'\n  condition: selection\n";
  const RuleSet plain = load(
      {{"rule.yml", rule_doc(escaped)}, {"lists/a.yml", watchlist("accounts", {"111", "222"})}});
  EXPECT_TRUE(fires(plain, vs("%plain111")));
}

// ---------------------------------------------------------------------------------------------
// Time modifiers on eventTime (UTC; ISO 8601 weeks)

std::string at(const std::string& time) {
  return R"({"eventName":"Test","eventTime":)" + quoted(time) + "}";
}

TEST(SigmaModifiers, TimePartsOfEventTime) {
  // 2026-11-29T03:04:05Z: a Sunday in ISO week 48.
  const std::string t = at("2026-11-29T03:04:05Z");
  EXPECT_TRUE(fires(selection("eventTime|minute: 4"), t));
  EXPECT_FALSE(fires(selection("eventTime|minute: 5"), t));
  EXPECT_TRUE(fires(selection("eventTime|hour: 3"), t));
  EXPECT_TRUE(fires(selection("eventTime|day: 29"), t));
  EXPECT_TRUE(fires(selection("eventTime|week: 48"), t));
  EXPECT_FALSE(fires(selection("eventTime|week: 49"), t));
  EXPECT_TRUE(fires(selection("eventTime|month: 11"), t));
  EXPECT_TRUE(fires(selection("eventTime|year: 2026"), t));
  EXPECT_TRUE(fires(selection("eventTime|hour|lt: 6"), t));
  EXPECT_TRUE(fires(selection("eventTime|day|gte: 28"), t));
  // Fractional seconds as CloudTrail Lake writes them.
  EXPECT_TRUE(fires(selection("eventTime|minute: 59"), at("2026-01-01T23:59:59.999Z")));
  // Not a time: no part, no match.
  EXPECT_FALSE(fires(selection("eventTime|hour: 3"), at("yesterday")));
  EXPECT_FALSE(fires(selection("eventTime|hour: 3"), k_absent));
  EXPECT_TRUE(rejected("eventTime|month: march"));
}

TEST(SigmaModifiers, IsoWeekAtYearEdges) {
  // 2026 has 53 ISO weeks: 2026-12-31 and 2027-01-01..03 are in week 53 (of 2026), and
  // 2027-01-04 starts week 1. 2024-12-30 (a Monday) is in week 1 of 2025.
  EXPECT_TRUE(fires(selection("eventTime|week: 53"), at("2026-12-31T12:00:00Z")));
  EXPECT_TRUE(fires(selection("eventTime|week: 53"), at("2027-01-01T00:00:00Z")));
  EXPECT_TRUE(fires(selection("eventTime|week: 53"), at("2027-01-03T23:59:59Z")));
  EXPECT_TRUE(fires(selection("eventTime|week: 1"), at("2027-01-04T00:00:00Z")));
  EXPECT_TRUE(fires(selection("eventTime|week: 1"), at("2024-12-30T08:00:00Z")));
  EXPECT_FALSE(fires(selection("eventTime|week: 53"), at("2024-12-30T08:00:00Z")));
  // year is the calendar year, not the ISO week's year.
  EXPECT_TRUE(fires(selection("eventTime|year: 2024"), at("2024-12-30T08:00:00Z")));
  EXPECT_TRUE(fires(selection("eventTime|year: 2027"), at("2027-01-01T00:00:00Z")));
}

// ---------------------------------------------------------------------------------------------
// Values typed as JSON

TEST(SigmaValues, BooleansByText) {
  EXPECT_TRUE(fires(on_v(": 'true'"), v("true")));
  EXPECT_TRUE(fires(on_v(": true"), v("true")));
  EXPECT_TRUE(fires(on_v(": true"), vs("True")));
  EXPECT_FALSE(fires(on_v(": 'true'"), v("false")));
  EXPECT_TRUE(fires(on_v(": false"), v("false")));
  EXPECT_FALSE(fires(on_v(": false"), k_absent));
}

TEST(SigmaValues, NumbersByMeaningAndText) {
  const RuleSet one = on_v(": 1");
  EXPECT_TRUE(fires(one, v("1")));
  EXPECT_TRUE(fires(one, vs("1")));
  EXPECT_TRUE(fires(one, v("1.0")));
  EXPECT_FALSE(fires(one, v("10")));
  EXPECT_FALSE(fires(one, vs("1a")));
  EXPECT_FALSE(fires(one, v("true")));
  EXPECT_TRUE(fires(on_v(": '443'"), v("443")));
  EXPECT_TRUE(fires(on_v(": '1'"), v("1.0")));
  EXPECT_TRUE(fires(on_v(": 1.5"), v("1.50")));
  EXPECT_TRUE(fires(on_v(": -2"), v("-2")));
  EXPECT_TRUE(fires(on_v("|startswith: 44"), v("443")));
}

TEST(SigmaValues, NullIsAbsentOrJsonNull) {
  const RuleSet set = on_v(": null");
  EXPECT_TRUE(fires(set, k_absent));
  EXPECT_TRUE(fires(set, v("null")));
  EXPECT_FALSE(fires(set, vs("")));
  EXPECT_FALSE(fires(set, vs("null")));
  EXPECT_FALSE(fires(set, v("0")));
  // The specification's "not null" idiom: a selection with null, negated.
  const RuleSet not_null =
      with_detection("  selection:\n    eventName: Test\n  empty:\n    requestParameters.v: null\n"
                     "  condition: selection and not empty\n");
  EXPECT_TRUE(fires(not_null, vs("x")));
  EXPECT_FALSE(fires(not_null, k_absent));
}

// pySigma keeps `null` in a list of values as one more alternative (field is null OR equals a
// value). The engine drops the null when the list also has values, so an absent field misses.
TEST(SigmaValues, NullInsideAListIsOneAlternative) {
  const RuleSet set = on_v(": [null, 'abc']");
  EXPECT_TRUE(fires(set, k_absent));
  EXPECT_TRUE(fires(set, vs("abc")));
  EXPECT_FALSE(fires(set, vs("x")));
}

TEST(SigmaValues, EmptyStringIsEmptyNotAbsent) {
  const RuleSet set = on_v(": ''");
  EXPECT_TRUE(fires(set, vs("")));
  EXPECT_FALSE(fires(set, k_absent));
  EXPECT_FALSE(fires(set, v("null")));
  EXPECT_FALSE(fires(set, vs(" ")));
  EXPECT_FALSE(fires(set, vs("x")));
}

// The same on a common field (read from the normalised Event rather than the raw record): an
// empty userAgent must still be an empty string, not an absent field. The engine reads an empty
// common field as absent, so `userAgent: ''` and `userAgent|exists: true` miss it.
TEST(SigmaValues, EmptyStringOnACommonField) {
  const std::string empty = R"({"eventName":"Test","userAgent":""})";
  EXPECT_TRUE(fires(selection("userAgent: ''"), empty));
  EXPECT_FALSE(fires(selection("userAgent: ''"), k_absent));
  EXPECT_TRUE(fires(selection("userAgent|exists: true"), empty));
  EXPECT_TRUE(fires(selection("userAgent: null"), k_absent));
}

TEST(SigmaValues, ObjectsByCompactJsonText) {
  // Written with spaces and newlines; compared as compact JSON with keys in their order.
  const std::string record =
      R"({"eventName":"PutBucketPolicy","requestParameters":{ "bucketPolicy" : { "Statement" : [ )"
      R"({ "Effect" : "Allow", "Principal" : "*", "Action" : "s3:GetObject" } ] }, "n" : 1 }})";
  const RuleSet all =
      selection("requestParameters|contains|all: ['\"Effect\":\"Allow\"', '\"Principal\":\"*\"']");
  EXPECT_TRUE(fires(all, record));
  const RuleSet deny =
      selection("requestParameters|contains|all: ['\"Effect\":\"Deny\"', '\"Principal\":\"*\"']");
  EXPECT_FALSE(fires(deny, record));
  EXPECT_FALSE(fires(selection("requestParameters.bucketPolicy|contains: '\"n\":1'"), record));
  EXPECT_TRUE(fires(selection("requestParameters|contains: '\"n\":1}'"), record));
  // An array of objects: its objects' text is searched.
  EXPECT_TRUE(fires(selection("requestParameters.bucketPolicy.Statement|contains: "
                              "'\"Action\":\"s3:GetObject\"'"),
                    record));
}

TEST(SigmaValues, ArraysOfScalarsAndPathsThroughArrays) {
  const std::string record =
      R"({"eventName":"RunInstances","requestParameters":{"groups":["sg-1","sg-2"],)"
      R"("ports":[22,3389],"instancesSet":{"items":[{"imageId":"ami-1","tags":[{"key":"a"}]},)"
      R"({"imageId":"ami-2","tags":[{"key":"b"}]}]}}})";
  EXPECT_TRUE(fires(selection("requestParameters.groups: sg-2"), record));
  EXPECT_FALSE(fires(selection("requestParameters.groups: sg-3"), record));
  EXPECT_TRUE(fires(selection("requestParameters.ports: 3389"), record));
  EXPECT_TRUE(fires(selection("requestParameters.ports|gt: 1000"), record));
  EXPECT_TRUE(fires(selection("requestParameters.instancesSet.items.imageId: ami-2"), record));
  EXPECT_FALSE(fires(selection("requestParameters.instancesSet.items.imageId: ami-3"), record));
  // Two arrays deep.
  EXPECT_TRUE(fires(selection("requestParameters.instancesSet.items.tags.key: b"), record));
  EXPECT_TRUE(
      fires(selection("requestParameters.instancesSet.items.tags.key|all: [a, b]"), record));
  // A path into a scalar goes nowhere.
  EXPECT_FALSE(fires(selection("requestParameters.groups.x|exists: true"), record));
}

// ---------------------------------------------------------------------------------------------
// Wildcards and escapes (rules specification, "String Wildcard" and "Escaping")

TEST(SigmaWildcards, StarAndQuestionMark) {
  EXPECT_TRUE(fires(on_v(": 'Run*'"), vs("Run")));
  EXPECT_TRUE(fires(on_v(": 'Run*'"), vs("RunInstances")));
  EXPECT_TRUE(fires(on_v(": 'a*b*c'"), vs("aXXbYYc")));
  EXPECT_FALSE(fires(on_v(": 'a*b*c'"), vs("aXXcYYb")));
  EXPECT_TRUE(fires(on_v(": 'a?c'"), vs("abc")));
  EXPECT_FALSE(fires(on_v(": 'a?c'"), vs("ac")));
  EXPECT_FALSE(fires(on_v(": 'a?c'"), vs("abbc")));
  EXPECT_TRUE(fires(on_v(": '*'"), vs("")));
  EXPECT_FALSE(fires(on_v(": '*'"), k_absent));
  EXPECT_TRUE(fires(on_v(": 'line*two'"), vs("line one\nline two"))); // * crosses lines
}

// pySigma works on characters: `?` is one character, whatever its UTF-8 length. The engine's `?`
// is one byte, so `a?c` misses "aéc" (é is two bytes) and would match half a character.
TEST(SigmaWildcards, DISABLED_QuestionMarkIsOneCharacterNotOneByte) {
  EXPECT_TRUE(fires(on_v(": 'a?c'"), vs("a\u00e9c")));
  EXPECT_FALSE(fires(on_v(": 'a??c'"), vs("a\u00e9c")));
}

TEST(SigmaWildcards, EscapedWildcardsAreLiteral) {
  EXPECT_TRUE(fires(on_v(R"(: 'a\*c')"), vs("a*c")));
  EXPECT_FALSE(fires(on_v(R"(: 'a\*c')"), vs("abc")));
  EXPECT_TRUE(fires(on_v(R"(: 'why\?')"), vs("why?")));
  EXPECT_FALSE(fires(on_v(R"(: 'why\?')"), vs("whyX")));
  EXPECT_TRUE(fires(on_v(R"(|contains: '\*')"), vs("s3:*")));
  EXPECT_FALSE(fires(on_v(R"(|contains: '\*')"), vs("s3:Get")));
}

TEST(SigmaWildcards, BackslashesPerTheSpecification) {
  // A plain backslash, single or doubled, before anything but a wildcard.
  EXPECT_TRUE(fires(on_v(R"(: 'C:\Windows\System32')"), vs(R"(C:\Windows\System32)")));
  EXPECT_TRUE(fires(on_v(R"(: 'C:\\Windows')"), vs(R"(C:\Windows)")));
  EXPECT_FALSE(fires(on_v(R"(: 'C:\\Windows')"), vs(R"(C:\\Windows)")));
  // `\\*`: a backslash, then a wildcard.
  EXPECT_TRUE(fires(on_v(R"(: 'C:\\*')"), vs(R"(C:\Windows)")));
  EXPECT_TRUE(fires(on_v(R"(: 'C:\\*')"), vs(R"(C:\)")));
  EXPECT_FALSE(fires(on_v(R"(: 'C:\\*')"), vs("C:Windows")));
  // `\\\*`: a backslash and a star, both plain.
  EXPECT_TRUE(fires(on_v(R"(: 'C:\\\*')"), vs(R"(C:\*)")));
  EXPECT_FALSE(fires(on_v(R"(: 'C:\\\*')"), vs(R"(C:\x)")));
  // Four backslashes are two (a UNC path); three before a plain character are two as well.
  EXPECT_TRUE(fires(on_v(R"(: '\\\\server\share')"), vs(R"(\\server\share)")));
  EXPECT_TRUE(fires(on_v(R"(: '\\\server')"), vs(R"(\\server)")));
  // A trailing backslash is plain.
  EXPECT_TRUE(fires(on_v(R"(: 'dir\')"), vs(R"(dir\)")));
  EXPECT_TRUE(fires(on_v(R"(|endswith: '\cmd.exe')"), vs(R"(C:\Windows\cmd.exe)")));
  EXPECT_FALSE(fires(on_v(R"(|endswith: '\cmd.exe')"), vs(R"(C:\Windows\xcmd.exe)")));
}

// A value ending in a single backslash with contains or startswith (SigmaHQ writes
// `CommandLine|contains: '\AppData\'` often): the backslash is plain, then the modifier's
// wildcard (pySigma: `foobar\` + contains → `*`, `foobar\`, `*`). Once a literal star.
TEST(SigmaWildcards, TrailingBackslashBeforeAModifierWildcard) {
  EXPECT_TRUE(fires(on_v(R"(|contains: '\AppData\')"), vs(R"(C:\Users\a\AppData\Local\x.exe)")));
  EXPECT_TRUE(fires(on_v(R"(|startswith: 'C:\Temp\')"), vs(R"(C:\Temp\run.ps1)")));
}

TEST(SigmaWildcards, TrailingDoubleBackslashBeforeAModifierWildcard) {
  // `\\` then the modifier's `*`: a backslash, then anything.
  EXPECT_TRUE(fires(on_v(R"(|contains: '\AppData\\')"), vs(R"(C:\Users\a\AppData\Local)")));
  EXPECT_TRUE(fires(on_v(R"(|startswith: 'C:\Temp\\')"), vs(R"(C:\Temp\run.ps1)")));
}

// ---------------------------------------------------------------------------------------------
// Conditions

// Three selections a, b, c (requestParameters.<name> is "on") and `condition`; checks the
// verdict against `expected` for the eight combinations.
void expect_truth_table(const std::string& condition,
                        const std::function<bool(bool, bool, bool)>& expected) {
  const RuleSet set =
      with_detection("  a:\n    requestParameters.a: 'on'\n  b:\n    requestParameters.b: 'on'\n"
                     "  c:\n    requestParameters.c: 'on'\n  condition: " +
                     condition + "\n");
  for (int bits = 0; bits < 8; ++bits) {
    const bool a = bits & 1, b = bits & 2, c = bits & 4;
    const std::string record = std::string(R"({"eventName":"Test","requestParameters":{)") +
                               R"("a":")" + (a ? "on" : "off") + R"(","b":")" + (b ? "on" : "off") +
                               R"(","c":")" + (c ? "on" : "off") + R"("}})";
    SCOPED_TRACE(condition + " with a=" + std::to_string(a) + " b=" + std::to_string(b) +
                 " c=" + std::to_string(c));
    EXPECT_EQ(fires(set, record), expected(a, b, c));
  }
}

TEST(SigmaConditions, PrecedenceNotAndOr) {
  expect_truth_table("a or b and c", [](bool a, bool b, bool c) { return a || (b && c); });
  expect_truth_table("a and b or c", [](bool a, bool b, bool c) { return (a && b) || c; });
  expect_truth_table("not a and b", [](bool a, bool b, bool) { return !a && b; });
  expect_truth_table("not a or b", [](bool a, bool b, bool) { return !a || b; });
  expect_truth_table("a or not b and c", [](bool a, bool b, bool c) { return a || (!b && c); });
  expect_truth_table("a and not b or not c",
                     [](bool a, bool b, bool c) { return (a && !b) || !c; });
}

TEST(SigmaConditions, Parentheses) {
  expect_truth_table("(a or b) and c", [](bool a, bool b, bool c) { return (a || b) && c; });
  expect_truth_table("not (a or b)", [](bool a, bool b, bool) { return !(a || b); });
  expect_truth_table("not (a and b) and c", [](bool a, bool b, bool c) { return !(a && b) && c; });
  expect_truth_table("a and (b or (not c))", [](bool a, bool b, bool c) { return a && (b || !c); });
  expect_truth_table("((a))", [](bool a, bool, bool) { return a; });
  expect_truth_table("not not a", [](bool a, bool, bool) { return a; });
}

// Selections sel1, sel2, other and _hidden, each on its own field; `on` names those that hold.
RuleSet of_rule(const std::string& condition) {
  return with_detection("  sel1:\n    requestParameters.sel1: 'on'\n"
                        "  sel2:\n    requestParameters.sel2: 'on'\n"
                        "  other:\n    requestParameters.other: 'on'\n"
                        "  _hidden:\n    requestParameters._hidden: 'on'\n"
                        "  condition: " +
                        condition + "\n");
}

std::string holding(const std::vector<std::string>& on) {
  std::string fields;
  for (const auto& name : on) {
    fields += (fields.empty() ? "" : ",") + quoted(name) + R"(:"on")";
  }
  return R"({"eventName":"Test","requestParameters":{)" + fields + "}}";
}

TEST(SigmaConditions, OneOfAndAllOfPatterns) {
  const RuleSet one = of_rule("1 of sel*");
  EXPECT_TRUE(fires(one, holding({"sel2"})));
  EXPECT_FALSE(fires(one, holding({"other", "_hidden"})));
  const RuleSet all = of_rule("all of sel*");
  EXPECT_TRUE(fires(all, holding({"sel1", "sel2"})));
  EXPECT_FALSE(fires(all, holding({"sel1", "other"})));
  const RuleSet any = of_rule("any of sel*");
  EXPECT_TRUE(fires(any, holding({"sel1"})));
  const RuleSet mixed = of_rule("1 of sel* and not other");
  EXPECT_TRUE(fires(mixed, holding({"sel1"})));
  EXPECT_FALSE(fires(mixed, holding({"sel1", "other"})));
  const RuleSet negated = of_rule("not 1 of sel*");
  EXPECT_TRUE(fires(negated, holding({"other"})));
  EXPECT_FALSE(fires(negated, holding({"sel2"})));
  // A wildcard anywhere in the pattern.
  EXPECT_TRUE(fires(of_rule("1 of *2"), holding({"sel2"})));
  EXPECT_FALSE(fires(of_rule("1 of *2"), holding({"sel1"})));
}

TEST(SigmaConditions, OneOfANameWithoutWildcardIsThatSelectionOnly) {
  // pySigma: `1 of selection` must not also take `selection_extra`.
  const RuleSet set = with_detection("  selection:\n    requestParameters.a: 'on'\n"
                                     "  selection_extra:\n    requestParameters.b: 'on'\n"
                                     "  condition: 1 of selection\n");
  EXPECT_TRUE(fires(set, holding({"a"})));
  EXPECT_FALSE(fires(set, holding({"b"})));
}

TEST(SigmaConditions, ThemLeavesOutUnderscoreSelections) {
  const RuleSet one = of_rule("1 of them");
  EXPECT_TRUE(fires(one, holding({"other"})));
  EXPECT_FALSE(fires(one, holding({"_hidden"})));
  const RuleSet all = of_rule("all of them");
  EXPECT_TRUE(fires(all, holding({"sel1", "sel2", "other"}))); // _hidden need not hold
  EXPECT_FALSE(fires(all, holding({"sel1", "sel2", "_hidden"})));
  // An underscore selection is still usable by name.
  EXPECT_TRUE(fires(of_rule("_hidden"), holding({"_hidden"})));
}

TEST(SigmaConditions, ListOfConditionsIsAny) {
  const RuleSet set = with_detection("  a:\n    requestParameters.a: 'on'\n"
                                     "  b:\n    requestParameters.b: 'on'\n"
                                     "  condition:\n    - a and b\n    - not a and not b\n");
  EXPECT_TRUE(fires(set, holding({"a", "b"})));
  EXPECT_TRUE(fires(set, holding({})));
  EXPECT_FALSE(fires(set, holding({"a"})));
  EXPECT_FALSE(fires(set, holding({"b"})));
}

TEST(SigmaConditions, SelectionForms) {
  // A map: every field; a list of maps: any map; a list of values: any value.
  const RuleSet set = with_detection("  map:\n    requestParameters.a: 'on'\n"
                                     "    requestParameters.b: 'on'\n"
                                     "  maps:\n    - requestParameters.a: x\n"
                                     "    - requestParameters.b: y\n"
                                     "  condition: map or maps\n");
  EXPECT_TRUE(fires(set, holding({"a", "b"})));
  EXPECT_FALSE(fires(set, holding({"a"})));
  EXPECT_TRUE(fires(set, R"({"eventName":"T","requestParameters":{"b":"Y"}})"));
}

TEST(SigmaConditions, BadConditionsAreRuleErrors) {
  auto bad = [](const std::string& condition) {
    return !lint({{"rule.yml", rule_doc("  a:\n    requestParameters.a: 'on'\n  condition: " +
                                        condition + "\n")}})
                .errors.empty();
  };
  EXPECT_TRUE(bad("a and"));
  EXPECT_TRUE(bad("a and (a"));
  EXPECT_TRUE(bad("nope"));
  EXPECT_TRUE(bad("1 of nothing*"));
  EXPECT_TRUE(bad("2 of them"));
  EXPECT_TRUE(bad("a | count() by sourceIPAddress > 5")); // the deprecated aggregation syntax
  EXPECT_FALSE(bad("a"));
}

// ---------------------------------------------------------------------------------------------
// Keyword (value-only) selections

const std::string k_keyword_record =
    R"({"eventName":"PutUserPolicy","userAgent":"aws-cli/2.15",)"
    R"("requestParameters":{"policyName":"x","policyDocument":{"Statement":[{"Action":"*",)"
    R"("Resource":"arn:aws:iam::aws:policy/AdministratorAccess"}]},"port":4444}})";

TEST(SigmaKeywords, ValuesAreSearchedAsSubstringsInEveryScalar) {
  const RuleSet set = with_detection("  keywords:\n    - 'administratoraccess'\n"
                                     "    - 'mimikatz'\n  condition: keywords\n");
  EXPECT_TRUE(fires(set, k_keyword_record)); // nested, case-insensitive, inside a longer value
  const RuleSet number = with_detection("  keywords:\n    - '4444'\n  condition: keywords\n");
  EXPECT_TRUE(fires(number, k_keyword_record)); // a number's text
  const RuleSet none = with_detection("  keywords:\n    - 'mimikatz'\n  condition: keywords\n");
  EXPECT_FALSE(fires(none, k_keyword_record));
}

TEST(SigmaKeywords, KeysAreNotSearched) {
  const RuleSet set =
      with_detection("  keywords:\n    - 'policyDocument'\n  condition: keywords\n");
  EXPECT_FALSE(fires(set, k_keyword_record));
  const RuleSet partial = with_detection("  keywords:\n    - 'Resource'\n  condition: keywords\n");
  EXPECT_FALSE(fires(partial, k_keyword_record));
}

TEST(SigmaKeywords, AllNeedsEveryKeyword) {
  const RuleSet set =
      with_detection("  keywords:\n    '|all':\n      - 'aws-cli'\n      - 'AdministratorAccess'\n"
                     "  condition: keywords\n");
  EXPECT_TRUE(fires(set, k_keyword_record));
  const RuleSet missing =
      with_detection("  keywords:\n    '|all':\n      - 'aws-cli'\n      - 'mimikatz'\n"
                     "  condition: keywords\n");
  EXPECT_FALSE(fires(missing, k_keyword_record));
}

TEST(SigmaKeywords, CombineWithFieldSelections) {
  const RuleSet set = with_detection("  selection:\n    eventName: PutUserPolicy\n"
                                     "  keywords:\n    - 'AdministratorAccess'\n"
                                     "  condition: selection and keywords\n");
  EXPECT_TRUE(fires(set, k_keyword_record));
  const RuleSet other = with_detection("  selection:\n    eventName: PutRolePolicy\n"
                                       "  keywords:\n    - 'AdministratorAccess'\n"
                                       "  condition: selection and keywords\n");
  EXPECT_FALSE(fires(other, k_keyword_record));
  const RuleSet wildcard =
      with_detection("  keywords:\n    - 'aws-cli/2.*'\n  condition: keywords\n");
  EXPECT_TRUE(fires(wildcard, k_keyword_record));
}

// ---------------------------------------------------------------------------------------------
// Sigma filters (meta-filter documents)

constexpr const char* k_other_id = "5e1c0a00-0000-4000-8000-000000000002";

std::string console_rule(const std::string& id, const std::string& name) {
  return rule_doc("  selection:\n    eventName: ConsoleLogin\n  condition: selection\n", id,
                  name.empty() ? "" : "name: " + name + "\n");
}

std::string filter_doc(const std::string& rules_yaml) {
  return "title: Not the break-glass user\n"
         "logsource: {product: aws, service: cloudtrail}\n"
         "filter:\n  rules:" +
         rules_yaml +
         "\n  selection:\n    userIdentity.userName|startswith: 'breakglass'\n"
         "  condition: not selection\n";
}

std::string login_by(const std::string& user) {
  return R"({"eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser","userName":)" +
         quoted(user) + "}}";
}

TEST(SigmaFilters, FilterByIdExcludesOnlyTheNamedRule) {
  const RuleSet set = load({{"a.yml", console_rule(k_rule_id, "")},
                            {"b.yml", console_rule(k_other_id, "")},
                            {"mf.yml", filter_doc(std::string("\n    - ") + k_rule_id)}});
  ASSERT_EQ(set.rules.size(), 2u);
  const std::size_t filtered = set.rules[0].id == k_rule_id ? 0 : 1;
  const std::size_t unfiltered = 1 - filtered;
  EXPECT_TRUE(fires(set, login_by("alice"), filtered));
  EXPECT_FALSE(fires(set, login_by("breakglass-1"), filtered));
  EXPECT_TRUE(fires(set, login_by("breakglass-1"), unfiltered));
  // `(rule condition) and (filter condition)`: the filter alone does not fire.
  EXPECT_FALSE(fires(set, R"({"eventName":"GetObject"})", filtered));
}

TEST(SigmaFilters, FilterByNameAndInTheSameFile) {
  const RuleSet set = load({{"rules.yml", console_rule(k_rule_id, "console_login") + "---\n" +
                                              filter_doc("\n    - console_login")}});
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_TRUE(fires(set, login_by("alice")));
  EXPECT_FALSE(fires(set, login_by("BreakGlass")));
}

TEST(SigmaFilters, RulesAnyAppliesToEveryRule) {
  const RuleSet set = load({{"a.yml", console_rule(k_rule_id, "")},
                            {"b.yml", console_rule(k_other_id, "")},
                            {"mf.yml", filter_doc(" any")}});
  ASSERT_EQ(set.rules.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(fires(set, login_by("alice"), i));
    EXPECT_FALSE(fires(set, login_by("breakglass"), i));
  }
}

TEST(SigmaFilters, TwoFiltersBothApply) {
  const std::string second = "title: Not from the office\n"
                             "logsource: {product: aws, service: cloudtrail}\n"
                             "filter:\n  rules:\n    - " +
                             std::string(k_rule_id) +
                             "\n  office:\n    sourceIPAddress|cidr: 198.51.100.0/24\n"
                             "  condition: not office\n";
  const RuleSet set = load({{"a.yml", console_rule(k_rule_id, "")},
                            {"mf1.yml", filter_doc(std::string("\n    - ") + k_rule_id)},
                            {"mf2.yml", second}});
  EXPECT_TRUE(fires(set, login_by("alice")));
  EXPECT_FALSE(fires(set, login_by("breakglass")));
  EXPECT_FALSE(fires(set, R"({"eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.7",)"
                          R"("userIdentity":{"userName":"alice"}})"));
}

TEST(SigmaFilters, FilterForAnUnknownRuleChangesNothing) {
  Linted linted = lint(
      {{"a.yml", console_rule(k_rule_id, "")}, {"mf.yml", filter_doc("\n    - no-such-rule")}});
  EXPECT_TRUE(linted.errors.empty()) << joined(linted.errors);
  EXPECT_TRUE(fires(linted.set, login_by("breakglass")));
}

// pySigma reads `rules:` given as one id or name (a string) as a list of one. The engine
// rejects it ("a filter needs 'rules'…").
TEST(SigmaFilters, RulesAsOneString) {
  const RuleSet set = load({{"a.yml", console_rule(k_rule_id, "")},
                            {"mf.yml", filter_doc(std::string(" ") + k_rule_id)}});
  EXPECT_FALSE(fires(set, login_by("breakglass")));
}

// ---------------------------------------------------------------------------------------------
// Key case: exact key first, else a key equal ignoring ASCII case

TEST(SigmaKeyCase, ExactKeyWins) {
  const std::string both =
      R"({"eventName":"Test","requestParameters":{"userName":"Exact","username":"lower"}})";
  EXPECT_TRUE(fires(selection("requestParameters.userName: exact"), both));
  EXPECT_FALSE(fires(selection("requestParameters.userName: lower"), both));
  EXPECT_TRUE(fires(selection("requestParameters.username: lower"), both));
  // The same for a field the Event normalises.
  const std::string identity =
      R"({"eventName":"Test","userIdentity":{"userName":"Exact","username":"lower"}})";
  EXPECT_TRUE(fires(selection("userIdentity.userName: exact"), identity));
  EXPECT_FALSE(fires(selection("userIdentity.userName: lower"), identity));
}

// Some exports lower-case userIdentity keys.
const std::string k_lower_keys =
    R"({"eventName":"ConsoleLogin","useridentity":{"type":"IAMUser","username":"bob",)"
    R"("arn":"arn:aws:iam::111122223333:user/bob","sessioncontext":{"sessionissuer":)"
    R"({"username":"ops-role"},"attributes":{"mfaauthenticated":"false"}}},)"
    R"("requestparameters":{"bucketname":"b1"}})";

TEST(SigmaKeyCase, LowerCasedKeysOnRawPaths) {
  EXPECT_TRUE(fires(selection("requestParameters.bucketName: b1"), k_lower_keys));
  EXPECT_TRUE(fires(selection("userIdentity.sessionContext.attributes.mfaAuthenticated: 'false'"),
                    k_lower_keys));
  EXPECT_FALSE(fires(selection("requestParameters.bucketName: b2"), k_lower_keys));
}

// The userIdentity fields the Event normalises (userIdentity.type, arn, userName, accountId,
// sessionContext.sessionIssuer.userName...) are read from the record with exact keys only, so
// they are absent in an export with lower-cased keys, unlike any other path.
TEST(SigmaKeyCase, LowerCasedKeysOnCommonIdentityFields) {
  EXPECT_TRUE(fires(selection("userIdentity.userName: bob"), k_lower_keys));
  EXPECT_TRUE(fires(selection("userIdentity.type: IAMUser"), k_lower_keys));
  EXPECT_TRUE(fires(selection("userIdentity.arn|endswith: ':user/bob'"), k_lower_keys));
  EXPECT_TRUE(fires(selection("userIdentity.sessionContext.sessionIssuer.userName: ops-role"),
                    k_lower_keys));
}

} // namespace
} // namespace trailwatch
