// SPDX-License-Identifier: MIT
// RecordReader: every input shape of cloudtrail.md §2 (envelope, bare array, single record,
// NDJSON, concatenated documents, lookup-events output, EventBridge, BOM, digest, Insights, Lake,
// non-CloudTrail JSON), record indexes, normalised event fields, bad input (invalid lines, wrong
// types, cut documents, garbage), streaming with final=false, and the want() fast path.
#include "facts/event_builder.hpp"
#include "input/decode.hpp"
#include "input/reader.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace trailwatch {
namespace {

struct ReadResult {
  std::vector<Event> events;
  ReaderCounters counters;
  std::size_t consumed = 0;

  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      out.push_back(e.event_id);
    }
    return out;
  }
  std::vector<std::uint64_t> indexes() const {
    std::vector<std::uint64_t> out;
    for (const auto& e : events) {
      out.push_back(e.origin.record);
    }
    return out;
  }
};

bool want_all(std::string_view) {
  return true;
}

// Runs a RecordReader over `input` in one final parse (the buffer gets k_padding slack).
ReadResult read_all(std::string_view input, RecordReader::WantFn want = want_all) {
  ReadResult result;
  RecordReader reader(std::move(want), [&](Event&& e) { result.events.push_back(std::move(e)); });
  reader.begin_source("test.json");
  std::string buffer;
  buffer.reserve(input.size() + k_padding);
  buffer.assign(input);
  result.consumed = reader.parse(buffer.data(), buffer.size(), true);
  result.counters = reader.counters();
  return result;
}

// A minimal EC2 record with event ID `id`.
std::string rec(std::string_view id, std::string_view name = "RunInstances") {
  return std::string(R"({"eventVersion":"1.08","eventTime":"2024-01-02T03:04:05Z",)") +
         R"("eventSource":"ec2.amazonaws.com","eventName":")" + std::string(name) +
         R"(","awsRegion":"us-east-1","eventID":")" + std::string(id) + R"("})";
}

// `text` as a JSON string literal body (quotes and backslashes escaped).
std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string lookup_event(std::string_view id) {
  return R"({"EventId":")" + std::string(id) +
         R"(","EventName":"RunInstances","ReadOnly":"false","CloudTrailEvent":")" +
         escaped(rec(id)) + R"("})";
}

// ---------------------------------------------------------------------------------------------
// Shapes

struct ShapeCase {
  std::string name;
  std::string input;
  std::vector<std::string> ids;       // event IDs delivered, in order
  std::vector<std::uint64_t> indexes; // their Origin.record
  std::uint64_t records = 0;
  std::uint64_t skipped_digest = 0;
  std::uint64_t skipped_insight = 0;
  std::uint64_t skipped_other = 0;
};

void PrintTo(const ShapeCase& c, std::ostream* os) {
  *os << c.name;
}

class ReaderShapes : public testing::TestWithParam<ShapeCase> {};

TEST_P(ReaderShapes, RecordsIndexesAndCounters) {
  const ShapeCase& c = GetParam();
  const ReadResult r = read_all(c.input);
  EXPECT_EQ(r.ids(), c.ids);
  EXPECT_EQ(r.indexes(), c.indexes);
  EXPECT_EQ(r.counters.records, c.records);
  EXPECT_EQ(r.counters.examined, c.ids.size());
  EXPECT_EQ(r.counters.skipped_digest, c.skipped_digest);
  EXPECT_EQ(r.counters.skipped_insight, c.skipped_insight);
  EXPECT_EQ(r.counters.skipped_other, c.skipped_other);
  EXPECT_EQ(r.counters.errors, 0u);
  EXPECT_EQ(r.consumed, c.input.size());
  for (const auto& e : r.events) {
    EXPECT_EQ(e.event_name, "RunInstances");
    EXPECT_EQ(e.event_source, "ec2.amazonaws.com");
    EXPECT_EQ(e.origin.source, "test.json");
  }
}

