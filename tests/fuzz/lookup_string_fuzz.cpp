// SPDX-License-Identifier: MIT
// lookup_string_fuzz: the JSON-in-a-string path. `aws cloudtrail lookup-events` output carries
// each record as a JSON text inside the string "CloudTrailEvent"; the reader unescapes it and
// parses it again with a parser of its own per nesting level (reader.cpp handle_lookup_string).
// The input becomes that string twice:
//   1. escaped, so the decoded string is exactly the input bytes (arbitrary JSON in the string);
//   2. raw, so the input's own escapes (\u0022, \\\", \") are what the unescaper decodes, and
//      the input may close the string and go on as outer JSON.
// Checks: no crash, hang or sanitizer report; every record wanted so every level is copied out.
#include "input/decode.hpp"
#include "input/reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace trailwatch;

// `text` as the body of a JSON string literal: quote and backslash escaped, control characters
// as \u00XX, everything else (invalid UTF-8 too) as it is.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

void read_events(std::string_view body) {
  std::string buffer = R"({"Events":[{"EventId":"fuzz","EventName":"RunInstances",)"
                       R"("CloudTrailEvent":")";
  buffer += body;
  buffer += "\"}]}\n";
  ensure_padding(buffer);
  // Reused across inputs, as a worker reuses its reader across files.
  static RecordReader reader([](std::string_view) { return true; }, [](auto&&) {});
  reader.begin_source("fuzz-lookup");
  reader.parse(buffer.data(), buffer.size(), true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  read_events(escaped(input));
  read_events(input);
  return 0;
}
