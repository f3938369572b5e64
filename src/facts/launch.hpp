// SPDX-License-Identifier: MIT
// Launch facts: instance types, counts, instances and outcome of every EC2 launch path.
//
// Where the instance type lives varies (cloudtrail.md §8, §10): requestParameters.instanceType
// (a string or {"value": …}), response instancesSet.items[].instanceType (launch templates),
// PascalCase launch-template data (CreateLaunchTemplate(Version)), spot launch specifications,
// fleet overrides in `…Request` wrappers with `tag` items, ModifyInstanceAttribute type changes.
// The search is by key name, case-insensitive, anywhere in the request and response, but only
// for the launch event names below, so an unrelated field can never fire an alert.
#pragma once

#include "trailwatch/event.hpp"

#include <string_view>

namespace simdjson::dom {
class element;
}

namespace trailwatch {

// True for the EC2 launch paths trailwatch understands (RunInstances, RequestSpotInstances,
// RequestSpotFleet, CreateFleet, RunScheduledInstances, CreateLaunchTemplate,
// CreateLaunchTemplateVersion, ModifyInstanceAttribute, StartInstances).
bool is_launch_api(std::string_view event_name);

// Extracts launch facts. `request` / `response` may be null elements (absent or null fields).
LaunchFacts extract_launch(std::string_view event_name, std::string_view error_code,
                           const simdjson::dom::element* request,
                           const simdjson::dom::element* response);

// Splits an instance type into family (text before the first dot, lower-case) and size.
std::string_view instance_family(std::string_view instance_type);
std::string_view instance_size(std::string_view instance_type);
// Size multiplier: "xlarge" → 1, "24xlarge" → 24, "metal-48xl" → 48; 0 for smaller sizes and
// for plain "metal" (which rules match by name).
long size_multiplier(std::string_view size);

} // namespace trailwatch