const std::string k_insight =
    R"({"eventVersion":"1.07","eventTime":"2024-01-02T03:04:05Z","awsRegion":"us-east-1",)"
    R"("eventID":"ins-1","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333",)"
    R"("sharedEventID":"s-1","insightDetails":{"state":"Start","eventSource":"ec2.amazonaws.com",)"
    R"("eventName":"RunInstances","insightType":"ApiCallRateInsight","insightContext":)"
    R"({"statistics":{"baseline":{"average":0.1},"insight":{"average":5}}}},)"
    R"("eventCategory":"Insight"})";

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Table, ReaderShapes,
    testing::Values(
        ShapeCase{"envelope",
                  R"({"Records":[)" + rec("a") + "," + rec("b") + "," + rec("c") + "]}",
                  {"a", "b", "c"}, {0, 1, 2}, 3},
        ShapeCase{"envelope_pretty",
                  "{\n  \"Records\": [\n    " + rec("a") + ",\n    " + rec("b") + "\n  ]\n}\n",
                  {"a", "b"}, {0, 1}, 2},
        ShapeCase{"bare_array", "[" + rec("a") + "," + rec("b") + "]", {"a", "b"}, {0, 1}, 2},
        ShapeCase{"single_record", rec("a") + "\n", {"a"}, {0}, 1},
        ShapeCase{"ndjson", rec("a") + "\n" + rec("b") + "\n" + rec("c") + "\n",
                  {"a", "b", "c"}, {0, 1, 2}, 3},
        ShapeCase{"ndjson_crlf_no_final_newline", rec("a") + "\r\n" + rec("b"),
                  {"a", "b"}, {0, 1}, 2},
        ShapeCase{"concatenated", rec("a") + rec("b") + rec("c"), {"a", "b", "c"}, {0, 1, 2}, 3},
        // Indexes count records through the whole input, across documents.
        ShapeCase{"two_envelopes",
                  R"({"Records":[)" + rec("a") + "," + rec("b") + R"(]}{"Records":[)" +
                      rec("c") + "]}",
                  {"a", "b", "c"}, {0, 1, 2}, 3},
        ShapeCase{"lookup_events",
                  R"({"Events":[)" + lookup_event("a") + "," + lookup_event("b") +
                      R"(],"NextToken":"x"})",
                  {"a", "b"}, {0, 1}, 2},
        ShapeCase{"lookup_events_ndjson", lookup_event("a") + "\n" + lookup_event("b") + "\n",
                  {"a", "b"}, {0, 1}, 2},
        ShapeCase{"eventbridge",
                  R"({"version":"0","id":"eb-1","detail-type":"AWS API Call via CloudTrail",)"
                  R"("source":"aws.ec2","account":"111122223333","time":"2024-01-02T03:04:05Z",)"
                  R"("region":"us-east-1","resources":[],"detail":)" + rec("a") + "}",
                  {"a"}, {0}, 1},
        ShapeCase{"eventbridge_detail_first",
                  R"({"detail":)" + rec("a") +
                      R"(,"detail-type":"AWS API Call via CloudTrail","source":"aws.ec2"})",
                  {"a"}, {0}, 1},
        ShapeCase{"utf8_bom", "\xEF\xBB\xBF" R"({"Records":[)" + rec("a") + "]}",
                  {"a"}, {0}, 1},
        ShapeCase{"digest",
                  R"({"awsAccountId":"111122223333","digestStartTime":"2024-01-02T03:04:05Z",)"
                  R"("digestEndTime":"2024-01-02T04:04:05Z","digestS3Bucket":"b",)"
                  R"("logFiles":[{"s3Bucket":"b","s3Object":"k","hashValue":"00"}]})",
                  {}, {}, 0, 1, 0, 0},
        ShapeCase{"insight", R"({"Records":[)" + k_insight + "]}", {}, {}, 0, 0, 1, 0},
        // The Insights record still occupies index 0.
        ShapeCase{"insight_then_record", R"({"Records":[)" + k_insight + "," + rec("a") + "]}",
                  {"a"}, {1}, 1, 0, 1, 0},
        ShapeCase{"lake_results",
                  R"({"QueryStatus":"FINISHED","QueryResultRows":[[{"eventName":"RunInstances"},)"
                  R"({"eventSource":"ec2.amazonaws.com"}]]})",
                  {}, {}, 0, 0, 0, 1},
        ShapeCase{"not_cloudtrail", R"({"hello":"world","list":[1,2,3],"nested":{"a":null}})",
                  {}, {}, 0, 0, 0, 1},
        // `aws logs tail`: detailed (time, stream) and short (time only) lines, mixed with a
        // plain line; the last line without a newline.
        ShapeCase{"logs_tail",
                  "2026-11-20T10:00:00.123000+00:00 111122223333_CloudTrail_us-east-1 " +
                      rec("a") + "\n2026-11-20T10:00:01.000000+00:00   " + rec("b") + "\n" +
                      rec("c") + "\n2026-11-20T10:00:02Z s " + rec("d"),
                  {"a", "b", "c", "d"}, {0, 1, 2, 3}, 4},
        // CloudWatch Logs subscription: records as logEvents[].message strings; a control
        // message's text and another log group's plain text line are skipped (other).
        ShapeCase{"cwl_subscription",
                  R"({"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"","message":)"
                  R"("CWL CONTROL MESSAGE: Checking health of destination Firehose."}]})"
                  R"({"messageType":"DATA_MESSAGE","owner":"111122223333","logEvents":[)"
                  R"({"id":"1","timestamp":1,"message":")" + escaped(rec("a")) + R"("},)"
                  R"({"id":"2","timestamp":2,"message":"plain text"},)"
                  R"({"id":"3","timestamp":3,"message":")" + escaped(rec("b")) + R"("}]})",
                  {"a", "b"}, {1, 3}, 2, 0, 0, 2}),
    [](const testing::TestParamInfo<ShapeCase>& tpi) { return tpi.param.name; });
