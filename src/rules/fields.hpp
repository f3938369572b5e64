// SPDX-License-Identifier: MIT
// The fields rules can test: CloudTrail dotted paths trailwatch copies out, and derived facts
// under the `trailwatch.` prefix (so they never shadow a real CloudTrail field).
#pragma once

#include "trailwatch/event.hpp"
#include "trailwatch/geo.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

enum class FieldId {
  event_name,
  event_source,
  event_type,
  event_time,
  event_id,
  aws_region,
  recipient_account_id,
  source_ip,
  user_agent,
  error_code,
  error_message,
  identity_type,
  identity_arn,
  identity_account_id,
  identity_principal_id,
  identity_user_name,
  identity_access_key_id,
  identity_invoked_by,
  identity_session_issuer,
  actor,
  account,
  outcome,
  instance_types,
  instance_family,
  instance_size,
  size_multiplier,
  requested_min,
  requested_max,
  launched_count,
  launch_template,
  error_code_base,
  source_kind,
  country,
  asn,
  asn_org,
};

// Looks up a field by its rule name ("eventName", "trailwatch.instanceFamily", …).
std::optional<FieldId> find_field(std::string_view name);
// All field names rules may use, for error messages and the README.
std::vector<std::string_view> field_names();
// True for fields that need GeoIP enrichment.
bool is_geo_field(FieldId field);
// Appends the field's values for this event to `out` (none when absent; several for lists).
void field_values(FieldId field, const Event& event, const GeoInfo& geo,
                  std::vector<std::string>& out);

} // namespace trailwatch
