// SPDX-License-Identifier: MIT
// Record: the kept record's bytes, its lazy DOM, and Record::values over any dotted path (arrays,
// scalars of every JSON type, objects as compact JSON, key case fallback, null and absent).
#include "trailwatch/record.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <string>
#include <thread>
#include <vector>

namespace trailwatch {
namespace {

using Values = std::vector<std::string>;

Values values(const Record& record, std::string_view path) {
  Values out;
  record.values(path, out);
  return out;
}

TEST(Record, KeepsItsOwnCopyOfTheBytes) {
  std::string text = R"({"eventName":"RunInstances"})";
  const Record record(text);
  text.assign(text.size(), 'x');
  EXPECT_EQ(record.json(), R"({"eventName":"RunInstances"})");
  EXPECT_EQ(values(record, "eventName"), Values{"RunInstances"});
}

TEST(Record, EmptyAndInvalidRecordsHaveNoValues) {
  EXPECT_TRUE(Record().empty());
  EXPECT_TRUE(values(Record(), "eventName").empty());
  simdjson::dom::element root;
  EXPECT_FALSE(Record("[1,2]").root(root));
  EXPECT_FALSE(Record("{\"a\":").root(root));
  EXPECT_TRUE(values(Record("{\"a\":"), "a").empty());
}

TEST(Record, ScalarsAsText) {
  const Record r(R"({"s":"x","i":42,"big":18446744073709551615,"f":1.5,"t":true,"n":null})");
  EXPECT_EQ(values(r, "s"), Values{"x"});
  EXPECT_EQ(values(r, "i"), Values{"42"});
  EXPECT_EQ(values(r, "big"), Values{"18446744073709551615"});
  EXPECT_EQ(values(r, "f"), Values{"1.5"});
  EXPECT_EQ(values(r, "t"), Values{"true"});
  EXPECT_TRUE(values(r, "n").empty());
  EXPECT_TRUE(values(r, "absent").empty());
}

TEST(Record, ObjectsAsCompactJson) {
  const Record r(R"({"requestParameters": {"a": 1, "b": ["x", {"c": null}]}})");
  EXPECT_EQ(values(r, "requestParameters"), Values{R"({"a":1,"b":["x",{"c":null}]})"});
}

TEST(Record, PathsThroughArraysVisitEveryElement) {
  const Record r(R"({"items":[{"id":"a","tags":["t1","t2"]},{"id":"b"},"loose",{"id":null}]})");
  EXPECT_EQ(values(r, "items.id"), (Values{"a", "b"}));
  EXPECT_EQ(values(r, "items.tags"), (Values{"t1", "t2"}));
}

TEST(Record, ArrayOfScalarsGivesEachElementArrayOfObjectsGivesJson) {
  const Record r(R"({"groups":["sg-1","sg-2",3],"objs":[{"a":1}]})");
  EXPECT_EQ(values(r, "groups"), (Values{"sg-1", "sg-2", "3"}));
  EXPECT_EQ(values(r, "objs"), Values{R"([{"a":1}])"});
}

TEST(Record, ExactKeyFirstThenAsciiCaseFallback) {
  const Record exact(R"({"userIdentity":{"accessKeyId":"AKIA1","accesskeyid":"other"}})");
  EXPECT_EQ(values(exact, "userIdentity.accessKeyId"), Values{"AKIA1"});
  const Record lower(R"({"useridentity":{"accesskeyid":"AKIA2"}})");
  EXPECT_EQ(values(lower, "userIdentity.accessKeyId"), Values{"AKIA2"});
}

TEST(Record, CopiesShareOneParseAcrossThreads) {
  const Record r(R"({"a":{"b":"c"}})");
  std::vector<std::thread> threads;
  std::vector<Values> seen(4);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([copy = r, &out = seen[i]] { copy.values("a.b", out); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& v : seen) {
    EXPECT_EQ(v, Values{"c"});
  }
}

// Issue 13: an integer of 2^64 or more (or an exponent beyond a double) once dropped the whole
// record; such a number is now kept as text and the rest of the record reads as usual.
TEST(Record, NumbersBeyondSixtyFourBitsAreKeptAsText) {
  const Record r(R"({"eventName":"RunInstances","big":123456789012345678901234567890,)"
                 R"("neg":-99999999999999999999,"exp":1e999,"ok":18446744073709551615,)"
                 R"("s":"12345678901234567890123 in a string"})");
  EXPECT_EQ(values(r, "eventName"), Values{"RunInstances"});
  EXPECT_EQ(values(r, "big"), Values{"123456789012345678901234567890"});
  EXPECT_EQ(values(r, "neg"), Values{"-99999999999999999999"});
  EXPECT_EQ(values(r, "exp"), Values{"1e999"});
  EXPECT_EQ(values(r, "ok"), Values{"18446744073709551615"});
  EXPECT_EQ(values(r, "s"), Values{"12345678901234567890123 in a string"});
}

} // namespace
} // namespace trailwatch
