// SPDX-License-Identifier: MIT
// Slack message building: Block Kit payloads, mrkdwn escaping, templates and digests.
//
// Approach: every value that comes from an event or a GeoIP database goes through one pipeline,
// mrkdwn_value(): (1) invalid UTF-8, control characters, bidi controls and line separators
// become U+FFFD, so a value cannot fake extra lines or reorder text; (2) backticks become ˋ
// (U+02CB), because mrkdwn has no escape for them and one would end a code span; (3) `&`, `<`
// and `>` are escaped, in that order, so Slack control syntax (`<!channel>`, `<@U123>`,
// `<https://evil|text>`) shows as text instead of notifying people or planting links;
// (4) the result is truncated to a per-field limit.
//
// Traps: Slack limits count characters, not bytes, and escaping can grow text five-fold, so we
// truncate after escaping, on a code point boundary and never inside an `&…;` entity (a cut
// `&am` would show garbage). A megabyte user agent is cut to its first few hundred code points
// before escaping, which gives the same result as escaping it all. The JSON itself is written by
// util::JsonWriter, which escapes quotes, backslashes and control characters. `*`, `_` and `~`
// cannot be escaped in mrkdwn; the default template keeps untrusted values in code spans, where
// they have no effect. Header blocks are plain_text (never parsed for mentions), so they are
// not entity-escaped; they only carry the rule title, which comes from our own rule files.
#include "sinks/slack/slack_message.hpp"

#include "facts/field.hpp"

#include "trailwatch/error.hpp"
#include "util/json_writer.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>

