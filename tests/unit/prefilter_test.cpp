// SPDX-License-Identifier: MIT
// Prefilter: an input is skipped unparsed only when it certainly holds no record a rule wants.
// Every case is checked with every scan the CPU runs, at many offsets, so the SIMD blocks
// (16/32/64 bytes), their boundaries and the scalar tail all see it.
#include "input/prefilter.hpp"

#include <gtest/gtest.h>
#include <string>

namespace trailwatch {
namespace {

const Prefilter k_prefilter({"RunInstances", "CreateFleet"}, true);

// `json` placed after `pad` filler bytes and followed by more filler, as in a real file.
bool may_match_at(const std::string& json, std::size_t pad, ScanKind kind) {
  const std::string data =
      std::string(pad, ' ') + R"({"x":"eventNam"})" + json + std::string(pad % 7 + 40, ' ');
  return k_prefilter.may_match(data, kind);
}

void expect_everywhere(const std::string& json, bool expected) {
  for (const ScanKind kind : supported_scans()) {
    for (std::size_t pad = 0; pad < 140; ++pad) {
      SCOPED_TRACE("scan " + std::to_string(static_cast<int>(kind)) + ", offset " +
                   std::to_string(pad) + ": " + json);
      ASSERT_EQ(may_match_at(json, pad, kind), expected);
    }
  }
}

TEST(Prefilter, UnwantedEventNamesAreSkipped) {
  expect_everywhere(R"({"eventName":"DescribeInstances","eventSource":"ec2.amazonaws.com"})",
                    false);
  expect_everywhere(R"([{"eventName":"GetObject"},{"eventName" : "PutObject"}])", false);
}

TEST(Prefilter, WantedEventNameIsParsed) {
  expect_everywhere(R"({"eventName":"RunInstances"})", true);
  expect_everywhere(R"({"eventName":"GetObject"},{"eventName":"CreateFleet"})", true);
}

TEST(Prefilter, CaseInsensitiveAndWhitespaceAndTrailingSpace) {
  expect_everywhere(R"({"eventName":"runinstances"})", true);
  expect_everywhere("{\"eventName\" :\n \"RUNINSTANCES\"}", true);
  expect_everywhere(R"({"eventName":"RunInstances "})", true); // trailing space is trimmed
}

TEST(Prefilter, LookupEventsStringIsSeen) {
  // aws cloudtrail lookup-events: the record is a JSON string with escaped quotes.
  expect_everywhere(R"({"Events":[{"CloudTrailEvent":"{\"eventName\":\"RunInstances\"}"}]})", true);
  expect_everywhere(R"({"Events":[{"CloudTrailEvent":"{\"eventName\":\"GetObject\"}"}]})", false);
}

TEST(Prefilter, UnicodeEscapesForceAParse) {
  // "Run\u0049nstances" is RunInstances: any \u escape means the bytes cannot be trusted.
  expect_everywhere(R"({"eventName":"Run\u0049nstances"})", true);
  expect_everywhere(R"({"eventName":"GetObject","userAgent":"a\u0026b"})", true);
}

TEST(Prefilter, BackslashesThatAreNotUnicodeEscapesDoNotForceAParse) {
  // Escaped quotes and backslashes (policies, user agents) are common; only `\u` is suspect.
  expect_everywhere(R"({"eventName":"GetObject","policy":"{\"a\":\"b\"}","ua":"x\\y\\"})", false);
}

TEST(Prefilter, OtherEscapesOrTypesInTheNameForceAParse) {
  expect_everywhere(R"({"eventName":"Run\"Instances"})", true);
  expect_everywhere(R"({"eventName":5})", true);
  expect_everywhere(R"({"eventName":null})", true);
}

TEST(Prefilter, NotAKeyIsIgnored) {
  expect_everywhere(R"({"attribute":"eventName","insightEventName":"RunInstances2"})", false);
  expect_everywhere(R"({"eventNameX":"RunInstances"})", false);
}

TEST(Prefilter, DisabledOrNoNamesParseEverything) {
  const Prefilter disabled({"RunInstances"}, false);
  EXPECT_TRUE(disabled.may_match(R"({"eventName":"GetObject"})"));
  const Prefilter no_names({}, true);
  EXPECT_TRUE(no_names.may_match(R"({"eventName":"GetObject"})"));
  EXPECT_FALSE(k_prefilter.may_match(""));
}

TEST(Prefilter, CutAtTheEndIsParsed) {
  // The value never closes: cannot be judged, so parse (the reader reports the damage).
  EXPECT_TRUE(k_prefilter.may_match(R"({"eventName":"GetObj)"));
  EXPECT_TRUE(k_prefilter.may_match(R"({"eventName":)"));
}

// Issue 13: a lookup-events record whose CloudTrailEvent string holds another such record
// (eventName escaped twice, or more) was skipped by the fast path and alerted with
// --full-parse. Every level of escaping is now read; an unwanted name stays skippable.
TEST(Prefilter, NestedLookupStringsAtEveryLevelAreSeen) {
  auto escape = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    return out;
  };
  for (const char* name : {"RunInstances", "DescribeInstances"}) {
    std::string doc = std::string(R"({"eventVersion":"1.08","eventName":")") + name + R"("})";
    for (int level = 1; level <= 4; ++level) {
      doc = R"({"EventId":"x","CloudTrailEvent":")" + escape(doc) + R"("})";
      expect_everywhere(doc, std::string(name) == "RunInstances");
    }
  }
}

TEST(Prefilter, MismatchedEscapingAroundTheNameForcesAParse) {
  expect_everywhere(R"({"x":"{\"eventName\":\\\"GetObject\"}"})", true);
  expect_everywhere(R"({"x":"{\"eventName\":\"GetObject\\\"}"})", true);
}

// CloudWatch Logs shapes (issue 12): the record is escaped once inside a subscription's
// logEvents message, and follows a text prefix on an `aws logs tail` line.
TEST(Prefilter, CloudWatchLogsShapesAreSeen) {
  const std::string wanted = R"({\"eventName\":\"RunInstances\",\"eventSource\":\"ec2\"})";
  const std::string unwanted = R"({\"eventName\":\"DescribeInstances\"})";
  auto envelope = [](const std::string& message) {
    return R"({"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":")" + message +
           R"("}]})";
  };
  expect_everywhere(envelope(wanted), true);
  expect_everywhere(envelope(unwanted), false);
  expect_everywhere("2026-11-20T10:00:00Z stream {\"eventName\":\"RunInstances\"}\n", true);
  expect_everywhere("2026-11-20T10:00:00Z stream {\"eventName\":\"GetObject\"}\n", false);
}

} // namespace
} // namespace trailwatch
