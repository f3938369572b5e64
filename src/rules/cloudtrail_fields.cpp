// SPDX-License-Identifier: MIT
#include "rules/cloudtrail_fields.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>
#include <string_view>

namespace trailwatch {
namespace {

// Each known path; a trailing ".*" means anything below it occurs (API-specific contents).
constexpr std::string_view k_paths[] = {
    "eventVersion",
    "userIdentity",
    "userIdentity.type",
    "userIdentity.principalId",
    "userIdentity.arn",
    "userIdentity.accountId",
    "userIdentity.accessKeyId",
    "userIdentity.userName",
    "userIdentity.invokedBy",
    "userIdentity.identityProvider",
    "userIdentity.credentialId",
    "userIdentity.sessionContext",
    "userIdentity.sessionContext.attributes",
    "userIdentity.sessionContext.attributes.creationDate",
    "userIdentity.sessionContext.attributes.mfaAuthenticated",
    "userIdentity.sessionContext.sessionIssuer",
    "userIdentity.sessionContext.sessionIssuer.type",
    "userIdentity.sessionContext.sessionIssuer.principalId",
    "userIdentity.sessionContext.sessionIssuer.arn",
    "userIdentity.sessionContext.sessionIssuer.accountId",
    "userIdentity.sessionContext.sessionIssuer.userName",
    "userIdentity.sessionContext.webIdFederationData.*",
    "userIdentity.sessionContext.sourceIdentity",
    "userIdentity.sessionContext.ec2RoleDelivery",
    "userIdentity.sessionContext.assumedRoot",
    "userIdentity.onBehalfOf.*",
    "userIdentity.inScopeOf.*",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters.*",
    "responseElements.*",
    "additionalEventData.*",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "resources.ARN",
    "resources.accountId",
    "resources.type",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "serviceEventDetails.*",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum.*",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails.*",
    "tlsDetails",
    "tlsDetails.tlsVersion",
    "tlsDetails.cipherSuite",
    "tlsDetails.clientProvidedHostHeader",
    "insightDetails.*",
};

// True when `path` is `known` or lies below a `known.*`; `cased` false ignores ASCII case.
bool covers(std::string_view known, std::string_view path, bool cased) {
  auto same = [&](std::string_view a, std::string_view b) {
    return cased ? a == b : util::iequals(a, b);
  };
  if (known.ends_with(".*")) {
    const std::string_view base = known.substr(0, known.size() - 2);
    return same(path, base) || (path.size() > base.size() && path[base.size()] == '.' &&
                                same(path.substr(0, base.size()), base));
  }
  return same(known, path);
}

} // namespace

std::optional<std::string> unknown_cloudtrail_field(std::string_view path) {
  for (const auto known : k_paths) {
    if (covers(known, path, true)) {
      return std::nullopt;
    }
  }
  for (const auto known : k_paths) {
    if (covers(known, path, false)) {
      // Keys are compared exactly first; a record with the key in another case still matches
      // (some exports lower-case them), but CloudTrail itself never spells it so.
      const std::string_view base =
          known.ends_with(".*") ? known.substr(0, known.size() - 2) : known;
      return fmt::format("field '{}' never occurs in CloudTrail as spelled; CloudTrail writes "
                         "'{}{}'",
                         path, base, path.substr(std::min(base.size(), path.size())));
    }
  }
  return fmt::format("field '{}' never occurs in CloudTrail records (a typo?)", path);
}

} // namespace trailwatch
