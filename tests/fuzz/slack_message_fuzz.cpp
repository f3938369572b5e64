// SPDX-License-Identifier: MIT
// slack_message_fuzz: the Slack message builder on hostile alert values. Every value of an alert
// comes from the fuzz bytes (fields split at 0xFF, see fuzz_support.hpp); the alert is rendered
// with the built-in template and with one that shows every placeholder, and a digest is built
// from it and up to 63 variants. Each payload must be something Slack accepts and that cannot
// notify, link or reorder text:
//   - valid JSON (parsed with simdjson, which also rejects invalid UTF-8) of the expected shape;
//   - within the limits of slack_message.hpp: header and section text, block count, all block
//     text, the fallback text;
//   - in mrkdwn text (section, context, fallback): no `<` or `>` at all (neither template has
//     one, so any would come from a value) and every `&` starts &amp; &lt; or &gt;;
//   - no control character (other than the template's newlines in mrkdwn) and no bidi control
//     or line separator anywhere (issue 13 item 8: Slack output neutralises them).
// An alert is untrusted data end to end: the event fields come from CloudTrail input.
#include "fuzz_support.hpp"
#include "sinks/slack/slack_message.hpp"

#include <cstddef>
#include <cstdint>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace trailwatch;
using trailwatch::fuzz::require;

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

// `text` is valid UTF-8 (simdjson checked it). Fails on control, bidi and separator characters.
void require_inert(std::string_view text, bool newlines_allowed, std::string_view where) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    const bool control = (cp < 0x20 && !(newlines_allowed && cp == '\n')) || cp == 0x7F ||
                         (cp >= 0x80 && cp <= 0x9F);
    const bool bidi = cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
                      (cp >= 0x2066 && cp <= 0x2069);
    require(!control && !bidi, "control, bidi or separator character in Slack text", where);
    i += len;
  }
}

// Mrkdwn from values must show as text: no raw angle brackets, `&` only as an entity.
void require_escaped(std::string_view text, std::string_view where) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    require(text[i] != '<' && text[i] != '>', "unescaped < or > in mrkdwn", where);
    if (text[i] == '&') {
      const std::string_view rest = text.substr(i + 1);
      require(rest.starts_with("amp;") || rest.starts_with("lt;") || rest.starts_with("gt;"),
              "unescaped & in mrkdwn", where);
    }
  }
}

std::string_view string_at(simdjson::dom::element element, std::string_view key,
                           const std::string& payload) {
  std::string_view text;
  require(element[key].get(text) == simdjson::SUCCESS, "payload member is not a string", payload);
  return text;
}

void check_mrkdwn_object(simdjson::dom::element object, std::size_t limit, std::size_t& total,
                         const std::string& payload) {
  require(string_at(object, "type", payload) == "mrkdwn", "text object is not mrkdwn", payload);
  const std::string_view text = string_at(object, "text", payload);
  require(!text.empty(), "empty mrkdwn text", payload);
  require(code_points(text) <= limit, "mrkdwn text over Slack's limit", text);
  require_escaped(text, text);
  require_inert(text, true, text);
  total += code_points(text);
}

void check_payload(const std::string& payload) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  require(parser.parse(payload).get(root) == simdjson::SUCCESS, "payload is not valid JSON",
          payload);
  const std::string_view fallback = string_at(root, "text", payload);
  require(code_points(fallback) <= k_slack_fallback_limit, "fallback text over its limit",
          fallback);
  require_escaped(fallback, fallback);
  require_inert(fallback, false, fallback);
  bool unfurl = true;
  require(root["unfurl_links"].get(unfurl) == simdjson::SUCCESS && !unfurl,
          "unfurl_links is not false", payload);
  require(root["unfurl_media"].get(unfurl) == simdjson::SUCCESS && !unfurl,
          "unfurl_media is not false", payload);
  simdjson::dom::array blocks;
  require(root["blocks"].get(blocks) == simdjson::SUCCESS, "no blocks array", payload);
  require(blocks.size() <= k_slack_max_blocks, "too many blocks", payload);
  std::size_t total = 0;
  for (simdjson::dom::element block : blocks) {
    const std::string_view type = string_at(block, "type", payload);
    simdjson::dom::element text;
    if (type == "header") {
      require(block["text"].get(text) == simdjson::SUCCESS, "header without text", payload);
      require(string_at(text, "type", payload) == "plain_text", "header not plain_text", payload);
      const std::string_view header = string_at(text, "text", payload);
      require(!header.empty(), "empty header", payload);
      require(code_points(header) <= k_slack_header_limit, "header over Slack's limit", header);
      require_inert(header, false, header);
      total += code_points(header);
    } else if (type == "section") {
      require(block["text"].get(text) == simdjson::SUCCESS, "section without text", payload);
      check_mrkdwn_object(text, k_slack_section_limit, total, payload);
    } else if (type == "context") {
      simdjson::dom::array elements;
      require(block["elements"].get(elements) == simdjson::SUCCESS, "context without elements",
              payload);
      for (simdjson::dom::element element : elements) {
        check_mrkdwn_object(element, k_slack_section_limit, total, payload);
      }
    } else {
      fuzz::fail("unexpected block type", payload);
    }
  }
  require(total <= k_slack_message_text_limit, "block text over the message budget", payload);
}

// A template showing every placeholder both inside and outside a code span.
SlackTemplate every_field_template() {
  std::string text = "# every field\n";
  for (const std::string_view name : slack_template_fields()) {
    text += "*" + std::string(name) + ":* `$" + std::string(name) + "$` $" + std::string(name) +
            "$ $$\n";
  }
  return SlackTemplate::parse(text, "every-field template");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const SlackTemplate builtin = SlackTemplate::builtin();
  static const SlackTemplate every_field = every_field_template();
  fuzz::FieldSource in(data, size);
  const Alert alert = fuzz::alert_from_fields(in);
  check_payload(build_slack_payload(alert, builtin));
  check_payload(build_slack_payload(alert, every_field));

  // Digest: the alert and variants in other groups (actor and level differ), so grouping,
  // ordering and packing into sections within the limits are all exercised.
  std::vector<Alert> alerts{alert};
  const std::uint64_t variants = in.number() % 64;
  for (std::uint64_t i = 0; i < variants; ++i) {
    Alert variant = alert;
    variant.event.actor += in.empty() ? std::to_string(i) : in.text();
    variant.level = static_cast<Level>((static_cast<std::uint64_t>(alert.level) + i) % 5);
    variant.count = alert.count + i;
    alerts.push_back(std::move(variant));
  }
  check_payload(build_digest_payload(alerts));
  return 0;
}
