// SPDX-License-Identifier: MIT
#include "alert/alert_json.hpp"

#include "facts/field.hpp"
#include "facts/launch.hpp"
#include "util/json_writer.hpp"

#include <fmt/format.h>
#include <type_traits>

#include <limits>
#include <simdjson.h>
#include <stdexcept>

namespace trailwatch {
namespace {

void string_array(util::JsonWriter& w, std::string_view key,
                  const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const auto& item : items) {
    w.value(item);
  }
  w.end_array();
}

void optional_number(util::JsonWriter& w, std::string_view key,
                     const std::optional<std::int64_t>& number) {
  w.key(key);
  if (number) {
    w.value(*number);
  } else {
    w.null();
  }
}

void write_launch(util::JsonWriter& w, const LaunchFacts& l);
void write_rule_fields(util::JsonWriter& w, const Alert& alert);

} // namespace

std::string alert_to_json(const Alert& alert, bool include_record) {
  const Event& e = alert.event;
  const LaunchFacts& l = e.launch;
  const GeoInfo& g = alert.geo;
  util::JsonWriter w;
  w.begin_object();
  w.key("rule").value(alert.rule_id);
  w.key("title").value(alert.rule_title);
  w.key("level").value(level_name(alert.level));
  w.key("tags").begin_array();
  for (const auto& tag : alert.tags) {
    w.value(tag);
  }
  w.end_array();
  const bool launch = is_launch_api(e.event_name);
  if (launch) {
    w.key("outcome").value(outcome_name(l.outcome));
  }
  w.key("count").value(static_cast<std::uint64_t>(alert.count));
  w.field_or_null("eventID", e.event_id);
  w.field_or_null("eventTime", e.event_time);
  w.field_or_null("eventName", e.event_name);
  w.field_or_null("eventSource", e.event_source);
  w.field_or_null("awsRegion", e.aws_region);
  w.field_or_null("account", e.account);
  w.field_or_null("recipientAccountId", e.recipient_account_id);
  w.field_or_null("actor", e.actor);
  w.field_or_null("identityType", e.identity.type);
  w.field_or_null("principalArn", e.identity.arn);
  w.field_or_null("accessKeyId", e.identity.access_key_id);
  w.field_or_null("invokedBy", e.identity.invoked_by);
  w.field_or_null("sourceIPAddress", e.source_ip);
  w.key("sourceKind").value(source_kind_name(g.kind));
  w.field_or_null("country", g.country);
  w.field_or_null("countryName", g.country_name);
  w.field_or_null("city", g.city);
  w.key("asn");
  if (g.asn) {
    w.value(static_cast<std::uint64_t>(*g.asn));
  } else {
    w.null();
  }
  w.field_or_null("asnOrg", g.asn_org);
  w.field_or_null("userAgent", e.user_agent);
  if (launch) {
    write_launch(w, l);
  }
  w.field_or_null("errorCode", e.error_code);
  w.field_or_null("errorMessage", e.error_message);
  w.key("source").begin_object();
  w.key("file").value(e.origin.source);
  w.key("record").value(static_cast<std::uint64_t>(e.origin.record));
  w.end_object();
  if (!alert.fields.empty()) {
    write_rule_fields(w, alert);
  }
  simdjson::dom::element root;
  if (include_record && alert.event.record.root(root)) {
    w.key("record").raw(simdjson::minify(root));
  }
  w.end_object();
  return w.take();
}

