// SPDX-License-Identifier: MIT
// Event: one CloudTrail record copied out of the parser into owned, normalised fields.
//
// simdjson string views die when the parser moves to the next document, so everything a rule,
// enricher or sink may look at is copied here. Only records whose eventName some rule can match
// are materialised (see Matcher::wants); everything else is skipped in the reader.
#pragma once

#include "trailwatch/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trailwatch {

// What a launch-related call achieved (cloudtrail.md §9).
enum class Outcome {
  none,      // not a launch-related call, or nothing to say
  launch,    // instances launched or a launch request accepted
  configure, // a template or type change that configures a future launch
  attempt,   // the call failed (errorCode other than DryRunOperation)
  dryrun,    // Client.DryRunOperation: "would have succeeded", nothing launched
};

// Returns the lower-case name used in rules and output (`launch`, `attempt`, ...).
const char* outcome_name(Outcome outcome);

// One instance from a launch response.
struct Instance {
  std::string id;
  std::string type;
  std::string private_ip;
  std::string availability_zone;
};

// Facts about an EC2 launch path, found wherever the API puts them (launch.cpp).
struct LaunchFacts {
  bool is_launch_api = false; // eventName is one of the launch paths we understand
  Outcome outcome = Outcome::none;
  std::vector<std::string> instance_types; // lower-case, de-duplicated; response first
  std::vector<std::string> request_types;  // as requested (lower-case)
  std::vector<std::string> response_types; // as launched (lower-case)
  std::optional<std::int64_t> min_count;   // requested minimum (instancesSet / instanceCount)
  std::optional<std::int64_t> max_count;   // requested maximum / target capacity
  std::int64_t launched_count = 0;         // instances in the response
  std::vector<Instance> instances;         // from the response, in order
  std::string launch_template;             // "lt-… v3" when a launch template is used
};

// userIdentity fields that identify the caller (cloudtrail.md §5).
struct Identity {
  std::string type;
  std::string arn;
  std::string account_id;
  std::string principal_id;
  std::string user_name;
  std::string access_key_id;
  std::string invoked_by;
  std::string session_issuer_user_name; // role name for AssumedRole
  std::string source_identity;
  std::string identity_store_id; // IdentityCenterUser onBehalfOf.identityStoreArn tail
  std::string identity_user_id;  // IdentityCenterUser onBehalfOf.userId
  std::string identity_provider; // SAMLUser / WebIdentityUser
};

// Where a record came from: the input's display name and its record index (0-based).
struct Origin {
  std::string source;
  std::uint64_t record = 0;
};

// One CloudTrail record with the fields trailwatch uses.
struct Event {
  std::string event_time;
  std::string event_id;
  std::string event_source;
  std::string event_name; // trimmed
  std::string event_type;
  std::string aws_region;
  std::string recipient_account_id;
  std::string source_ip;
  std::string user_agent;
  std::string error_code;
  std::string error_message;
  Identity identity;
  LaunchFacts launch;
  Origin origin;

  // Derived: account = userIdentity.accountId, else recipientAccountId.
  std::string account;
  // Derived: readable actor (actor.cpp).
  std::string actor;

  // The whole record as read, for rules and sinks that read any field of it (empty for alerts
  // saved by an older trailwatch).
  Record record;
};

} // namespace trailwatch
