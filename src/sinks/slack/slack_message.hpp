// SPDX-License-Identifier: MIT
// Slack message building: Block Kit payloads for one alert or a digest, mrkdwn escaping and
// the user-editable message template. Pure functions; no network (see slack.hpp for that).
//
// Template format (examples/slack-template.txt holds the built-in one):
//   - plain mrkdwn text with `$field$` or `$result.field$` placeholders (the form Splunk alert
//     actions use); `$$` is a literal dollar sign; any other `$` is literal too;
//   - a placeholder names one of slack_template_fields(); an unknown name is an error at load;
//   - values are escaped for mrkdwn before substitution and backticks in them become ˋ, so a
//     value can neither notify (`<!channel>`), link (`<url|text>`) nor leave a code span;
//   - an empty value is written as "-" inside a code span and as nothing elsewhere; a line
//     whose placeholders are all empty is dropped; lines starting with `#` are comments.
// The template gives the main section's text; the header and context blocks are fixed.
#pragma once

#include "trailwatch/alert.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

// Slack limits in characters (Unicode code points), integrations.md §2.3.
inline constexpr std::size_t k_slack_section_limit = 3000;
inline constexpr std::size_t k_slack_header_limit = 150;
inline constexpr std::size_t k_slack_max_blocks = 50;
// Our own budget for all block text of one message (Slack fails near 13,200).
inline constexpr std::size_t k_slack_message_text_limit = 12000;
// The notification fallback `text`: kept short, it is what phones show.
inline constexpr std::size_t k_slack_fallback_limit = 500;
// Instance IDs shown before "+N more".
inline constexpr std::size_t k_slack_max_instance_ids = 5;

// Replaces `&` by `&amp;`, then `<` by `&lt;` and `>` by `&gt;` (nothing else). `text` should
// be valid UTF-8 already (see neutralize_untrusted).
std::string escape_mrkdwn(std::string_view text);

// Makes untrusted `text` inert before escaping: invalid UTF-8, control characters, bidi
// controls and line separators become U+FFFD, and backticks become ˋ (U+02CB).
std::string neutralize_untrusted(std::string_view text);

// The full pipeline for one untrusted value: neutralize, escape, then truncate to at most
// `max_code_points` (with "…" when cut). Work is bounded even for megabyte inputs.
std::string mrkdwn_value(std::string_view raw, std::size_t max_code_points);

// Number of code points in valid UTF-8 `text`.
std::size_t count_code_points(std::string_view text);

// Returns `text` (valid UTF-8) cut to at most `max_code_points` code points including a final
// "…" when anything was cut. Cuts on a code point boundary and never inside an `&…;` entity.
std::string truncate_utf8(std::string_view text, std::size_t max_code_points);

// A parsed message template (see the file comment for the format).
class SlackTemplate {
public:
  // The built-in template (default_slack_template()).
  static SlackTemplate builtin();
  // Parses template `text`; `origin` names it in messages. Throws Fatal on an unknown
  // placeholder, naming it and its line.
  static SlackTemplate parse(std::string_view text, std::string_view origin);
  // Reads and parses the file `path`. Throws Fatal when it cannot be read or is invalid.
  static SlackTemplate load(const std::string& path);

  // Renders the main section text for `alert`: escaped mrkdwn, at most k_slack_section_limit
  // code points, never empty.
  std::string render(const Alert& alert, std::span<const Alert> also = {}) const;

private:
  struct Piece {
    std::string literal; // used when field < 0
    int field = -1;      // index into slack_template_fields()
    bool in_code = false;
  };
  struct Line {
    std::vector<Piece> pieces;
    bool has_placeholder = false;
  };
  std::vector<Line> m_lines;
};

// The text of the built-in template (identical to examples/slack-template.txt minus comments).
std::string_view default_slack_template();

// The placeholder names a template may use, in documentation order.
std::vector<std::string_view> slack_template_fields();

// The JSON payload for one alert: header, the template's section, a context line, a plain
// `text` fallback, "unfurl_links"/"unfurl_media" false. Within all Slack limits. `also`: the
// alerts of the other rules that matched the same event, listed in the same message ($also$).
std::string build_slack_payload(const Alert& alert, const SlackTemplate& message_template,
                                std::span<const Alert> also = {});

// One digest payload for `alerts`: groups by rule, actor and account with event counts and
// instance types, largest first, then "+N more groups" when they do not all fit.
std::string build_digest_payload(const std::vector<Alert>& alerts);

} // namespace trailwatch