// clang-format on

// ---------------------------------------------------------------------------------------------
// Fields

TEST(ReaderFields, CopiedTrimmedAndNormalised) {
  const std::string input =
      R"({"eventVersion":"1.08","eventTime":"2024-12-16 18:41:07.000000000",)"
      R"("eventSource":"ec2.amazonaws.com","eventName":"RunInstances ","eventType":"AwsApiCall",)"
      R"("awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15",)"
      R"("errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized",)"
      R"("recipientAccountId":"111122223333","eventID":"ev-1",)"
      R"("userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::444455556666:user/alice",)"
      R"("accountId":"444455556666","userName":"alice","accessKeyId":"AKIAEXAMPLE"},)"
      R"("requestParameters":{"instanceType":"p3.2xlarge",)"
      R"("instancesSet":{"items":[{"minCount":1,"maxCount":2}]}},"responseElements":null})";
  const ReadResult r = read_all(input);
  ASSERT_EQ(r.events.size(), 1u);
  const Event& e = r.events[0];
  EXPECT_EQ(e.event_name, "RunInstances");
  EXPECT_EQ(e.event_time, "2024-12-16T18:41:07Z");
  EXPECT_EQ(e.event_source, "ec2.amazonaws.com");
  EXPECT_EQ(e.event_type, "AwsApiCall");
  EXPECT_EQ(e.aws_region, "eu-west-1");
  EXPECT_EQ(e.source_ip, "198.51.100.7");
  EXPECT_EQ(e.user_agent, "aws-cli/2.15");
  EXPECT_EQ(e.error_code, "Client.UnauthorizedOperation");
  EXPECT_EQ(e.error_message, "You are not authorized");
  EXPECT_EQ(e.recipient_account_id, "111122223333");
  EXPECT_EQ(e.event_id, "ev-1");
  EXPECT_EQ(e.identity.type, "IAMUser");
  EXPECT_EQ(e.identity.user_name, "alice");
  EXPECT_EQ(e.identity.access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(e.account, "444455556666");
  EXPECT_EQ(e.actor, "alice");
  EXPECT_TRUE(e.launch.is_launch_api);
  EXPECT_EQ(e.launch.outcome, Outcome::attempt);
  EXPECT_EQ(e.launch.instance_types, std::vector<std::string>{"p3.2xlarge"});
  EXPECT_EQ(e.launch.max_count, 2);
}

TEST(ReaderFields, WantSeesTrimmedName) {
  std::vector<std::string> asked;
  const ReadResult r = read_all(rec("a", "RunInstances  "), [&](std::string_view name) {
    asked.emplace_back(name);
    return true;
  });
  EXPECT_EQ(asked, std::vector<std::string>{"RunInstances"});
  ASSERT_EQ(r.events.size(), 1u);
}

TEST(ReaderFields, AccountFallsBackToRecipient) {
  const std::string input = R"({"eventName":"RunInstances","eventSource":"ec2.amazonaws.com",)"
                            R"("recipientAccountId":"111122223333","userIdentity":{}})";
  const ReadResult r = read_all(input);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].account, "111122223333");
}