namespace trailwatch {
namespace {

constexpr std::string_view k_ellipsis = "\xE2\x80\xA6";       // …
constexpr std::string_view k_replacement = "\xEF\xBF\xBD";    // U+FFFD
constexpr std::string_view k_backtick_lookalike = "\xCB\x8B"; // ˋ U+02CB
constexpr std::string_view k_separator = " \xC2\xB7 ";        // " · "
constexpr std::size_t k_max_template_bytes = 64 * 1024;
constexpr std::size_t k_max_instance_types = 10;
constexpr std::size_t k_digest_max_types = 5;

// The built-in template. Keep examples/slack-template.txt in step (a unit test compares them).
constexpr std::string_view k_default_template =
    "*$title$*  \xC2\xB7  level *$level$*\n"
    "*Outcome:* *$outcome$*  \xC2\xB7  *Instance types:* `$instanceTypes$`  \xC2\xB7  requested "
    "`$requested$`  \xC2\xB7  launched `$launched$`\n"
    "*Error:* `$errorCode$`\n"
    "*Account:* `$account$`  \xC2\xB7  *Region:* `$awsRegion$`\n"
    "*Actor:* `$actor$`  \xC2\xB7  `$identityType$`  \xC2\xB7  key `$accessKeyId$`\n"
    "*Source:* `$sourceIPAddress$`  $geo$\n"
    "*Instances:* `$instanceIds$`\n"
    "*Launch template:* `$launchTemplate$`\n"
    "*User agent:* `$userAgent$`\n"
    "*Event:* `$eventName$` (`$eventSource$`) at `$eventTime$`\n"
    "*Fields:* $fields$\n"
    "*Rule:* `$rule$`  \xC2\xB7  *Tags:* `$tags$`\n"
    "*Also matched:* $also$\n";

// One template field: its name and the most code points its escaped value may take.
struct FieldSpec {
  std::string_view name;
  std::size_t limit;
};

// Order matters: field_values() fills values by these indices.
constexpr std::array<FieldSpec, 36> k_fields = {{
    {"rule", 128},
    {"title", 150},
    {"level", 16},
    {"eventTime", 40},
    {"eventID", 64},
    {"eventName", 128},
    {"eventSource", 128},
    {"awsRegion", 32},
    {"account", 32},
    {"actor", 200},
    {"identityType", 64},
    {"accessKeyId", 32},
    {"sourceIPAddress", 64},
    {"country", 8},
    {"countryName", 64},
    {"city", 64},
    {"asn", 16},
    {"asnOrg", 128},
    {"instanceTypes", 300},
    {"requested", 48},
    {"launched", 24},
    {"instanceIds", 200},
    {"errorCode", 128},
    {"outcome", 16},
    {"userAgent", 200},
    {"source", 300},
    {"sourceKind", 16},
    {"geo", 300},
    {"count", 24},
    {"arn", 256},
    {"invokedBy", 128},
    {"launchTemplate", 128},
    {"errorMessage", 300},
    {"fields", 1000},
    {"tags", 300},
    {"also", 1000},
}};

enum FieldIndex : std::size_t {
  f_rule,
  f_title,
  f_level,
  f_event_time,
  f_event_id,
  f_event_name,
  f_event_source,
  f_aws_region,
  f_account,
  f_actor,
  f_identity_type,
  f_access_key_id,
  f_source_ip,
  f_country,
  f_country_name,
  f_city,
  f_asn,
  f_asn_org,
  f_instance_types,
  f_requested,
  f_launched,
  f_instance_ids,
  f_error_code,
  f_outcome,
  f_user_agent,
  f_source,
  f_source_kind,
  f_geo,
  f_count,
  f_arn,
  f_invoked_by,
  f_launch_template,
  f_error_message,
  f_rule_fields,
  f_tags,
  f_also,
  f_field_count,
};
static_assert(f_field_count == k_fields.size());

// Placeholder names kept for compatibility with the Splunk alert's `$result.instanceType$`.
int find_field(std::string_view name) {
  if (name.starts_with("result.")) {
    name.remove_prefix(7);
  }
  if (name == "instanceType") {
    return f_instance_types;
  }
  for (std::size_t i = 0; i < k_fields.size(); ++i) {
    if (k_fields[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Byte offset just after the first `n` code points of `text` (or its size).
std::size_t prefix_bytes(std::string_view text, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_continuation(static_cast<unsigned char>(text[i]))) {
      if (seen == n) {
        return i;
      }
      ++seen;
    }
  }
  return text.size();
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  });
  return out;
}

// Joins `items` with ", ", showing the first `max_items` and then "+N more".
std::string join_list(const std::vector<std::string>& items, std::size_t max_items) {
  std::string out;
  const std::size_t shown = std::min(items.size(), max_items);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += items[i];
  }
  if (items.size() > shown) {
    out += " +" + std::to_string(items.size() - shown) + " more";
  }
  return out;
}

std::string requested_text(const LaunchFacts& launch) {
  if (launch.min_count && launch.max_count) {
    if (*launch.min_count == *launch.max_count) {
      return std::to_string(*launch.min_count);
    }
    return std::to_string(*launch.min_count) + "\xE2\x80\x93" + std::to_string(*launch.max_count);
  }
  if (launch.max_count) {
    return std::to_string(*launch.max_count);
  }
  if (launch.min_count) {
    return std::to_string(*launch.min_count);
  }
  return {};
}

// "BR (Brazil), Recife, AS64500 Example Hosting" for public addresses; the kind otherwise.
std::string geo_text(const GeoInfo& geo) {
  if (geo.kind == SourceKind::unknown) {
    return {};
  }
  if (geo.kind != SourceKind::public_ip) {
    return source_kind_name(geo.kind);
  }
  std::vector<std::string> parts;
  if (!geo.country.empty()) {
    parts.push_back(geo.country_name.empty() ? geo.country
                                             : geo.country + " (" + geo.country_name + ")");
  } else if (!geo.country_name.empty()) {
    parts.push_back(geo.country_name);
  }
  if (!geo.city.empty()) {
    parts.push_back(geo.city);
  }
  if (geo.asn) {
    parts.push_back("AS" + std::to_string(*geo.asn) + (geo.asn_org.empty() ? "" : " ") +
                    geo.asn_org);
  } else if (!geo.asn_org.empty()) {
    parts.push_back(geo.asn_org);
  }
  return join_list(parts, parts.size());
}

std::string source_text(const Event& event) {
  if (event.origin.source.empty()) {
    return {};
  }
  return event.origin.source + "#" + std::to_string(event.origin.record);
}

// Display names with their fallbacks, shared by the template fields and the digest.
std::string title_of(const Alert& alert) {
  return alert.rule_title.empty() ? alert.rule_id : alert.rule_title;
}
std::string actor_of(const Event& e) {
  return e.actor.empty() ? e.identity.arn : e.actor;
}
std::string account_of(const Event& e) {
  return e.account.empty() ? e.recipient_account_id : e.account;
}
std::string or_dash(std::string text) {
  return text.empty() ? "-" : text;
}

// The rule's Sigma `fields:` as "name: value · name: v1, v2" (empty when the rule lists none).
std::string rule_fields_text(const Alert& alert) {
  std::string out;
  const auto all_values = trailwatch::field_values(alert.fields, alert.event, alert.geo);
  for (std::size_t i = 0; i < alert.fields.size(); ++i) {
    const auto& name = alert.fields[i];
    const auto& values = all_values[i];
    if (!out.empty()) {
      out += std::string(k_separator);
    }
    out += name + ": " + (values.empty() ? std::string("-") : join_list(values, 10));
  }
  return out;
}

// The raw (unescaped) value of every template field for `alert`.
std::array<std::string, f_field_count> field_values(const Alert& alert,
                                                    std::span<const Alert> also = {}) {
  const Event& e = alert.event;
  const LaunchFacts& launch = e.launch;
  std::array<std::string, f_field_count> v;
  v[f_rule] = alert.rule_id;
  v[f_title] = title_of(alert);
  v[f_level] = level_name(alert.level);
  v[f_event_time] = e.event_time;
  v[f_event_id] = e.event_id;
  v[f_event_name] = e.event_name;
  v[f_event_source] = e.event_source;
  v[f_aws_region] = e.aws_region;
  v[f_account] = account_of(e);
  v[f_actor] = actor_of(e);
  v[f_identity_type] = e.identity.type;
  v[f_access_key_id] = e.identity.access_key_id;
  v[f_source_ip] = e.source_ip;
  v[f_country] = alert.geo.country;
  v[f_country_name] = alert.geo.country_name;
  v[f_city] = alert.geo.city;
  v[f_asn] = alert.geo.asn ? "AS" + std::to_string(*alert.geo.asn) : std::string();
  v[f_asn_org] = alert.geo.asn_org;
  v[f_instance_types] = join_list(launch.instance_types, k_max_instance_types);
  v[f_requested] = requested_text(launch);
  v[f_launched] = launch.is_launch_api ? std::to_string(launch.launched_count) : std::string();
  std::vector<std::string> ids;
  ids.reserve(launch.instances.size());
  for (const Instance& instance : launch.instances) {
    ids.push_back(instance.id);
  }
  v[f_instance_ids] = join_list(ids, k_slack_max_instance_ids);
  v[f_error_code] = e.error_code;
  v[f_outcome] = launch.outcome == Outcome::none ? std::string() : outcome_name(launch.outcome);
  v[f_user_agent] = e.user_agent;
  v[f_source] = source_text(e);
  v[f_source_kind] =
      alert.geo.kind == SourceKind::unknown || alert.geo.kind == SourceKind::public_ip
          ? std::string()
          : source_kind_name(alert.geo.kind);
  v[f_geo] = geo_text(alert.geo);
  v[f_count] = std::to_string(alert.count);
  v[f_arn] = e.identity.arn;
  v[f_invoked_by] = e.identity.invoked_by;
  v[f_launch_template] = launch.launch_template;
  v[f_error_message] = e.error_message;
  v[f_rule_fields] = rule_fields_text(alert);
  v[f_tags] = join_list(alert.tags, alert.tags.size());
  // The other rules this event matched: "HIGH Title (id) · MEDIUM Title (id)".
  for (const Alert& other : also) {
    v[f_also] += fmt::format("{}{} {} ({})", v[f_also].empty() ? "" : " \xC2\xB7 ",
                             upper(level_name(other.level)), other.rule_title, other.rule_id);
  }
  return v;
}

void trim_trailing_spaces(std::string& text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.pop_back();
  }
}

