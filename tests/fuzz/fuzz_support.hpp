// SPDX-License-Identifier: MIT
// Helpers shared by the fuzz harnesses: reporting a finding, and turning fuzz bytes into field
// values and alerts.
#pragma once

#include "trailwatch/alert.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch::fuzz {

// A finding: prints `what` (and `detail`, cut to a readable length) and aborts, which libFuzzer
// and fuzz_replay report as a crash with this input.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  constexpr std::size_t k_max_detail = 2000;
  std::fprintf(stderr, "FUZZ FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) {
    const std::size_t shown = detail.size() < k_max_detail ? detail.size() : k_max_detail;
    std::fprintf(stderr, "  %.*s%s\n", static_cast<int>(shown), detail.data(),
                 shown < detail.size() ? " [...]" : "");
  }
  std::fflush(stderr);
  std::abort();
}

inline void require(bool condition, std::string_view what, std::string_view detail = {}) {
  if (!condition) {
    fail(what, detail);
  }
}

// Splits fuzz bytes into field values. Fields are separated by the byte 0xFF, which never occurs
// in UTF-8, so values can still hold every valid character, control characters and other
// invalid UTF-8. Past the end every field is empty (or zero).
class FieldSource {
public:
  FieldSource(const std::uint8_t* data, std::size_t size)
      : m_rest(reinterpret_cast<const char*>(data), size) {}

  std::string text() {
    const std::size_t end = m_rest.find('\xFF');
    std::string value(m_rest.substr(0, end));
    m_rest = end == std::string_view::npos ? std::string_view() : m_rest.substr(end + 1);
    return value;
  }

  // The next field's first 8 bytes as a little-endian number (0 for an empty field).
  std::uint64_t number() {
    const std::string value = text();
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < value.size() && i < 8; ++i) {
      n |= static_cast<std::uint64_t>(static_cast<unsigned char>(value[i])) << (8 * i);
    }
    return n;
  }

  // Nothing for an empty field, else number() of it as a signed value.
  std::optional<std::int64_t> optional_signed() {
    const bool present = !m_rest.empty() && m_rest.front() != '\xFF';
    const std::uint64_t n = number();
    return present ? std::optional<std::int64_t>(static_cast<std::int64_t>(n)) : std::nullopt;
  }

  // The next field split into items at 0xFE (also invalid UTF-8); empty field → no items.
  std::vector<std::string> list() {
    const std::string value = text();
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start < value.size()) {
      std::size_t end = value.find('\xFE', start);
      if (end == std::string::npos) {
        end = value.size();
      }
      items.push_back(value.substr(start, end - start));
      start = end + 1;
    }
    return items;
  }

  bool empty() const { return m_rest.empty(); }

private:
  std::string_view m_rest;
};

// An alert whose every field (those alert_to_json writes and those the Slack message shows) is
// taken from `in`, in a fixed order. Enumerations take a value modulo their size. The result is
// well-formed except that rule_id may be empty.
inline Alert alert_from_fields(FieldSource& in) {
  Alert a;
  Event& e = a.event;
  LaunchFacts& l = e.launch;
  GeoInfo& g = a.geo;
  a.rule_id = in.text();
  a.rule_title = in.text();
  const std::uint64_t enums = in.number();
  a.level = static_cast<Level>(enums % 5);
  l.outcome = static_cast<Outcome>((enums >> 8) % 5);
  g.kind = static_cast<SourceKind>((enums >> 16) % 7);
  l.is_launch_api = ((enums >> 24) & 1) != 0;
  a.count = in.number();
  e.event_id = in.text();
  e.event_time = in.text();
  e.event_name = in.text();
  e.event_source = in.text();
  e.aws_region = in.text();
  e.account = in.text();
  e.recipient_account_id = in.text();
  e.actor = in.text();
  e.identity.type = in.text();
  e.identity.arn = in.text();
  e.identity.access_key_id = in.text();
  e.identity.invoked_by = in.text();
  e.source_ip = in.text();
  g.country = in.text();
  g.country_name = in.text();
  g.city = in.text();
  if (const auto asn = in.optional_signed()) {
    g.asn = static_cast<std::uint32_t>(*asn);
  }
  g.asn_org = in.text();
  e.user_agent = in.text();
  l.instance_types = in.list();
  l.request_types = in.list();
  l.response_types = in.list();
  l.min_count = in.optional_signed();
  l.max_count = in.optional_signed();
  l.launched_count = static_cast<std::int64_t>(in.number());
  const std::vector<std::string> ids = in.list();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    l.instances.push_back({ids[i], i % 2 == 0 ? std::string() : ids[i - 1],
                           "10.0.0." + std::to_string(i), i % 3 == 0 ? "us-east-1a" : ""});
  }
  l.launch_template = in.text();
  e.error_code = in.text();
  e.error_message = in.text();
  e.origin.source = in.text();
  e.origin.record = in.number();
  return a;
}

} // namespace trailwatch::fuzz