TEST(NormaliseEventTime, Spellings) {
  EXPECT_EQ(normalise_event_time("2024-12-16 18:41:07.000000000"), "2024-12-16T18:41:07Z");
  EXPECT_EQ(normalise_event_time("2024-12-16T18:41:07Z"), "2024-12-16T18:41:07Z");
  EXPECT_EQ(normalise_event_time("2024-12-16T18:41:07.123Z"), "2024-12-16T18:41:07Z");
  EXPECT_EQ(normalise_event_time("2024-12-16 18:41:07+00:00"), "2024-12-16T18:41:07Z");
  EXPECT_EQ(normalise_event_time("2024-12-16 18:41:07"), "2024-12-16T18:41:07Z");
  // Other offsets and non-times are kept as written.
  EXPECT_EQ(normalise_event_time("2022-02-08 09:19:05+11:00"), "2022-02-08 09:19:05+11:00");
  EXPECT_EQ(normalise_event_time("yesterday"), "yesterday");
  EXPECT_EQ(normalise_event_time(""), "");
}

// ---------------------------------------------------------------------------------------------
// Bad input

TEST(ReaderBadInput, InvalidLineBetweenValidNdjsonLines) {
  const std::string input =
      rec("a") + "\n" + R"({"eventName": "RunInstances", broken)" + "\n" + rec("c") + "\n";
  const ReadResult r = read_all(input);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(r.counters.errors, 1u);
}

TEST(ReaderBadInput, InvalidLineKeepsNdjsonLineIndexes) {
  // Origin.record is the NDJSON line: the record after the broken line is record 2.
  const std::string input =
      rec("a") + "\n" + R"({"eventName": "RunInstances", broken)" + "\n" + rec("c") + "\n";
  const ReadResult r = read_all(input);
  EXPECT_EQ(r.indexes(), (std::vector<std::uint64_t>{0, 2}));
}

// Regression: a stage-1 error (invalid UTF-8, unclosed string) used to drop every valid line
// before it in the batch, counting one error per dropped line.
TEST(ReaderBadInput, InvalidUtf8LineBetweenValidLines) {
  const std::string input = rec("a") + "\n" + rec("b") + "\n" + rec("c") + "\n" +
                            "{\"eventName\":\"Run\xff\xfeInstances\"}\n" + rec("e") + "\n";
  const ReadResult r = read_all(input);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b", "c", "e"}));
  EXPECT_EQ(r.indexes(), (std::vector<std::uint64_t>{0, 1, 2, 4}));
  EXPECT_EQ(r.counters.errors, 1u);
}

TEST(ReaderBadInput, UnclosedStringLineBetweenValidLines) {
  const std::string input = rec("a") + "\n" + R"({"eventName":"RunInst)" + "\n" + rec("c") + "\n";
  const ReadResult r = read_all(input);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(r.counters.errors, 1u);
}

TEST(ReaderBadInput, InvalidUtf8OnFirstLine) {
  const std::string input = "{\"eventName\":\"Run\xffInstances\"}\n" + rec("b") + "\n" + rec("c");
  const ReadResult r = read_all(input);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(r.counters.errors, 1u);
}

TEST(ReaderBadInput, NonObjectInArray) {
  const ReadResult r = read_all("[" + rec("a") + ",42," + rec("c") + "]");
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(r.indexes(), (std::vector<std::uint64_t>{0, 2}));
  EXPECT_EQ(r.counters.errors, 1u);
  EXPECT_EQ(r.counters.records, 2u);
}