namespace {

void write_launch(util::JsonWriter& w, const LaunchFacts& l) {
  string_array(w, "instanceTypes", l.instance_types);
  string_array(w, "requestedInstanceTypes", l.request_types);
  string_array(w, "launchedInstanceTypes", l.response_types);
  optional_number(w, "requestedMin", l.min_count);
  optional_number(w, "requestedMax", l.max_count);
  w.key("launchedCount").value(static_cast<std::int64_t>(l.launched_count));
  w.key("instances").begin_array();
  for (const auto& instance : l.instances) {
    w.begin_object();
    w.field_or_null("instanceId", instance.id);
    w.field_or_null("instanceType", instance.type);
    w.field_or_null("privateIpAddress", instance.private_ip);
    w.field_or_null("availabilityZone", instance.availability_zone);
    w.end_object();
  }
  w.end_array();
  w.field_or_null("launchTemplate", l.launch_template);
}

// "fields": {"name": "value" | ["v1", "v2"] | null} in the rule's order.
void write_rule_fields(util::JsonWriter& w, const Alert& alert) {
  w.key("fields").begin_object();
  const auto all_values = trailwatch::field_values(alert.fields, alert.event, alert.geo);
  for (std::size_t i = 0; i < alert.fields.size(); ++i) {
    const auto& values = all_values[i];
    w.key(alert.fields[i]);
    if (values.empty()) {
      w.null();
    } else if (values.size() == 1) {
      w.value(values[0]);
    } else {
      w.begin_array();
      for (const auto& value : values) {
        w.value(value);
      }
      w.end_array();
    }
  }
  w.end_object();
}

} // namespace

// --- Reading back (alert_from_json) ---
//
// The inverse of alert_to_json, used by the state to rebuild outbox alerts. Strings written as
// null (empty) come back empty; a missing key keeps the field's default, so older rows still load.
namespace {

namespace dom = simdjson::dom;

[[noreturn]] void malformed(std::string_view what) {
  throw std::runtime_error("malformed alert JSON: " + std::string(what));
}

// The value at `key`, or nothing when the key is absent or null.
std::optional<dom::element> member(const dom::object& object, std::string_view key) {
  dom::element value;
  const auto error = object.at_key(key).get(value);
  if (error == simdjson::NO_SUCH_FIELD) {
    return std::nullopt;
  }
  if (error) {
    malformed(std::string(key) + ": " + simdjson::error_message(error));
  }
  if (value.is_null()) {
    return std::nullopt;
  }
  return value;
}

std::string read_string(const dom::object& object, std::string_view key) {
  const auto value = member(object, key);
  if (!value) {
    return {};
  }
  std::string_view text;
  if (value->get(text)) {
    malformed(fmt::format("\"{}\" is not a string", key));
  }
  return std::string(text);
}

// Reads an integer member as `Number` (int64_t or uint64_t); absent or null gives nothing.
template <typename Number>
std::optional<Number> read_number(const dom::object& object, std::string_view key) {
  const auto value = member(object, key);
  if (!value) {
    return std::nullopt;
  }
  Number number = 0;
  if (value->get(number)) {
    malformed(fmt::format("\"{}\" is not {}", key,
                          std::is_signed_v<Number> ? "an integer" : "a non-negative integer"));
  }
  return number;
}

std::optional<std::int64_t> read_int(const dom::object& object, std::string_view key) {
  return read_number<std::int64_t>(object, key);
}

std::optional<std::uint64_t> read_uint(const dom::object& object, std::string_view key) {
  return read_number<std::uint64_t>(object, key);
}

std::vector<std::string> read_strings(const dom::object& object, std::string_view key) {
  std::vector<std::string> items;
  const auto value = member(object, key);
  if (!value) {
    return items;
  }
  dom::array array;
  if (value->get(array)) {
    malformed(fmt::format("\"{}\" is not an array", key));
  }
  for (dom::element item : array) {
    std::string_view text;
    if (item.get(text)) {
      malformed(fmt::format("\"{}\" holds a non-string", key));
    }
    items.emplace_back(text);
  }
  return items;
}

Outcome parse_outcome(const std::string& name) {
  for (const Outcome outcome :
       {Outcome::none, Outcome::launch, Outcome::configure, Outcome::attempt, Outcome::dryrun}) {
    if (name == outcome_name(outcome)) {
      return outcome;
    }
  }
  malformed("unknown outcome \"" + name + "\"");
}

SourceKind parse_source_kind(const std::string& name) {
  for (const SourceKind kind :
       {SourceKind::unknown, SourceKind::public_ip, SourceKind::private_ip, SourceKind::aws_service,
        SourceKind::aws_internal, SourceKind::invalid, SourceKind::empty}) {
    if (name == source_kind_name(kind)) {
      return kind;
    }
  }
  malformed("unknown sourceKind \"" + name + "\"");
}

} // namespace

