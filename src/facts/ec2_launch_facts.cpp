// SPDX-License-Identifier: MIT
// The EC2 launch domain: for the launch event names (facts/launch.hpp), the instance types,
// counts, template and outcome of the call, read from requestParameters and responseElements.
#include "facts/launch.hpp"
#include "facts/registry.hpp"

#include <array>
#include <simdjson.h>

namespace trailwatch {
namespace {

namespace dom = simdjson::dom;

void push(std::vector<std::string>& out, std::string_view value) {
  if (!value.empty()) {
    out.emplace_back(value);
  }
}

// The object member `key`: true with `out` set for an object; JSON null or absent give false;
// another type gives false and names the field in `bad`.
bool object_member(const dom::object& record, std::string_view key, dom::element& out,
                   std::string& bad) {
  if (record.at_key(key).get(out) || out.is_null()) {
    return false;
  }
  if (!out.is_object()) {
    bad = bad.empty() ? std::string(key) : bad;
    return false;
  }
  return true;
}

void extract(Event& event, const dom::object& record, std::string& bad) {
  dom::element request, response;
  const bool has_request = object_member(record, "requestParameters", request, bad);
  const bool has_response = object_member(record, "responseElements", response, bad);
  event.launch =
      extract_launch(event.event_name, event.error_code, has_request ? &request : nullptr,
                     has_response ? &response : nullptr);
}

using Out = std::vector<std::string>;

constexpr std::array<FactField, 10> k_fields = {{
    {"trailwatch.outcome", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       if (e.launch.outcome != Outcome::none) {
         push(out, outcome_name(e.launch.outcome));
       }
     }},
    {"trailwatch.instanceTypes", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       for (const auto& type : e.launch.instance_types) {
         push(out, type);
       }
     }},
    {"trailwatch.instanceFamily", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       for (const auto& type : e.launch.instance_types) {
         push(out, instance_family(type));
       }
     }},
    {"trailwatch.instanceSize", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       for (const auto& type : e.launch.instance_types) {
         push(out, instance_size(type));
       }
     }},
    {"trailwatch.sizeMultiplier", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       for (const auto& type : e.launch.instance_types) {
         out.push_back(std::to_string(size_multiplier(instance_size(type))));
       }
     }},
    {"trailwatch.requestedMin", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       if (e.launch.min_count) {
         out.push_back(std::to_string(*e.launch.min_count));
       }
     }},
    {"trailwatch.requestedMax", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       if (e.launch.max_count) {
         out.push_back(std::to_string(*e.launch.max_count));
       }
     }},
    {"trailwatch.launchedCount", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       if (e.launch.is_launch_api) {
         out.push_back(std::to_string(e.launch.launched_count));
       }
     }},
    {"trailwatch.launchTemplate", false,
     [](const Event& e, const GeoInfo&, Out& out) { push(out, e.launch.launch_template); }},
    {"trailwatch.instanceIds", false,
     [](const Event& e, const GeoInfo&, Out& out) {
       for (const auto& instance : e.launch.instances) {
         push(out, instance.id);
       }
     }},
}};

} // namespace

const FactsDomain k_ec2_launch_domain = {
    "ec2_launch",
    is_launch_api,
    extract,
    k_fields,
};

} // namespace trailwatch