// Writes one mrkdwn text object with "verbatim": true (no automatic links or channel names).
void write_mrkdwn(util::JsonWriter& w, std::string_view text) {
  w.begin_object().key("type").value("mrkdwn").key("text").value(text).key("verbatim").value(true);
  w.end_object();
}

void write_header(util::JsonWriter& w, std::string_view text) {
  w.begin_object().key("type").value("header").key("text").begin_object();
  w.key("type").value("plain_text").key("text").value(text).end_object();
  w.end_object();
}

void write_section(util::JsonWriter& w, std::string_view text) {
  w.begin_object().key("type").value("section").key("text");
  write_mrkdwn(w, text);
  w.end_object();
}

void write_context(util::JsonWriter& w, std::string_view text) {
  w.begin_object().key("type").value("context").key("elements").begin_array();
  write_mrkdwn(w, text);
  w.end_array().end_object();
}

// Plain text for a header block: inert but not entity-escaped (plain_text is not parsed).
std::string header_value(std::string_view raw) {
  return truncate_utf8(neutralize_untrusted(raw.substr(0, 4 * (k_slack_header_limit + 1))),
                       k_slack_header_limit);
}

std::string finish_payload(util::JsonWriter& w) {
  w.end_array();
  w.key("unfurl_links").value(false).key("unfurl_media").value(false);
  w.end_object();
  return w.take();
}

} // namespace