Alert alert_from_json(std::string_view json) {
  dom::parser parser;
  dom::element root;
  if (const auto error = parser.parse(simdjson::padded_string(json)).get(root)) {
    malformed(simdjson::error_message(error));
  }
  dom::object object;
  if (root.get(object)) {
    malformed("not an object");
  }
  Alert alert;
  Event& e = alert.event;
  LaunchFacts& l = e.launch;
  GeoInfo& g = alert.geo;

  alert.rule_id = read_string(object, "rule");
  if (alert.rule_id.empty()) {
    malformed("no \"rule\"");
  }
  alert.rule_title = read_string(object, "title");
  alert.tags = read_strings(object, "tags");
  if (const auto level = member(object, "level")) {
    std::string_view name;
    const auto parsed = level->get(name) ? std::nullopt : parse_level(name);
    if (!parsed) {
      malformed("unknown level");
    }
    alert.level = *parsed;
  }
  if (member(object, "outcome")) {
    l.outcome = parse_outcome(read_string(object, "outcome"));
  }
  alert.count = read_uint(object, "count").value_or(1);
  e.event_id = read_string(object, "eventID");
  e.event_time = read_string(object, "eventTime");
  e.event_name = read_string(object, "eventName");
  e.event_source = read_string(object, "eventSource");
  e.aws_region = read_string(object, "awsRegion");
  e.account = read_string(object, "account");
  e.recipient_account_id = read_string(object, "recipientAccountId");
  e.actor = read_string(object, "actor");
  e.identity.type = read_string(object, "identityType");
  e.identity.arn = read_string(object, "principalArn");
  e.identity.access_key_id = read_string(object, "accessKeyId");
  e.identity.invoked_by = read_string(object, "invokedBy");
  e.source_ip = read_string(object, "sourceIPAddress");
  if (member(object, "sourceKind")) {
    g.kind = parse_source_kind(read_string(object, "sourceKind"));
  }
  g.country = read_string(object, "country");
  g.country_name = read_string(object, "countryName");
  g.city = read_string(object, "city");
  if (const auto asn = read_uint(object, "asn")) {
    if (*asn > std::numeric_limits<std::uint32_t>::max()) {
      malformed("\"asn\" out of range");
    }
    g.asn = static_cast<std::uint32_t>(*asn);
  }
  g.asn_org = read_string(object, "asnOrg");
  e.user_agent = read_string(object, "userAgent");
  l.instance_types = read_strings(object, "instanceTypes");
  l.request_types = read_strings(object, "requestedInstanceTypes");
  l.response_types = read_strings(object, "launchedInstanceTypes");
  l.min_count = read_int(object, "requestedMin");
  l.max_count = read_int(object, "requestedMax");
  l.launched_count = read_int(object, "launchedCount").value_or(0);
  if (const auto instances = member(object, "instances")) {
    dom::array array;
    if (instances->get(array)) {
      malformed("\"instances\" is not an array");
    }
    for (dom::element item : array) {
      dom::object instance;
      if (item.get(instance)) {
        malformed("\"instances\" holds a non-object");
      }
      l.instances.push_back(
          {read_string(instance, "instanceId"), read_string(instance, "instanceType"),
           read_string(instance, "privateIpAddress"), read_string(instance, "availabilityZone")});
    }
  }
  l.launch_template = read_string(object, "launchTemplate");
  e.error_code = read_string(object, "errorCode");
  e.error_message = read_string(object, "errorMessage");
  if (const auto source = member(object, "source")) {
    dom::object origin;
    if (source->get(origin)) {
      malformed("\"source\" is not an object");
    }
    e.origin.source = read_string(origin, "file");
    e.origin.record = read_uint(origin, "record").value_or(0);
  }
  l.is_launch_api = is_launch_api(e.event_name);
  if (const auto fields = member(object, "fields")) {
    dom::object names;
    if (fields->get(names)) {
      malformed("\"fields\" is not an object");
    }
    for (auto [name, value] : names) {
      alert.fields.emplace_back(name);
    }
  }
  if (const auto record = member(object, "record")) {
    if (!record->is_object()) {
      malformed("\"record\" is not an object");
    }
    e.record = Record(simdjson::minify(*record));
  }
  return alert;
}

} // namespace trailwatch