TEST(ReaderBadInput, EventNameOfWrongTypeSkipsOnlyThatRecord) {
  const std::string bad =
      R"({"eventVersion":"1.08","eventSource":"ec2.amazonaws.com","eventName":42,"eventID":"b"})";
  const ReadResult r = read_all(R"({"Records":[)" + rec("a") + "," + bad + "," + rec("c") + "]}");
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(r.indexes(), (std::vector<std::uint64_t>{0, 2}));
  EXPECT_EQ(r.counters.errors, 1u);
}

TEST(ReaderBadInput, RequestParametersStringIsAWarningOnly) {
  const std::string input = R"({"eventVersion":"1.08","eventSource":"ec2.amazonaws.com",)"
                            R"("eventName":"RunInstances","eventID":"a",)"
                            R"("requestParameters":"instanceType=p3.2xlarge"})";
  const ReadResult r = read_all(input);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.counters.errors, 0u);
  EXPECT_EQ(r.events[0].event_id, "a");
  EXPECT_TRUE(r.events[0].launch.is_launch_api);
  EXPECT_TRUE(r.events[0].launch.instance_types.empty());
}

TEST(ReaderBadInput, NullRequestAndResponse) {
  const std::string input = R"({"eventVersion":"1.08","eventSource":"ec2.amazonaws.com",)"
                            R"("eventName":"RunInstances","eventID":"a","userIdentity":null,)"
                            R"("requestParameters":null,"responseElements":null})";
  const ReadResult r = read_all(input);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.counters.errors, 0u);
  EXPECT_TRUE(r.events[0].launch.is_launch_api);
  EXPECT_TRUE(r.events[0].launch.instance_types.empty());
  EXPECT_EQ(r.events[0].launch.launched_count, 0);
  EXPECT_EQ(r.events[0].launch.outcome, Outcome::launch);
}

TEST(ReaderBadInput, EmptyAndBlankInput) {
  for (std::string input :
       {std::string(), std::string(" \n\r\n\t "), std::string("\xEF\xBB\xBF")}) {
    SCOPED_TRACE(testing::PrintToString(input));
    const ReadResult r = read_all(input);
    EXPECT_TRUE(r.events.empty());
    EXPECT_EQ(r.counters.records, 0u);
    EXPECT_EQ(r.counters.documents, 0u);
    EXPECT_EQ(r.counters.errors, 0u);
  }
}

TEST(ReaderBadInput, BinaryGarbage) {
  std::string garbage;
  std::mt19937 rng(7);
  for (int i = 0; i < 4096; ++i) {
    garbage += static_cast<char>(rng() & 0xff);
  }
  garbage[0] = '\x01'; // not a BOM or a bracket
  const ReadResult r = read_all(garbage);
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.counters.records, 0u);
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderBadInput, ScalarDocument) {
  const ReadResult r = read_all("42\n" + rec("a") + "\n");
  EXPECT_EQ(r.ids(), std::vector<std::string>{"a"});
  EXPECT_EQ(r.counters.errors, 1u);
}

TEST(ReaderBadInput, EnvelopeCutInTheMiddle) {
  const std::string full = R"({"Records":[)" + rec("a") + "," + rec("b") + "," + rec("c") + "]}";
  // Cut inside the third record, as a truncated gzip member leaves it.
  const std::size_t cut = full.find(R"("eventID":"c")");
  ASSERT_NE(cut, std::string::npos);
  const ReadResult r = read_all(full.substr(0, cut));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.indexes(), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderBadInput, EnvelopeCutInsideAString) {
  const std::string full = R"({"Records":[)" + rec("a") + "," + rec("b") + "]}";
  const std::size_t cut = full.rfind("us-east") + 3;
  const ReadResult r = read_all(full.substr(0, cut));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a"}));
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderBadInput, BareArrayCutAfterComma) {
  const ReadResult r = read_all("[" + rec("a") + "," + rec("b") + ",");
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"a", "b"}));
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderBadInput, CutBeforeAnyRecordCompletes) {
  const std::string full = R"({"Records":[)" + rec("a") + "]}";
  const ReadResult r = read_all(full.substr(0, full.size() / 2));
  EXPECT_TRUE(r.events.empty());
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderBadInput, LookupEventWithBrokenInnerJson) {
  const std::string input = R"({"Events":[{"EventId":"x","CloudTrailEvent":"{\"eventName\":"},)" +
                            lookup_event("b") + "]}";
  const ReadResult r = read_all(input);
  EXPECT_EQ(r.ids(), std::vector<std::string>{"b"});
  EXPECT_EQ(r.counters.errors, 1u);
}