std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string neutralize_untrusted(std::string_view text) {
  const std::string valid = util::sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size();) {
    // The same characters the terminal output escapes (util/text.hpp), one rule for both.
    if (const std::size_t length = util::invisible_control_length(valid, i); length > 0) {
      out += k_replacement;
      i += length;
    } else if (valid[i] == '`') {
      out += k_backtick_lookalike;
      ++i;
    } else {
      out += valid[i++];
    }
  }
  return out;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if (!is_continuation(static_cast<unsigned char>(c))) {
      ++n;
    }
  }
  return n;
}

std::string truncate_utf8(std::string_view text, std::size_t max_code_points) {
  if (count_code_points(text) <= max_code_points) {
    return std::string(text);
  }
  if (max_code_points == 0) {
    return {};
  }
  std::size_t keep = prefix_bytes(text, max_code_points - 1);
  // Never end inside an entity: look back over at most a few entity characters for a '&'.
  for (std::size_t i = keep, steps = 0; i > 0 && steps < 10; --i, ++steps) {
    const char c = text[i - 1];
    if (c == '&') {
      keep = i - 1;
      break;
    }
    const bool entity_char =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '#';
    if (!entity_char) {
      break;
    }
  }
  std::string out(text.substr(0, keep));
  out += k_ellipsis;
  return out;
}

std::string mrkdwn_value(std::string_view raw, std::size_t max_code_points) {
  // max_code_points + 1 code points take at most 4 * (max_code_points + 1) bytes; cutting there
  // first keeps the work bounded and (as escaping never shrinks text) changes nothing visible.
  const std::size_t byte_cap = 4 * (max_code_points + 1);
  if (raw.size() > byte_cap) {
    raw = raw.substr(0, byte_cap);
  }
  std::string neutral = neutralize_untrusted(raw);
  neutral.resize(prefix_bytes(neutral, max_code_points + 1));
  return truncate_utf8(escape_mrkdwn(neutral), max_code_points);
}

SlackTemplate SlackTemplate::builtin() {
  return parse(k_default_template, "built-in template");
}

