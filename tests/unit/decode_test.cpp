// SPDX-License-Identifier: MIT
// decode.hpp: gzip detection by magic bytes, plain passthrough, single and multi-member gzip,
// truncated and corrupt members (prefix recovered), trailing garbage, the output size cap, and
// StreamDecoder fed in chunks of any size. Gzip data is made here with zlib.
#include "input/decode.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>
#include <zlib.h>

namespace trailwatch {
namespace {

// Compresses `data` as one gzip member (windowBits 15 + 16).
std::string gzip(std::string_view data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Text that compresses poorly, so a cut in the compressed stream lands near the same fraction
// of the output.
std::string varied_text(std::size_t lines) {
  std::mt19937 rng(42);
  std::string text;
  for (std::size_t i = 0; i < lines; ++i) {
    text += "{\"eventID\":\"" + std::to_string(rng()) + "-" + std::to_string(rng()) +
            "\",\"n\":" + std::to_string(i) + "}\n";
  }
  return text;
}

// Feeds `input` to a StreamDecoder in chunks of the sizes `next_size()` returns.
template <typename NextSize>
std::string stream_decode(std::string_view input, NextSize next_size, bool& finished_ok,
                          bool& fed_ok) {
  StreamDecoder decoder;
  std::string out;
  fed_ok = true;
  for (std::size_t pos = 0; pos < input.size();) {
    const std::size_t n = std::min(next_size(), input.size() - pos);
    fed_ok = decoder.feed(input.substr(pos, n), out) && fed_ok;
    pos += n;
  }
  finished_ok = decoder.finish(out);
  return out;
}

TEST(DecodeMagic, DetectsGzipByFirstTwoBytesOnly) {
  EXPECT_TRUE(looks_gzip("\x1f\x8b"));
  EXPECT_TRUE(looks_gzip(gzip("x")));
  EXPECT_FALSE(looks_gzip(""));
  EXPECT_FALSE(looks_gzip("\x1f"));
  EXPECT_FALSE(looks_gzip("\x8b\x1f"));
  EXPECT_FALSE(looks_gzip("{\"Records\":[]}"));
  EXPECT_FALSE(looks_gzip(std::string("\x1f\x00", 2)));
}

TEST(DecodeAll, PlainInputPassesThroughPadded) {
  const std::string input = "{\"Records\":[]}\n";
  const Decoded d = decode_all(input, 1 << 20);
  EXPECT_FALSE(d.gzip);
  EXPECT_TRUE(d.error.empty());
  EXPECT_EQ(d.data, input);
  EXPECT_GE(d.data.capacity(), d.data.size() + k_padding);
}

TEST(DecodeAll, EmptyInputIsPlainAndEmpty) {
  const Decoded d = decode_all("", 1 << 20);
  EXPECT_FALSE(d.gzip);
  EXPECT_TRUE(d.error.empty());
  EXPECT_TRUE(d.data.empty());
}

TEST(DecodeAll, SingleMember) {
  const std::string text = varied_text(200);
  const Decoded d = decode_all(gzip(text), 64 << 20);
  EXPECT_TRUE(d.gzip);
  EXPECT_TRUE(d.error.empty()) << d.error;
  EXPECT_EQ(d.data, text);
  EXPECT_GE(d.data.capacity(), d.data.size() + k_padding);
}

TEST(DecodeAll, MultiMemberIsConcatenated) {
  const std::string a = varied_text(50);
  const std::string b = "{\"second\":true}\n";
  const std::string c = varied_text(3);
  const Decoded d = decode_all(gzip(a) + gzip(b) + gzip(c), 64 << 20);
  EXPECT_TRUE(d.gzip);
  EXPECT_TRUE(d.error.empty()) << d.error;
  EXPECT_EQ(d.data, a + b + c);
}

TEST(DecodeAll, MemberLargerThanFirstGuessGrows) {
  // 8 MB of zeros compresses ~1000:1, far beyond the initial output guess.
  const std::string zeros(8 << 20, '\0');
  const Decoded d = decode_all(gzip(zeros), 64 << 20);
  EXPECT_TRUE(d.error.empty()) << d.error;
  EXPECT_EQ(d.data.size(), zeros.size());
  EXPECT_EQ(d.data, zeros);
}

TEST(DecodeAll, TruncatedMemberRecoversPrefixAndReportsError) {
  const std::string text = varied_text(20000);
  const std::string z = gzip(text);
  ASSERT_GT(z.size(), 1000u);
  const std::string cut = z.substr(0, z.size() / 2);
  const Decoded d = decode_all(cut, 64 << 20);
  EXPECT_TRUE(d.gzip);
  EXPECT_FALSE(d.error.empty());
  // Bytes before the cut are recovered: a real prefix of the original, a good part of it.
  ASSERT_GT(d.data.size(), text.size() / 4);
  EXPECT_LT(d.data.size(), text.size());
  EXPECT_EQ(text.compare(0, d.data.size(), d.data), 0);
  EXPECT_GE(d.data.capacity(), d.data.size() + k_padding);
}

TEST(DecodeAll, TruncatedSecondMemberKeepsFirstMemberAndPrefix) {
  const std::string a = varied_text(100);
  const std::string b = varied_text(20000);
  const std::string zb = gzip(b);
  const std::string input = gzip(a) + zb.substr(0, zb.size() - zb.size() / 3);
  const Decoded d = decode_all(input, 64 << 20);
  EXPECT_FALSE(d.error.empty());
  ASSERT_GT(d.data.size(), a.size());
  EXPECT_EQ(d.data.compare(0, a.size(), a), 0);
  EXPECT_EQ(b.compare(0, d.data.size() - a.size(), d.data.substr(a.size())), 0);
}

TEST(DecodeAll, MissingTrailerIsAnError) {
  // Only the 8-byte CRC/ISIZE trailer is missing: all data is there, but the member is cut.
  const std::string text = varied_text(100);
  const std::string z = gzip(text);
  const Decoded d = decode_all(z.substr(0, z.size() - 8), 64 << 20);
  EXPECT_FALSE(d.error.empty());
  EXPECT_EQ(text.compare(0, d.data.size(), d.data), 0);
}

TEST(DecodeAll, CorruptDataIsAnError) {
  const std::string text = varied_text(2000);
  std::string z = gzip(text);
  for (std::size_t i = z.size() / 2; i < z.size() / 2 + 64; ++i) {
    z[i] = static_cast<char>(~z[i]);
  }
  const Decoded d = decode_all(z, 64 << 20);
  EXPECT_FALSE(d.error.empty());
  EXPECT_NE(d.data, text);
}

TEST(DecodeAll, TrailingGarbageKeepsDataAndReportsError) {
  const std::string text = "{\"Records\":[]}\n";
  const Decoded d = decode_all(gzip(text) + "this is not gzip", 1 << 20);
  EXPECT_EQ(d.data, text);
  EXPECT_FALSE(d.error.empty());
  EXPECT_NE(d.error.find("trailing garbage"), std::string::npos) << d.error;
}

TEST(DecodeAll, GzipBombStopsAtLimit) {
  const std::size_t limit = 1 << 20;
  const std::string bomb = gzip(std::string(20 << 20, '\0'), Z_BEST_COMPRESSION);
  ASSERT_LT(bomb.size(), 100u * 1024);
  const Decoded d = decode_all(bomb, limit);
  EXPECT_TRUE(d.gzip);
  EXPECT_FALSE(d.error.empty());
  EXPECT_NE(d.error.find("limit"), std::string::npos) << d.error;
  EXPECT_LE(d.data.size(), limit);
}

TEST(DecodeAll, OutputExactlyAtLimitIsAccepted) {
  const std::string text(4096, 'x');
  const Decoded d = decode_all(gzip(text), text.size());
  EXPECT_TRUE(d.error.empty()) << d.error;
  EXPECT_EQ(d.data, text);
}

TEST(StreamDecoder, OneByteChunksGiveSameOutput) {
  const std::string text = varied_text(300) + std::string(100000, 'z');
  const std::string input = gzip(text) + gzip("tail\n");
  bool finished = false, fed = false;
  const std::string out = stream_decode(
      input, [] { return std::size_t{1}; }, finished, fed);
  EXPECT_TRUE(fed);
  EXPECT_TRUE(finished);
  EXPECT_EQ(out, text + "tail\n");
}

TEST(StreamDecoder, RandomChunksGiveSameOutputAsDecodeAll) {
  const std::string text = varied_text(5000);
  const std::string input = gzip(text) + gzip(std::string(300000, '\0')) + gzip(varied_text(7));
  const Decoded whole = decode_all(input, 64 << 20);
  ASSERT_TRUE(whole.error.empty()) << whole.error;
  for (unsigned seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> size(1, 70000);
    bool finished = false, fed = false;
    const std::string out = stream_decode(
        input, [&] { return size(rng); }, finished, fed);
    EXPECT_TRUE(fed);
    EXPECT_TRUE(finished);
    EXPECT_EQ(out.size(), whole.data.size());
    EXPECT_TRUE(out == whole.data);
  }
}

TEST(StreamDecoder, WholeBombInOneChunkIsComplete) {
  // One chunk inflating to far more than the internal buffer.
  const std::string zeros(5 << 20, '\0');
  bool finished = false, fed = false;
  const std::string out = stream_decode(
      gzip(zeros), [] { return std::size_t{1} << 30; }, finished, fed);
  EXPECT_TRUE(fed);
  EXPECT_TRUE(finished);
  EXPECT_TRUE(out == zeros);
}

TEST(StreamDecoder, CutMemberFailsAtFinish) {
  const std::string text = varied_text(3000);
  const std::string z = gzip(text);
  StreamDecoder decoder;
  std::string out;
  EXPECT_TRUE(decoder.feed(std::string_view(z).substr(0, z.size() / 2), out));
  EXPECT_TRUE(decoder.gzip());
  EXPECT_FALSE(decoder.finish(out));
  EXPECT_FALSE(decoder.error().empty());
  // What came before the cut was delivered.
  EXPECT_GT(out.size(), 0u);
  EXPECT_EQ(text.compare(0, out.size(), out), 0);
}

TEST(StreamDecoder, CutAfterCompleteMemberFailsAtFinish) {
  const std::string a = "{\"a\":1}\n";
  const std::string zb = gzip(varied_text(50));
  StreamDecoder decoder;
  std::string out;
  EXPECT_TRUE(decoder.feed(gzip(a) + zb.substr(0, 10), out));
  EXPECT_FALSE(decoder.finish(out));
  EXPECT_EQ(out.substr(0, a.size()), a);
}

TEST(StreamDecoder, TrailingGarbageFails) {
  StreamDecoder decoder;
  std::string out;
  const bool fed = decoder.feed(gzip("x\n") + "garbage", out);
  EXPECT_FALSE(fed);
  EXPECT_FALSE(decoder.error().empty());
  EXPECT_EQ(out, "x\n");
  EXPECT_FALSE(decoder.finish(out));
}

TEST(StreamDecoder, CorruptMemberFails) {
  std::string z = gzip(varied_text(2000));
  for (std::size_t i = 20; i < 120; ++i) {
    z[i] = static_cast<char>(~z[i]);
  }
  StreamDecoder decoder;
  std::string out;
  const bool fed = decoder.feed(z, out);
  const bool finished = decoder.finish(out);
  EXPECT_FALSE(fed && finished);
  EXPECT_FALSE(decoder.error().empty());
}

TEST(StreamDecoder, PlainStreamOfOneByte) {
  StreamDecoder decoder;
  std::string out;
  EXPECT_TRUE(decoder.feed("{", out));
  EXPECT_TRUE(decoder.finish(out));
  EXPECT_EQ(out, "{");
  EXPECT_FALSE(decoder.gzip());
}

TEST(StreamDecoder, LoneGzipMagicByteIsPlain) {
  // A single 0x1f byte cannot be gzip (the magic needs two bytes): it passes through.
  StreamDecoder decoder;
  std::string out;
  EXPECT_TRUE(decoder.feed("\x1f", out));
  EXPECT_TRUE(decoder.finish(out));
  EXPECT_EQ(out, "\x1f");
}

TEST(StreamDecoder, PlainStreamInOneByteChunks) {
  const std::string text = "{\"Records\":[{\"eventName\":\"RunInstances\"}]}\n";
  bool finished = false, fed = false;
  const std::string out = stream_decode(
      text, [] { return std::size_t{1}; }, finished, fed);
  EXPECT_TRUE(fed);
  EXPECT_TRUE(finished);
  EXPECT_EQ(out, text);
}

TEST(StreamDecoder, EmptyStream) {
  StreamDecoder decoder;
  std::string out;
  EXPECT_TRUE(decoder.finish(out));
  EXPECT_TRUE(out.empty());
}

// Issue 15: the first member is sized from the gzip trailer's ISIZE. Exact for one member (a
// file compressing far better than 8 : 1 decodes in one pass); only a hint for several, where
// the last member's size says nothing about the first.
TEST(DecodeAll, HighRatioSingleMemberDecodesExactly) {
  std::string data;
  for (int i = 0; i < 40000; ++i) {
    data += R"({"eventName":"GetObject","eventSource":"s3.amazonaws.com"},)";
  }
  const std::string compressed = gzip(data, 9);
  ASSERT_GT(data.size(), compressed.size() * 50);
  const Decoded decoded = decode_all(compressed, std::size_t{1} << 30);
  EXPECT_TRUE(decoded.error.empty()) << decoded.error;
  EXPECT_EQ(decoded.data, data);
}

TEST(DecodeAll, MultiMemberWithASmallLastMemberStillDecodes) {
  const std::string big(3u << 20, 'x'); // 3 MiB of one byte: a tiny first member
  const std::string small = "tail";
  const Decoded decoded = decode_all(gzip(big) + gzip(small), std::size_t{1} << 30);
  EXPECT_TRUE(decoded.error.empty()) << decoded.error;
  EXPECT_EQ(decoded.data, big + small);
}

TEST(DecodeAll, BogusIsizeIsOnlyAHint) {
  std::string compressed = gzip(std::string(100000, 'a'));
  // A trailer claiming 4 GiB - 1: the decoder must not trust it beyond the limit.
  compressed.replace(compressed.size() - 4, 4, "\xff\xff\xff\xff");
  const Decoded decoded = decode_all(compressed, std::size_t{64} << 20);
  EXPECT_EQ(decoded.data.size(), 100000u) << decoded.error;
}

// Issue 15: a multi-member file whose members compress far better than 8 : 1 (the old first
// guess) and whose sizes differ (the trailer's ISIZE describes only the last) keeps what the
// earlier members decoded and decompresses each member exactly once.
TEST(DecodeInto, HighRatioMembersAreEachDecompressedOnce) {
  std::string records;
  for (int i = 0; i < 20000; ++i) {
    records += R"({"eventName":"Decrypt","eventSource":"kms.amazonaws.com","n":)" +
               std::to_string(i % 10) + "},";
  }
  std::string small;
  for (int i = 0; i < 500; ++i) {
    small += R"({"eventName":"GetCallerIdentity"},)";
  }
  const std::vector<std::string> parts = {records, small, records + records, small};
  std::string compressed, expected;
  for (const std::string& part : parts) {
    const std::string member = gzip(part, 9);
    ASSERT_GT(part.size(), member.size() * 9);
    compressed += member;
    expected += part;
  }
  Buffer out;
  bool is_gzip = false;
  DecodeCounters counters;
  const std::string error = decode_into(compressed, std::size_t{1} << 30, out, is_gzip, &counters);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_TRUE(is_gzip);
  EXPECT_TRUE(out.view() == expected);
  EXPECT_EQ(counters.members, parts.size());
  EXPECT_EQ(counters.inflate_calls, parts.size());
}

// The trailer's ISIZE describes only the last member: here 1 byte, for a file whose first member
// inflates 1000 : 1 to 4 MiB. It misleads nothing: one call per member.
TEST(DecodeInto, MisleadingIsizeOfATinyLastMemberCostsNoRetry) {
  const std::string data(4u << 20, 'q');
  const std::string compressed = gzip(data, 9) + gzip("x", 9);
  Buffer out;
  bool is_gzip = false;
  DecodeCounters counters;
  const std::string error = decode_into(compressed, std::size_t{64} << 20, out, is_gzip, &counters);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_TRUE(out.view() == data + "x");
  EXPECT_EQ(counters.inflate_calls, 2u);
}

// A bogus ISIZE (a lie, not a hint: libdeflate checks it) on a high-ratio file: the bytes are
// all recovered, the mismatch is reported, and libdeflate ran once.
TEST(DecodeInto, BogusIsizeOnAHighRatioFileRecoversEveryByte) {
  const std::string data(2u << 20, 'r');
  std::string compressed = gzip(data, 9);
  compressed.replace(compressed.size() - 4, 4, std::string("\x01\x00\x00\x00", 4));
  Buffer out;
  bool is_gzip = false;
  DecodeCounters counters;
  const std::string error = decode_into(compressed, std::size_t{64} << 20, out, is_gzip, &counters);
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(out.view() == data);
  EXPECT_EQ(counters.inflate_calls, 1u);
}

// A member beyond the limit stops with the limit error after one call, whatever ISIZE says.
TEST(DecodeInto, BombBehindAHugeIsizeStopsAtTheLimitInOneCall) {
  std::string compressed = gzip(std::string(8u << 20, '\0'), 9);
  compressed.replace(compressed.size() - 4, 4, "\xff\xff\xff\xff");
  Buffer out;
  bool is_gzip = false;
  DecodeCounters counters;
  const std::string error = decode_into(compressed, std::size_t{1} << 20, out, is_gzip, &counters);
  EXPECT_NE(error.find("limit"), std::string::npos) << error;
  EXPECT_LE(out.size(), std::size_t{1} << 20);
  EXPECT_EQ(counters.inflate_calls, 1u);
}

// The buffer keeps its bytes across growth (mremap) and reuse.
TEST(Buffer, KeepsBytesWhenGrowingAndAfterMove) {
  Buffer buffer;
  buffer.append("head");
  char* room = buffer.reserve_more(std::size_t{256} << 20); // address space only
  ASSERT_NE(room, nullptr);
  std::memcpy(room, "tail", 4);
  buffer.commit(4);
  EXPECT_EQ(buffer.view(), "headtail");
  Buffer moved(std::move(buffer));
  EXPECT_EQ(moved.view(), "headtail");
  moved.clear();
  moved.append("again");
  EXPECT_EQ(moved.view(), "again");
}

} // namespace
} // namespace trailwatch