// ---------------------------------------------------------------------------------------------
// Streaming, size, want()

// Parses `input` in chunks with final=false, carrying the unconsumed tail, then a final parse.
ReadResult read_streaming(std::string_view input, std::mt19937& rng, std::size_t max_chunk) {
  ReadResult result;
  RecordReader reader(want_all, [&](Event&& e) { result.events.push_back(std::move(e)); });
  reader.begin_source("test.json");
  std::uniform_int_distribution<std::size_t> size(1, max_chunk);
  std::string pending;
  for (std::size_t pos = 0; pos < input.size();) {
    const std::size_t n = std::min(size(rng), input.size() - pos);
    pending.append(input.substr(pos, n));
    pos += n;
    std::string buffer;
    buffer.reserve(pending.size() + k_padding);
    buffer.assign(pending);
    const std::size_t used = reader.parse(buffer.data(), buffer.size(), false);
    EXPECT_LE(used, pending.size());
    pending.erase(0, used);
  }
  std::string buffer;
  buffer.reserve(pending.size() + k_padding);
  buffer.assign(pending);
  reader.parse(buffer.data(), buffer.size(), true);
  result.counters = reader.counters();
  return result;
}

TEST(ReaderStreaming, ChunkedNdjsonEqualsOneParse) {
  std::string input;
  for (int i = 0; i < 60; ++i) {
    input += rec("id-" + std::to_string(i)) + "\n";
  }
  const ReadResult whole = read_all(input);
  ASSERT_EQ(whole.events.size(), 60u);
  for (std::size_t max_chunk : {7u, 64u, 300u, 5000u}) {
    SCOPED_TRACE(max_chunk);
    std::mt19937 rng(static_cast<unsigned>(max_chunk));
    const ReadResult streamed = read_streaming(input, rng, max_chunk);
    EXPECT_EQ(streamed.ids(), whole.ids());
    EXPECT_EQ(streamed.indexes(), whole.indexes());
    EXPECT_EQ(streamed.counters.errors, 0u);
    EXPECT_EQ(streamed.counters.records, 60u);
  }
}

TEST(ReaderStreaming, IncompleteDocumentIsNotConsumed) {
  const std::string input = rec("a") + "\n" + rec("b").substr(0, 20);
  RecordReader reader(want_all, [](Event&&) {});
  reader.begin_source("s");
  std::string buffer;
  buffer.reserve(input.size() + k_padding);
  buffer.assign(input);
  const std::size_t used = reader.parse(buffer.data(), buffer.size(), false);
  EXPECT_EQ(used, rec("a").size() + 1);
  EXPECT_EQ(reader.counters().records, 1u);
  EXPECT_EQ(reader.counters().errors, 0u);
}

TEST(ReaderSize, HugeUserAgentIsRead) {
  const std::string agent(1 << 20, 'u');
  const std::string input = R"({"eventVersion":"1.08","eventSource":"ec2.amazonaws.com",)"
                            R"("eventName":"RunInstances","eventID":"big","userAgent":")" +
                            agent + R"("})" + "\n" + rec("after") + "\n";
  const ReadResult r = read_all(input);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].user_agent.size(), agent.size());
  EXPECT_EQ(r.events[1].event_id, "after");
  EXPECT_EQ(r.counters.errors, 0u);
}

TEST(ReaderWant, UnwantedRecordsAreCountedNotDelivered) {
  const std::string input = R"({"Records":[)" + rec("a", "DescribeInstances") + "," +
                            rec("b", "RunInstances") + "," + rec("c", "DescribeInstances") + "]}";
  const ReadResult r =
      read_all(input, [](std::string_view name) { return name == "RunInstances"; });
  EXPECT_EQ(r.ids(), std::vector<std::string>{"b"});
  EXPECT_EQ(r.indexes(), std::vector<std::uint64_t>{1});
  EXPECT_EQ(r.counters.records, 3u);
  EXPECT_EQ(r.counters.examined, 1u);
}