SlackTemplate SlackTemplate::parse(std::string_view text, std::string_view origin) {
  const std::string valid = util::sanitize_utf8(text);
  SlackTemplate result;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < valid.size()) {
    std::size_t end = valid.find('\n', start);
    if (end == std::string::npos) {
      end = valid.size();
    }
    std::string_view line(valid.data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.starts_with('#')) {
      continue;
    }
    Line parsed;
    std::string literal;
    bool in_code = false;
    auto flush_literal = [&] {
      if (!literal.empty()) {
        parsed.pieces.push_back(Piece{std::move(literal), -1, false});
        literal.clear();
      }
    };
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '`') {
        in_code = !in_code;
      }
      if (c != '$') {
        literal += c;
        continue;
      }
      if (i + 1 < line.size() && line[i + 1] == '$') {
        literal += '$';
        ++i;
        continue;
      }
      // A placeholder is `$name$` where name is letters, digits, '_' and '.'.
      std::size_t j = i + 1;
      while (j < line.size() && (std::isalnum(static_cast<unsigned char>(line[j])) ||
                                 line[j] == '_' || line[j] == '.')) {
        ++j;
      }
      if (j == i + 1 || j >= line.size() || line[j] != '$') {
        literal += c;
        continue;
      }
      const std::string_view name = line.substr(i + 1, j - i - 1);
      const int field = find_field(name);
      if (field < 0) {
        std::string known;
        for (const FieldSpec& spec : k_fields) {
          known += known.empty() ? "" : ", ";
          known += spec.name;
        }
        throw Fatal(std::string(origin) + ": line " + std::to_string(line_number) +
                    ": unknown placeholder $" + std::string(name) + "$ (known: " + known + ")");
      }
      flush_literal();
      parsed.pieces.push_back(Piece{{}, field, in_code});
      parsed.has_placeholder = true;
      i = j;
    }
    flush_literal();
    result.m_lines.push_back(std::move(parsed));
  }
  return result;
}

SlackTemplate SlackTemplate::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Fatal("slack template " + path + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw Fatal("slack template " + path + ": read error");
  }
  const std::string text = buffer.str();
  if (text.size() > k_max_template_bytes) {
    throw Fatal("slack template " + path + ": larger than " + std::to_string(k_max_template_bytes) +
                " bytes");
  }
  return parse(text, "slack template " + path);
}

