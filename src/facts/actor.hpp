// SPDX-License-Identifier: MIT
// A readable actor from userIdentity, per identity type (cloudtrail.md §5). Display only: the
// ARN plus type stays the stable identity.
#pragma once

#include "trailwatch/event.hpp"

#include <string>

namespace trailwatch {

// IAMUser → userName; AssumedRole → Role/Session (+ sourceIdentity); Root → root@account;
// AWSService → service:<invokedBy>; FederatedUser → name; IdentityCenterUser →
// identitycenter:<store>/<user>; SAML/WebIdentity → user@provider; others → type + principal.
std::string readable_actor(const Identity& identity);

} // namespace trailwatch