TEST(ReaderSources, BeginSourceRestartsIndexes) {
  std::vector<Event> events;
  RecordReader reader(want_all, [&](Event&& e) { events.push_back(std::move(e)); });
  for (const char* name : {"one.json", "two.json"}) {
    reader.begin_source(name);
    std::string buffer = rec("a") + "\n" + rec("b") + "\n";
    buffer.reserve(buffer.size() + k_padding);
    reader.parse(buffer.data(), buffer.size(), true);
  }
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2].origin.source, "two.json");
  EXPECT_EQ(events[2].origin.record, 0u);
  EXPECT_EQ(events[3].origin.record, 1u);
  EXPECT_EQ(reader.counters().records, 4u);
}

// Hostile input (issue 13): inputs that once crashed the reader, now errors for that document.

TEST(ReaderHostile, MismatchedBracketsInCutDocumentDoNotLoop) {
  // `{"":[[}` was "repaired" into another cut document, and repaired again, forever.
  const ReadResult r = read_all(R"({"":[[})");
  EXPECT_TRUE(r.events.empty());
  EXPECT_GE(r.counters.errors, 1u);
  EXPECT_EQ(r.consumed, 7u);
}

TEST(ReaderHostile, MismatchedBracketsOnSecondNdjsonLineKeepTheFirst) {
  const ReadResult r = read_all(rec("a") + "\n" + R"({"":[[})" + "\n");
  EXPECT_EQ(r.ids(), std::vector<std::string>{"a"});
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderHostile, RepairThatIsStillCutIsReportedOnce) {
  // A cut envelope whose only complete "record" closes a bracket of the wrong kind.
  const ReadResult r = read_all(R"({"Records":[{"a":[}],[)");
  EXPECT_TRUE(r.events.empty());
  EXPECT_GE(r.counters.errors, 1u);
}

// Wraps `inner` in `levels` EventBridge envelopes.
std::string eventbridge_nested(std::string_view inner, int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i) {
    out += R"({"version":"0","detail-type":"AWS API Call via CloudTrail","detail":)";
  }
  out += inner;
  out.append(static_cast<std::size_t>(levels), '}');
  return out;
}

TEST(ReaderHostile, DeeplyNestedEventBridgeDetailIsAnErrorNotACrash) {
  // 30,000 levels once overflowed the stack (330 KB of input).
  const ReadResult r = read_all(eventbridge_nested(rec("deep"), 30000) + "\n" + rec("after"));
  EXPECT_EQ(r.ids(), std::vector<std::string>{"after"});
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderHostile, RealisticEventBridgeNestingIsRead) {
  const ReadResult r = read_all(eventbridge_nested(rec("one"), 1));
  EXPECT_EQ(r.ids(), std::vector<std::string>{"one"});
  EXPECT_EQ(r.counters.errors, 0u);
}

TEST(ReaderHostile, DeeplyNestedLookupStringsAreAnErrorNotACrash) {
  // CloudTrailEvent strings inside CloudTrailEvent strings, each level escaped once more.
  std::string doc = rec("deep");
  for (int i = 0; i < 10; ++i) {
    doc = R"({"EventId":"x","CloudTrailEvent":")" + escaped(doc) + R"("})";
  }
  const ReadResult r = read_all(doc + "\n" + rec("after"));
  EXPECT_EQ(r.ids(), std::vector<std::string>{"after"});
  EXPECT_GE(r.counters.errors, 1u);
}

TEST(ReaderHostile, LookupStringInsideLookupStringIsRead) {
  const std::string inner = R"({"EventId":"x","CloudTrailEvent":")" + escaped(rec("two")) + R"("})";
  const std::string outer = R"({"EventId":"y","CloudTrailEvent":")" + escaped(inner) + R"("})";
  const ReadResult r = read_all(outer + "\n" + rec("after"));
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"two", "after"}));
  EXPECT_EQ(r.counters.errors, 0u);
}

} // namespace
} // namespace trailwatch
