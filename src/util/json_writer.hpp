// SPDX-License-Identifier: MIT
// JsonWriter: a small streaming JSON encoder. Strings are escaped per RFC 8259 (quote, backslash,
// control characters as \u00XX) and invalid UTF-8 is replaced by U+FFFD, so the output is always
// valid JSON and valid UTF-8 whatever the input held.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace trailwatch::util {

// Appends `text` to `out` as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view text);

// Replaces invalid UTF-8 sequences in `text` by U+FFFD.
std::string sanitize_utf8(std::string_view text);

class JsonWriter {
public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Writes an object key; the next call writes its value.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // Writes `json` as it is: the caller guarantees it is one valid, compact JSON value.
  JsonWriter& raw(std::string_view json);
  // Writes `key` with a string value, or null when `text` is empty.
  JsonWriter& field_or_null(std::string_view name, std::string_view text);

  const std::string& str() const { return m_out; }
  std::string take() { return std::move(m_out); }

private:
  void separate();
  std::string m_out;
  bool m_need_comma = false;
};

} // namespace trailwatch::util