std::string SlackTemplate::render(const Alert& alert, std::span<const Alert> also) const {
  const auto raw = field_values(alert, also);
  std::array<std::string, f_field_count> values;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    values[i] = mrkdwn_value(raw[i], k_fields[i].limit);
  }
  std::string out;
  for (const Line& line : m_lines) {
    std::string text;
    bool any_value = false;
    for (const Piece& piece : line.pieces) {
      if (piece.field < 0) {
        text += piece.literal;
        continue;
      }
      const std::string& value = values[static_cast<std::size_t>(piece.field)];
      any_value = any_value || !value.empty();
      text += value.empty() && piece.in_code ? "-" : value;
    }
    if (line.has_placeholder && !any_value) {
      continue;
    }
    trim_trailing_spaces(text);
    if (!out.empty() || !text.empty()) {
      out += text;
      out += '\n';
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  if (out.empty()) {
    // Slack rejects an empty section; fall back to the title.
    out = values[f_title].empty() ? "trailwatch alert" : values[f_title];
  }
  return truncate_utf8(out, k_slack_section_limit);
}

std::string_view default_slack_template() {
  return k_default_template;
}

std::vector<std::string_view> slack_template_fields() {
  std::vector<std::string_view> names;
  names.reserve(k_fields.size());
  for (const FieldSpec& spec : k_fields) {
    names.push_back(spec.name);
  }
  return names;
}

std::string build_slack_payload(const Alert& alert, const SlackTemplate& message_template,
                                std::span<const Alert> also) {
  const auto raw = field_values(alert, also);
  const std::string count_suffix =
      alert.count > 1 ? " \xC3\x97" + std::to_string(alert.count) : std::string();

  // Header: "[HIGH] GPU instance launched ×3" (plain_text, from the rule file).
  const std::string header =
      header_value("[" + upper(raw[f_level]) + "] " + raw[f_title] + count_suffix);

  // Fallback text for notifications: short and escaped like everything else.
  std::string fallback =
      escape_mrkdwn(header_value("[" + upper(raw[f_level]) + "] " + raw[f_title] + count_suffix));
  const auto add_fallback = [&](std::string_view prefix, std::size_t field, std::size_t limit) {
    if (!raw[field].empty()) {
      fallback += prefix;
      fallback += mrkdwn_value(raw[field], limit);
    }
  };
  add_fallback(": ", f_outcome, 16);
  add_fallback(" ", f_instance_types, 80);
  add_fallback(" by ", f_actor, 80);
  add_fallback(" in ", f_account, 32);
  add_fallback(" ", f_aws_region, 32);
  add_fallback(" from ", f_source_ip, 64);
  fallback = truncate_utf8(fallback, k_slack_fallback_limit);

  // Context: where the alert came from, for follow-up.
  std::string context = "rule `" + mrkdwn_value(raw[f_rule].empty() ? "-" : raw[f_rule], 128) +
                        "`" + std::string(k_separator) + "event `" +
                        mrkdwn_value(raw[f_event_id].empty() ? "-" : raw[f_event_id], 64) + "`";
  if (!raw[f_source].empty()) {
    context += std::string(k_separator) + "`" + mrkdwn_value(raw[f_source], 300) + "`";
  }
  if (alert.count > 1) {
    context += std::string(k_separator) + raw[f_count] + " events";
  }

  util::JsonWriter w;
  w.begin_object().key("text").value(fallback).key("blocks").begin_array();
  write_header(w, header);
  write_section(w, message_template.render(alert, also));
  write_context(w, truncate_utf8(context, 1000));
  return finish_payload(w);
}

std::string build_digest_payload(const std::vector<Alert>& alerts) {
  struct Group {
    const Alert* first = nullptr;
    Level level = Level::informational;
    std::uint64_t events = 0;
    std::size_t alerts = 0;
    std::size_t order = 0;
    std::vector<std::string> types;
  };
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  std::uint64_t total_events = 0;
  std::string first_time;
  std::string last_time;
  std::map<Level, std::size_t> per_level;
  for (const Alert& alert : alerts) {
    const Event& e = alert.event;
    std::string key = alert.rule_id.empty() ? alert.rule_title : alert.rule_id;
    key += '\0';
    key += actor_of(e);
    key += '\0';
    key += account_of(e);
    auto [it, inserted] = index.try_emplace(std::move(key), groups.size());
    if (inserted) {
      groups.push_back(Group{&alert, alert.level, 0, 0, groups.size(), {}});
    }
    Group& group = groups[it->second];
    group.level = std::max(group.level, alert.level);
    group.events += alert.count;
    group.alerts += 1;
    for (const std::string& type : e.launch.instance_types) {
      if (std::find(group.types.begin(), group.types.end(), type) == group.types.end()) {
        group.types.push_back(type);
      }
    }
    total_events += alert.count;
    per_level[alert.level] += 1;
    if (!e.event_time.empty()) {
      if (first_time.empty() || e.event_time < first_time) {
        first_time = e.event_time;
      }
      if (last_time.empty() || e.event_time > last_time) {
        last_time = e.event_time;
      }
    }
  }
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    if (a.level != b.level) {
      return a.level > b.level;
    }
    if (a.events != b.events) {
      return a.events > b.events;
    }
    return a.order < b.order;
  });

  // One line per group: "*12 ×* GPU instance launched (high) by `actor` in `account` (`types`)".
  const auto group_line = [](const Group& group) {
    const Alert& a = *group.first;
    std::string line = "*" + std::to_string(group.events) + " \xC3\x97* " +
                       mrkdwn_value(title_of(a), 100) + " (" + level_name(group.level) + ") by `" +
                       mrkdwn_value(or_dash(actor_of(a.event)), 100) + "` in `" +
                       mrkdwn_value(or_dash(account_of(a.event)), 32) + "`";
    if (!group.types.empty()) {
      line += " (`" + mrkdwn_value(join_list(group.types, k_digest_max_types), 150) + "`)";
    }
    return line;
  };

  const std::string alerts_text =
      std::to_string(alerts.size()) + (alerts.size() == 1 ? " alert" : " alerts");
  const std::string events_text =
      total_events != alerts.size() ? " (" + std::to_string(total_events) + " events)" : "";
  const std::string groups_text =
      std::to_string(groups.size()) + (groups.size() == 1 ? " group" : " groups");
  const std::string header =
      header_value("trailwatch digest: " + alerts_text + events_text + " in " + groups_text);

  std::string context;
  if (!first_time.empty()) {
    context = "events from `" + mrkdwn_value(first_time, 40) + "` to `" +
              mrkdwn_value(last_time, 40) + "`" + std::string(k_separator);
  }
  std::string levels;
  for (auto it = per_level.rbegin(); it != per_level.rend(); ++it) {
    levels += levels.empty() ? "" : ", ";
    levels += std::to_string(it->second) + " " + level_name(it->first);
  }
  context += "alerts by level: " + levels;
  context = truncate_utf8(context, 1000);

  // Pack group lines into sections within the block and text budgets, keeping room for the
  // "+N more groups" line.
  constexpr std::size_t k_more_reserve = 100;
  std::size_t budget = k_slack_message_text_limit - count_code_points(header) -
                       count_code_points(context) - k_more_reserve;
  const std::size_t max_sections = k_slack_max_blocks - 3; // header, context, "+N more"
  std::vector<std::string> sections;
  std::size_t shown = 0;
  std::string current;
  for (const Group& group : groups) {
    const std::string line = group_line(group);
    const std::size_t line_cp = count_code_points(line);
    const std::size_t current_cp = count_code_points(current);
    const bool fits_current = current_cp + 1 + line_cp <= k_slack_section_limit;
    if (!current.empty() && !fits_current) {
      if (sections.size() + 1 >= max_sections) {
        break;
      }
      sections.push_back(std::move(current));
      current.clear();
    }
    const std::size_t cost = line_cp + (current.empty() ? 0 : 1);
    if (cost > budget) {
      break;
    }
    budget -= cost;
    current += current.empty() ? "" : "\n";
    current += line;
    ++shown;
  }
  if (!current.empty()) {
    sections.push_back(std::move(current));
  }
  std::string more;
  if (shown < groups.size()) {
    std::uint64_t more_events = 0;
    for (std::size_t i = shown; i < groups.size(); ++i) {
      more_events += groups[i].events;
    }
    const std::size_t more_groups = groups.size() - shown;
    more = "+" + std::to_string(more_groups) +
           (more_groups == 1 ? " more group (" : " more groups (") + std::to_string(more_events) +
           (more_events == 1 ? " event)" : " events)");
  }

  std::string fallback = escape_mrkdwn(header);
  if (!groups.empty()) {
    const Group& top = groups.front();
    const Alert& a = *top.first;
    fallback += ": " + std::to_string(top.events) + " \xC3\x97 " + mrkdwn_value(title_of(a), 100) +
                " by " + mrkdwn_value(or_dash(actor_of(a.event)), 100);
    if (groups.size() > 1) {
      fallback += ", \xE2\x80\xA6";
    }
  }
  fallback = truncate_utf8(fallback, k_slack_fallback_limit);

  util::JsonWriter w;
  w.begin_object().key("text").value(fallback).key("blocks").begin_array();
  write_header(w, header);
  for (const std::string& section : sections) {
    write_section(w, section);
  }
  if (!more.empty()) {
    write_section(w, more);
  }
  write_context(w, context);
  return finish_payload(w);
}

} // namespace trailwatch
