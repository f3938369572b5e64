// SPDX-License-Identifier: MIT
#include "facts/field.hpp"

#include "facts/registry.hpp"

#include <array>

namespace trailwatch {
namespace {

struct CommonName {
  std::string_view name;
  Field::Common id;
};

constexpr std::array<CommonName, 19> k_common = {{
    {"eventName", Field::Common::event_name},
    {"eventSource", Field::Common::event_source},
    {"eventType", Field::Common::event_type},
    {"eventTime", Field::Common::event_time},
    {"eventID", Field::Common::event_id},
    {"awsRegion", Field::Common::aws_region},
    {"recipientAccountId", Field::Common::recipient_account_id},
    {"sourceIPAddress", Field::Common::source_ip},
    {"userAgent", Field::Common::user_agent},
    {"errorCode", Field::Common::error_code},
    {"errorMessage", Field::Common::error_message},
    {"userIdentity.type", Field::Common::identity_type},
    {"userIdentity.arn", Field::Common::identity_arn},
    {"userIdentity.accountId", Field::Common::identity_account_id},
    {"userIdentity.principalId", Field::Common::identity_principal_id},
    {"userIdentity.userName", Field::Common::identity_user_name},
    {"userIdentity.accessKeyId", Field::Common::identity_access_key_id},
    {"userIdentity.invokedBy", Field::Common::identity_invoked_by},
    {"userIdentity.sessionContext.sessionIssuer.userName", Field::Common::identity_session_issuer},
}};

const std::string* common_value(Field::Common id, const Event& e) {
  switch (id) {
  case Field::Common::none:
    return nullptr;
  case Field::Common::event_name:
    return &e.event_name;
  case Field::Common::event_source:
    return &e.event_source;
  case Field::Common::event_type:
    return &e.event_type;
  case Field::Common::event_time:
    return &e.event_time;
  case Field::Common::event_id:
    return &e.event_id;
  case Field::Common::aws_region:
    return &e.aws_region;
  case Field::Common::recipient_account_id:
    return &e.recipient_account_id;
  case Field::Common::source_ip:
    return &e.source_ip;
  case Field::Common::user_agent:
    return &e.user_agent;
  case Field::Common::error_code:
    return &e.error_code;
  case Field::Common::error_message:
    return &e.error_message;
  case Field::Common::identity_type:
    return &e.identity.type;
  case Field::Common::identity_arn:
    return &e.identity.arn;
  case Field::Common::identity_account_id:
    return &e.identity.account_id;
  case Field::Common::identity_principal_id:
    return &e.identity.principal_id;
  case Field::Common::identity_user_name:
    return &e.identity.user_name;
  case Field::Common::identity_access_key_id:
    return &e.identity.access_key_id;
  case Field::Common::identity_invoked_by:
    return &e.identity.invoked_by;
  case Field::Common::identity_session_issuer:
    return &e.identity.session_issuer_user_name;
  }
  return nullptr;
}

} // namespace

std::optional<Field> Field::resolve(std::string_view name, std::string& error) {
  Field field;
  field.m_name = std::string(name);
  if (name.starts_with("trailwatch.")) {
    field.m_fact = find_fact(name);
    if (field.m_fact == nullptr) {
      std::string known;
      for (auto fact : fact_names()) {
        known += known.empty() ? "" : ", ";
        known += fact;
      }
      error = "unknown derived field '" + std::string(name) + "'; trailwatch computes: " + known;
      return std::nullopt;
    }
    return field;
  }
  for (const auto& common : k_common) {
    if (common.name == name) {
      field.m_common = common.id;
      return field;
    }
  }
  if (name.empty() || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos) {
    error = "field name '" + std::string(name) + "' is not a dotted path of the record";
    return std::nullopt;
  }
  return field; // a raw path of the record
}

bool Field::needs_geo() const {
  return m_fact != nullptr && m_fact->needs_geo;
}

void Field::values(const Event& event, const GeoInfo& geo, std::vector<std::string>& out) const {
  if (m_fact != nullptr) {
    m_fact->values(event, geo, out);
  } else if (m_common != Common::none) {
    const std::string* value = common_value(m_common, event);
    if (value != nullptr && !value->empty()) {
      out.push_back(*value);
    }
  } else {
    event.record.values(m_name, out);
  }
}

std::vector<std::vector<std::string>> field_values(const std::vector<std::string>& names,
                                                   const Event& event, const GeoInfo& geo) {
  std::vector<std::vector<std::string>> out(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string error;
    if (const auto field = Field::resolve(names[i], error)) {
      field->values(event, geo, out[i]);
    }
  }
  return out;
}

std::vector<std::string_view> Field::common_names() {
  std::vector<std::string_view> names;
  for (const auto& common : k_common) {
    names.push_back(common.name);
  }
  return names;
}

} // namespace trailwatch
