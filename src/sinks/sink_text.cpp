// SPDX-License-Identifier: MIT
// Text sink: three or four lines per alert, readable at a glance. Alerts of one event (several
// rules matched the same record) arrive together and are shown as one block listing every rule.
// Event-derived values are printed with control characters escaped, so a hostile userAgent or
// session name cannot send escape sequences to the responder's terminal.
#include "sinks/sink.hpp"
#include "sinks/stream_writer.hpp"

#include "facts/field.hpp"
#include "facts/launch.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace trailwatch {
namespace {

constexpr std::size_t k_max_instances_shown = 5;
constexpr std::size_t k_max_agent_bytes = 80;
constexpr std::size_t k_max_field_bytes = 200;

// Cuts `text` to at most `max` bytes on a UTF-8 character boundary, marking the cut with "…".
std::string truncate_bytes(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return std::string(text);
  }
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end; // do not split a multi-byte character
  }
  return std::string(text.substr(0, end)) + "…";
}

const char* level_color(Level level) {
  switch (level) {
  case Level::critical:
  case Level::high:
    return "\x1b[1;31m";
  case Level::medium:
    return "\x1b[1;33m";
  case Level::low:
    return "\x1b[36m";
  case Level::informational:
    break;
  }
  return "\x1b[2m";
}

class TextSink final : public Sink {
public:
  TextSink(std::FILE* out, bool color, bool confirms)
      : m_writer(out), m_color(color), m_confirms(confirms) {}

  bool confirms_delivery() const override { return m_confirms; }

  SinkStatus add(const Alert& alert) override {
    if (!m_block.empty() && same_event(m_block.front(), alert)) {
      m_block.push_back(alert);
      return SinkStatus::ok;
    }
    const SinkStatus status = write_block();
    m_block.push_back(alert);
    return status;
  }

  SinkStatus flush(bool, Receipts& receipts) override {
    const SinkStatus status = write_block();
    const SinkStatus flushed = m_writer.flush(receipts);
    return status != SinkStatus::ok ? status : flushed;
  }

private:
  static bool same_event(const Alert& a, const Alert& b) {
    return a.event.origin.source == b.event.origin.source &&
           a.event.origin.record == b.event.origin.record && a.event.event_id == b.event.event_id;
  }

  // Writes the alerts held for one event as one block.
  SinkStatus write_block() {
    if (m_block.empty()) {
      return SinkStatus::ok;
    }
    const std::string text = format_block(m_block);
    const std::uint64_t alerts = m_block.size();
    m_block.clear();
    return m_writer.write(text, alerts);
  }

  std::string format_block(const std::vector<Alert>& block) const {
    Alert first = block.front();
    std::string also;
    for (std::size_t i = 1; i < block.size(); ++i) {
      const Alert& other = block[i];
      also += fmt::format("  also {} {}  rule {}{}\n",
                          paint(level_color(other.level), util::to_upper(level_name(other.level))),
                          paint("\x1b[1m", util::printable(other.rule_title)),
                          util::printable(other.rule_id), format_tags(other.tags));
      for (const auto& field : other.fields) {
        if (std::find(first.fields.begin(), first.fields.end(), field) == first.fields.end()) {
          first.fields.push_back(field); // one fields line with every rule's fields
        }
      }
    }
    std::string out = format_alert(first);
    if (!also.empty()) {
      out.insert(out.find('\n') + 1, also);
    }
    return out;
  }

  static std::string format_tags(const std::vector<std::string>& tags) {
    return tags.empty() ? std::string() : "  tags " + util::printable(util::join(tags, ","));
  }

  std::string paint(std::string_view code, std::string_view text) const {
    return m_color ? fmt::format("{}{}\x1b[0m", code, text) : std::string(text);
  }

