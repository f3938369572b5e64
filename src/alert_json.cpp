// SPDX-License-Identifier: MIT
#include "trailwatch/alert_json.hpp"

#include "util/json_writer.hpp"

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

} // namespace

std::string alert_to_json(const Alert& alert) {
  const Event& e = alert.event;
  const LaunchFacts& l = e.launch;
  const GeoInfo& g = alert.geo;
  util::JsonWriter w;
  w.begin_object();
  w.key("rule").value(alert.rule_id);
  w.key("title").value(alert.rule_title);
  w.key("level").value(level_name(alert.level));
  w.key("outcome").value(outcome_name(l.outcome));
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
  w.field_or_null("errorCode", e.error_code);
  w.field_or_null("errorMessage", e.error_message);
  w.key("source").begin_object();
  w.key("file").value(e.origin.source);
  w.key("record").value(static_cast<std::uint64_t>(e.origin.record));
  w.end_object();
  w.end_object();
  return w.take();
}

} // namespace trailwatch
