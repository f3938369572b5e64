// SPDX-License-Identifier: MIT
#include "facts/field.hpp"

#include "facts/registry.hpp"

#include <array>

namespace trailwatch {
namespace {

constexpr std::array<Field::Common, 19> k_common = {{
    {"eventName", [](const Event& e) -> const std::string& { return e.event_name; }},
    {"eventSource", [](const Event& e) -> const std::string& { return e.event_source; }},
    {"eventType", [](const Event& e) -> const std::string& { return e.event_type; }},
    {"eventTime", [](const Event& e) -> const std::string& { return e.event_time; }},
    {"eventID", [](const Event& e) -> const std::string& { return e.event_id; }},
    {"awsRegion", [](const Event& e) -> const std::string& { return e.aws_region; }},
    {"recipientAccountId",
     [](const Event& e) -> const std::string& { return e.recipient_account_id; }},
    {"sourceIPAddress", [](const Event& e) -> const std::string& { return e.source_ip; }},
    {"userAgent", [](const Event& e) -> const std::string& { return e.user_agent; }},
    {"errorCode", [](const Event& e) -> const std::string& { return e.error_code; }},
    {"errorMessage", [](const Event& e) -> const std::string& { return e.error_message; }},
    {"userIdentity.type", [](const Event& e) -> const std::string& { return e.identity.type; }},
    {"userIdentity.arn", [](const Event& e) -> const std::string& { return e.identity.arn; }},
    {"userIdentity.accountId",
     [](const Event& e) -> const std::string& { return e.identity.account_id; }},
    {"userIdentity.principalId",
     [](const Event& e) -> const std::string& { return e.identity.principal_id; }},
    {"userIdentity.userName",
     [](const Event& e) -> const std::string& { return e.identity.user_name; }},
    {"userIdentity.accessKeyId",
     [](const Event& e) -> const std::string& { return e.identity.access_key_id; }},
    {"userIdentity.invokedBy",
     [](const Event& e) -> const std::string& { return e.identity.invoked_by; }},
    {"userIdentity.sessionContext.sessionIssuer.userName",
     [](const Event& e) -> const std::string& { return e.identity.session_issuer_user_name; }},
}};

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
      field.m_common = &common;
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

bool Field::is_event_name() const {
  return m_common == &k_common[0];
}

bool Field::needs_geo() const {
  return m_fact != nullptr && m_fact->needs_geo;
}

void Field::values(const Event& event, const GeoInfo& geo, std::vector<std::string>& out) const {
  if (m_fact != nullptr) {
    m_fact->values(event, geo, out);
  } else if (m_common != nullptr) {
    if (const std::string& value = m_common->get(event); !value.empty()) {
      out.push_back(value);
    } else {
      // Empty after normalising: absent, or an empty string ('' must match it, null must not).
      event.record.values(m_name, out);
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