  std::string format_alert(const Alert& alert) const {
    const Event& e = alert.event;
    const LaunchFacts& l = e.launch;
    using util::printable;
    std::string level = util::to_upper(level_name(alert.level));
    std::string out =
        fmt::format("{} {} {}", printable(e.event_time), paint(level_color(alert.level), level),
                    paint("\x1b[1m", printable(alert.rule_title)));
    if (alert.count > 1) {
      out += fmt::format(" (×{})", alert.count);
    }
    out += '\n';

    // What happened: for a launch, its outcome and instance types; otherwise the call.
    const bool launch = is_launch_api(e.event_name);
    std::string what =
        launch ? fmt::format("  {} {}", outcome_name(l.outcome), printable(e.event_name))
               : fmt::format("  {} {}", printable(e.event_name),
                             printable(e.event_source.empty() ? "?" : e.event_source));
    if (!launch) {
      // No launch facts to show.
    } else if (!l.instance_types.empty()) {
      what += ' ' + printable(util::join(l.instance_types, ","));
    } else if (!l.launch_template.empty()) {
      what += fmt::format(" type unknown (template {})", printable(l.launch_template));
    }
    if (launch && l.launched_count > 0) {
      what += fmt::format(" ×{}", l.launched_count);
    }
    if (launch && (l.min_count || l.max_count)) {
      what += fmt::format(" (requested {}-{})", l.min_count ? std::to_string(*l.min_count) : "?",
                          l.max_count ? std::to_string(*l.max_count) : "?");
    }
    if (!e.error_code.empty()) {
      what += " error " + paint("\x1b[31m", printable(e.error_code));
    }
    what += fmt::format(" account {} {}", printable(e.account.empty() ? "?" : e.account),
                        printable(e.aws_region));
    out += what + '\n';

    // Who and from where.
    std::string who =
        fmt::format("  actor {} {}", printable(e.identity.type.empty() ? "?" : e.identity.type),
                    printable(e.actor));
    if (!e.identity.access_key_id.empty()) {
      who += " key " + printable(e.identity.access_key_id);
    }
    who += " from " + printable(e.source_ip.empty() ? "?" : e.source_ip);
    who += describe_source(alert.geo);
    if (!e.user_agent.empty()) {
      who += " agent " + printable(truncate_bytes(e.user_agent, k_max_agent_bytes));
    }
    out += who + '\n';

    if (launch && !l.instances.empty()) {
      std::string list = "  instances";
      for (std::size_t i = 0; i < l.instances.size() && i < k_max_instances_shown; ++i) {
        const auto& instance = l.instances[i];
        list += ' ' + printable(instance.id);
        if (!instance.private_ip.empty()) {
          list += fmt::format(" ({})", printable(instance.private_ip));
        }
      }
      if (l.instances.size() > k_max_instances_shown) {
        list += fmt::format(" +{} more", l.instances.size() - k_max_instances_shown);
      }
      out += list + '\n';
    }
    if (!alert.fields.empty()) {
      out += format_rule_fields(alert);
    }
    out += fmt::format("  rule {}  event {}  source {}#{}{}\n", printable(alert.rule_id),
                       printable(e.event_id.empty() ? "-" : e.event_id), printable(e.origin.source),
                       e.origin.record, format_tags(alert.tags));
    return out;
  }

  // "  fields name=value name=v1,v2 name=-": the rule's Sigma `fields:` and their values.
  static std::string format_rule_fields(const Alert& alert) {
    std::string out = "  fields";
    const auto all_values = trailwatch::field_values(alert.fields, alert.event, alert.geo);
    for (std::size_t i = 0; i < alert.fields.size(); ++i) {
      const auto& name = alert.fields[i];
      const auto& values = all_values[i];
      const std::string joined = values.empty() ? "-" : util::join(values, ",");
      out += fmt::format(" {}={}", util::printable(name),
                         util::printable(truncate_bytes(joined, k_max_field_bytes)));
    }
    return out + '\n';
  }

  static std::string describe_source(const GeoInfo& geo) {
    using util::printable;
    switch (geo.kind) {
    case SourceKind::public_ip: {
      std::string out;
      if (!geo.country.empty()) {
        out += ' ' + printable(geo.country);
      }
      if (!geo.city.empty()) {
        out += ' ' + printable(geo.city);
      }
      if (geo.asn) {
        out += fmt::format(" AS{}", *geo.asn);
      }
      if (!geo.asn_org.empty()) {
        out += ' ' + printable(geo.asn_org);
      }
      return out;
    }
    case SourceKind::unknown:
    case SourceKind::empty:
      return {};
    default:
      return fmt::format(" ({})", source_kind_name(geo.kind));
    }
  }

  StreamWriter m_writer;
  std::vector<Alert> m_block; // the alerts of the event being shown, until another one comes
  bool m_color;
  bool m_confirms;
};

} // namespace

std::unique_ptr<Sink> make_text_sink(std::FILE* out, bool color, bool confirms) {
  return std::make_unique<TextSink>(out, color, confirms);
}

} // namespace trailwatch
