// SPDX-License-Identifier: MIT
#include "rules/fields.hpp"

#include "facts/launch.hpp"

#include <array>

namespace trailwatch {
namespace {

struct FieldName {
  std::string_view name;
  FieldId id;
};

constexpr std::array<FieldName, 35> k_fields = {{
    {"eventName", FieldId::event_name},
    {"eventSource", FieldId::event_source},
    {"eventType", FieldId::event_type},
    {"eventTime", FieldId::event_time},
    {"eventID", FieldId::event_id},
    {"awsRegion", FieldId::aws_region},
    {"recipientAccountId", FieldId::recipient_account_id},
    {"sourceIPAddress", FieldId::source_ip},
    {"userAgent", FieldId::user_agent},
    {"errorCode", FieldId::error_code},
    {"errorMessage", FieldId::error_message},
    {"userIdentity.type", FieldId::identity_type},
    {"userIdentity.arn", FieldId::identity_arn},
    {"userIdentity.accountId", FieldId::identity_account_id},
    {"userIdentity.principalId", FieldId::identity_principal_id},
    {"userIdentity.userName", FieldId::identity_user_name},
    {"userIdentity.accessKeyId", FieldId::identity_access_key_id},
    {"userIdentity.invokedBy", FieldId::identity_invoked_by},
    {"userIdentity.sessionContext.sessionIssuer.userName", FieldId::identity_session_issuer},
    {"trailwatch.actor", FieldId::actor},
    {"trailwatch.account", FieldId::account},
    {"trailwatch.outcome", FieldId::outcome},
    {"trailwatch.instanceTypes", FieldId::instance_types},
    {"trailwatch.instanceFamily", FieldId::instance_family},
    {"trailwatch.instanceSize", FieldId::instance_size},
    {"trailwatch.sizeMultiplier", FieldId::size_multiplier},
    {"trailwatch.requestedMin", FieldId::requested_min},
    {"trailwatch.requestedMax", FieldId::requested_max},
    {"trailwatch.launchedCount", FieldId::launched_count},
    {"trailwatch.launchTemplate", FieldId::launch_template},
    {"trailwatch.errorCodeBase", FieldId::error_code_base},
    {"trailwatch.sourceKind", FieldId::source_kind},
    {"trailwatch.country", FieldId::country},
    {"trailwatch.asn", FieldId::asn},
    {"trailwatch.asnOrg", FieldId::asn_org},
}};

void push(std::vector<std::string>& out, std::string_view value) {
  if (!value.empty()) {
    out.emplace_back(value);
  }
}

} // namespace

std::optional<FieldId> find_field(std::string_view name) {
  for (const auto& field : k_fields) {
    if (field.name == name) {
      return field.id;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> field_names() {
  std::vector<std::string_view> names;
  for (const auto& field : k_fields) {
    names.push_back(field.name);
  }
  return names;
}

bool is_geo_field(FieldId field) {
  return field == FieldId::source_kind || field == FieldId::country || field == FieldId::asn ||
         field == FieldId::asn_org;
}

void field_values(FieldId field, const Event& e, const GeoInfo& geo,
                  std::vector<std::string>& out) {
  const auto& launch = e.launch;
  switch (field) {
  case FieldId::event_name:
    return push(out, e.event_name);
  case FieldId::event_source:
    return push(out, e.event_source);
  case FieldId::event_type:
    return push(out, e.event_type);
  case FieldId::event_time:
    return push(out, e.event_time);
  case FieldId::event_id:
    return push(out, e.event_id);
  case FieldId::aws_region:
    return push(out, e.aws_region);
  case FieldId::recipient_account_id:
    return push(out, e.recipient_account_id);
  case FieldId::source_ip:
    return push(out, e.source_ip);
  case FieldId::user_agent:
    return push(out, e.user_agent);
  case FieldId::error_code:
    return push(out, e.error_code);
  case FieldId::error_message:
    return push(out, e.error_message);
  case FieldId::identity_type:
    return push(out, e.identity.type);
  case FieldId::identity_arn:
    return push(out, e.identity.arn);
  case FieldId::identity_account_id:
    return push(out, e.identity.account_id);
  case FieldId::identity_principal_id:
    return push(out, e.identity.principal_id);
  case FieldId::identity_user_name:
    return push(out, e.identity.user_name);
  case FieldId::identity_access_key_id:
    return push(out, e.identity.access_key_id);
  case FieldId::identity_invoked_by:
    return push(out, e.identity.invoked_by);
  case FieldId::identity_session_issuer:
    return push(out, e.identity.session_issuer_user_name);
  case FieldId::actor:
    return push(out, e.actor);
  case FieldId::account:
    return push(out, e.account);
  case FieldId::outcome:
    if (launch.outcome != Outcome::none) {
      push(out, outcome_name(launch.outcome));
    }
    return;
  case FieldId::instance_types:
    for (const auto& type : launch.instance_types) {
      push(out, type);
    }
    return;
  case FieldId::instance_family:
    for (const auto& type : launch.instance_types) {
      push(out, instance_family(type));
    }
    return;
  case FieldId::instance_size:
    for (const auto& type : launch.instance_types) {
      push(out, instance_size(type));
    }
    return;
  case FieldId::size_multiplier:
    for (const auto& type : launch.instance_types) {
      out.push_back(std::to_string(size_multiplier(instance_size(type))));
    }
    return;
  case FieldId::requested_min:
    if (launch.min_count) {
      out.push_back(std::to_string(*launch.min_count));
    }
    return;
  case FieldId::requested_max:
    if (launch.max_count) {
      out.push_back(std::to_string(*launch.max_count));
    }
    return;
  case FieldId::launched_count:
    if (launch.is_launch_api) {
      out.push_back(std::to_string(launch.launched_count));
    }
    return;
  case FieldId::launch_template:
    return push(out, launch.launch_template);
  case FieldId::error_code_base: {
    const std::string_view code = e.error_code;
    const auto dot = code.rfind('.');
    return push(out, dot == std::string_view::npos ? code : code.substr(dot + 1));
  }
  case FieldId::source_kind:
    if (geo.kind != SourceKind::unknown) {
      push(out, source_kind_name(geo.kind));
    }
    return;
  case FieldId::country:
    return push(out, geo.country);
  case FieldId::asn:
    if (geo.asn) {
      out.push_back(std::to_string(*geo.asn));
    }
    return;
  case FieldId::asn_org:
    return push(out, geo.asn_org);
  }
}

} // namespace trailwatch
