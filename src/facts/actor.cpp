// SPDX-License-Identifier: MIT
#include "facts/actor.hpp"

#include <fmt/format.h>

namespace trailwatch {
namespace {

// The text after the last '/' of an ARN (IAM user name, federated user name).
std::string arn_tail(const std::string& arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string::npos ? std::string{} : arn.substr(slash + 1);
}

// "assumed-role/Role/Session" → "Role/Session".
std::string assumed_role_path(const Identity& id) {
  const auto marker = id.arn.find(":assumed-role/");
  if (marker != std::string::npos) {
    return id.arn.substr(marker + 14);
  }
  std::string session;
  if (const auto colon = id.principal_id.find(':'); colon != std::string::npos) {
    session = id.principal_id.substr(colon + 1);
  }
  if (!id.session_issuer_user_name.empty()) {
    return session.empty() ? id.session_issuer_user_name
                           : id.session_issuer_user_name + "/" + session;
  }
  return session;
}

std::string fallback(const Identity& id) {
  const std::string type = id.type.empty() ? "unknown" : id.type;
  if (!id.principal_id.empty()) {
    return fmt::format("{} {}", type, id.principal_id);
  }
  if (!id.invoked_by.empty()) {
    return fmt::format("service:{}", id.invoked_by);
  }
  if (!id.account_id.empty()) {
    return fmt::format("{} {}", type, id.account_id);
  }
  return id.arn.empty() ? type : id.arn;
}

} // namespace

std::string readable_actor(const Identity& id) {
  std::string actor;
  if (id.type == "IAMUser") {
    actor = id.user_name.empty() ? arn_tail(id.arn) : id.user_name;
  } else if (id.type == "AssumedRole") {
    actor = assumed_role_path(id);
    if (!actor.empty() && !id.source_identity.empty()) {
      actor += fmt::format(" (source identity {})", id.source_identity);
    }
  } else if (id.type == "Root") {
    actor = id.account_id.empty() ? "root" : "root@" + id.account_id;
    if (!id.user_name.empty() && id.user_name != id.account_id) {
      actor += fmt::format(" ({})", id.user_name);
    }
  } else if (id.type == "AWSService") {
    actor = id.invoked_by.empty() ? std::string{} : "service:" + id.invoked_by;
  } else if (id.type == "FederatedUser") {
    actor = arn_tail(id.arn);
    if (!actor.empty() && !id.session_issuer_user_name.empty()) {
      actor += fmt::format(" (via {})", id.session_issuer_user_name);
    }
  } else if (id.type == "AWSAccount") {
    actor = id.account_id.empty() ? std::string{} : "account " + id.account_id;
  } else if (id.type == "IdentityCenterUser") {
    if (!id.identity_user_id.empty()) {
      actor = fmt::format("identitycenter:{}/{}", id.identity_store_id, id.identity_user_id);
    }
  } else if (id.type == "SAMLUser" || id.type == "WebIdentityUser") {
    if (!id.user_name.empty()) {
      actor = id.identity_provider.empty()
                  ? id.user_name
                  : fmt::format("{}@{}", id.user_name, id.identity_provider);
    }
  }
  return actor.empty() ? fallback(id) : actor;
}

} // namespace trailwatch
