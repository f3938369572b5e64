// SPDX-License-Identifier: MIT
#include "facts/launch.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <simdjson.h>

namespace trailwatch {
namespace {

namespace dom = simdjson::dom;

constexpr int k_max_depth = 24;

enum class Api {
  none,
  run_instances,
  run_scheduled_instances,
  request_spot_instances,
  request_spot_fleet,
  create_fleet,
  create_launch_template,
  create_launch_template_version,
  modify_instance_attribute,
  start_instances,
};

struct ApiName {
  std::string_view name;
  Api api;
};

constexpr std::array<ApiName, 9> k_apis = {{
    {"RunInstances", Api::run_instances},
    {"RunScheduledInstances", Api::run_scheduled_instances},
    {"RequestSpotInstances", Api::request_spot_instances},
    {"RequestSpotFleet", Api::request_spot_fleet},
    {"CreateFleet", Api::create_fleet},
    {"CreateLaunchTemplate", Api::create_launch_template},
    {"CreateLaunchTemplateVersion", Api::create_launch_template_version},
    {"ModifyInstanceAttribute", Api::modify_instance_attribute},
    {"StartInstances", Api::start_instances},
}};

Api api_of(std::string_view event_name) {
  for (const auto& entry : k_apis) {
    if (entry.name == event_name) {
      return entry.api;
    }
  }
  return Api::none;
}

// Reads a count that may be a number or a numeric string ("1" in hand-written exports).
std::optional<std::int64_t> read_count(dom::element value) {
  std::int64_t i = 0;
  if (!value.get_int64().get(i)) {
    return i;
  }
  std::uint64_t u = 0;
  if (!value.get_uint64().get(u)) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(u, INT64_MAX));
  }
  double d = 0;
  if (!value.get_double().get(d) && d >= 0 && d < 9e18) {
    return static_cast<std::int64_t>(d);
  }
  std::string_view s;
  if (!value.get_string().get(s)) {
    s = util::trim(s);
    std::int64_t parsed = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && end == s.data() + s.size()) {
      return parsed;
    }
  }
  return std::nullopt;
}

// Reads an instance type: a string or {"value": "…"}; lower-cased.
std::optional<std::string> read_type(dom::element value) {
  std::string_view s;
  if (value.get_string().get(s)) {
    dom::object object;
    if (value.get_object().get(object)) {
      return std::nullopt;
    }
    for (auto [key, inner] : object) {
      if (util::iequals(key, "value") && !inner.get_string().get(s)) {
        break;
      }
    }
  }
  s = util::trim(s);
  if (s.empty() || s.size() > 64) {
    return std::nullopt;
  }
  return util::to_lower(s);
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(std::move(value));
  }
}

// Walks a request: every instanceType key anywhere, and the counts and template reference.
class RequestWalker {
public:
  explicit RequestWalker(LaunchFacts& facts) : m_facts(facts) {}

  void walk(dom::element element, int depth, bool in_template) {
    if (depth > k_max_depth) {
      return;
    }
    dom::object object;
    dom::array array;
    if (!element.get_object().get(object)) {
      // ModifyInstanceAttribute's generic form {"attribute":"instanceType","value":"…"}: the
      // keys may come in either order, so look the attribute up first.
      std::string_view attribute;
      for (auto [key, value] : object) {
        if (util::iequals(key, "attribute") && value.get_string().get(attribute)) {
          attribute = {};
        }
      }
      for (auto [key, value] : object) {
        if (util::iequals(key, "instanceType")) {
          if (auto type = read_type(value)) {
            add_unique(m_facts.request_types, std::move(*type));
          }
        } else if (util::iequals(key, "minCount")) {
          take_first(m_facts.min_count, value);
        } else if (util::iequals(key, "maxCount")) {
          take_first(m_facts.max_count, value);
        } else if (util::iequals(key, "instanceCount")) {
          take_first(m_facts.min_count, value);
          take_first(m_facts.max_count, value);
        } else if (util::iequals(key, "targetCapacity") ||
                   util::iequals(key, "totalTargetCapacity")) {
          take_first(m_facts.max_count, value);
        } else if (util::iequals(key, "attribute")) {
          continue;
        } else if (util::iequals(key, "value") && util::iequals(attribute, "instanceType")) {
          if (auto type = read_type(value)) {
            add_unique(m_facts.request_types, std::move(*type));
          }
        } else if (in_template && (util::iequals(key, "launchTemplateId") ||
                                   util::iequals(key, "launchTemplateName"))) {
          std::string_view id;
          if (!value.get_string().get(id) && m_template_id.empty()) {
            m_template_id = id;
          }
        } else if (in_template && util::iequals(key, "version")) {
          std::string_view version;
          if (!value.get_string().get(version) && m_template_version.empty()) {
            m_template_version = version;
          } else if (auto number = read_count(value); number && m_template_version.empty()) {
            m_template_version = std::to_string(*number);
          }
        } else {
          walk(value, depth + 1, util::iequals(key, "launchTemplate"));
        }
      }
    } else if (!element.get_array().get(array)) {
      for (auto item : array) {
        walk(item, depth + 1, in_template);
      }
    }
  }

  std::string template_reference() const {
    if (m_template_id.empty()) {
      return {};
    }
    return m_template_version.empty() ? m_template_id : m_template_id + " v" + m_template_version;
  }

private:
  static void take_first(std::optional<std::int64_t>& slot, dom::element value) {
    if (!slot) {
      slot = read_count(value);
    }
  }

  LaunchFacts& m_facts;
  std::string m_template_id;
  std::string m_template_version;
};

std::string read_string_field(dom::object object, std::string_view name) {
  std::string_view s;
  if (!object[name].get_string().get(s)) {
    return std::string(s);
  }
  return {};
}

// Walks a response: instancesSet.items[] become instances; fleets list instance IDs; every
// instanceType key anywhere is a launched (or requested-in-response) type.
class ResponseWalker {
public:
  explicit ResponseWalker(LaunchFacts& facts) : m_facts(facts) {}

  void walk(dom::element element, int depth, std::string_view parent_key) {
    if (depth > k_max_depth) {
      return;
    }
    dom::object object;
    dom::array array;
    if (!element.get_object().get(object)) {
      for (auto [key, value] : object) {
        if (util::iequals(key, "instanceType")) {
          if (auto type = read_type(value)) {
            add_unique(m_facts.response_types, std::move(*type));
          }
        } else if (util::iequals(key, "instancesSet") && depth == 0) {
          read_instances(value);
        } else if (util::iequals(key, "instanceIds") && util::iequals(parent_key, "items")) {
          read_fleet_instance_ids(value); // CreateFleet fleetInstanceSet items
        } else {
          walk(value, depth + 1, key);
        }
      }
    } else if (!element.get_array().get(array)) {
      for (auto item : array) {
        walk(item, depth + 1, parent_key);
      }
    }
  }

private:
  void read_instances(dom::element set) {
    dom::array items;
    if (set["items"].get_array().get(items)) {
      return; // "{}" is an empty list
    }
    for (auto item : items) {
      dom::object object;
      if (item.get_object().get(object)) {
        continue;
      }
      Instance instance;
      instance.id = read_string_field(object, "instanceId");
      dom::element type_element;
      if (!object["instanceType"].get(type_element)) {
        if (auto type = read_type(type_element)) {
          instance.type = *type;
          add_unique(m_facts.response_types, *type);
        }
      }
      instance.private_ip = read_string_field(object, "privateIpAddress");
      dom::object placement;
      if (!object["placement"].get_object().get(placement)) {
        instance.availability_zone = read_string_field(placement, "availabilityZone");
      }
      m_facts.instances.push_back(std::move(instance));
    }
  }

  void read_fleet_instance_ids(dom::element ids) {
    dom::array array;
    if (ids.get_array().get(array)) {
      return;
    }
    for (auto id : array) {
      std::string_view s;
      if (!id.get_string().get(s)) {
        m_facts.instances.push_back(Instance{std::string(s), {}, {}, {}});
      }
    }
  }

  LaunchFacts& m_facts;
};

Outcome outcome_for(Api api, std::string_view error_code, const LaunchFacts& facts) {
  if (!error_code.empty()) {
    const auto dot = error_code.rfind('.');
    const auto base = dot == std::string_view::npos ? error_code : error_code.substr(dot + 1);
    return base == "DryRunOperation" ? Outcome::dryrun : Outcome::attempt;
  }
  switch (api) {
  case Api::create_launch_template:
  case Api::create_launch_template_version:
    return Outcome::configure;
  case Api::modify_instance_attribute:
    return facts.request_types.empty() ? Outcome::none : Outcome::configure;
  case Api::none:
    return Outcome::none;
  default:
    return Outcome::launch;
  }
}

} // namespace

bool is_launch_api(std::string_view event_name) {
  return api_of(event_name) != Api::none;
}

LaunchFacts extract_launch(std::string_view event_name, std::string_view error_code,
                           const dom::element* request, const dom::element* response) {
  LaunchFacts facts;
  const Api api = api_of(event_name);
  if (api == Api::none) {
    return facts;
  }
  facts.is_launch_api = true;
  RequestWalker request_walker(facts);
  if (request != nullptr) {
    request_walker.walk(*request, 0, false);
    facts.launch_template = request_walker.template_reference();
  }
  if (response != nullptr) {
    ResponseWalker(facts).walk(*response, 0, {});
  }
  facts.launched_count = static_cast<std::int64_t>(facts.instances.size());
  if (!error_code.empty()) {
    facts.launched_count = 0;
  }
  // What launched comes first, then what was asked for; both are kept apart as well.
  for (const auto& type : facts.response_types) {
    add_unique(facts.instance_types, type);
  }
  for (const auto& type : facts.request_types) {
    add_unique(facts.instance_types, type);
  }
  facts.outcome = outcome_for(api, error_code, facts);
  return facts;
}

std::string_view instance_family(std::string_view instance_type) {
  return instance_type.substr(0, instance_type.find('.'));
}

std::string_view instance_size(std::string_view instance_type) {
  const auto dot = instance_type.find('.');
  return dot == std::string_view::npos ? std::string_view{} : instance_type.substr(dot + 1);
}

long size_multiplier(std::string_view size) {
  std::string_view digits;
  if (size.starts_with("metal-") && size.ends_with("xl")) {
    digits = size.substr(6, size.size() - 8);
  } else if (size.ends_with("xlarge")) {
    digits = size.substr(0, size.size() - 6);
    if (digits.empty()) {
      return 1;
    }
  } else {
    return 0;
  }
  long value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return (ec == std::errc() && end == digits.data() + digits.size()) ? value : 0;
}

} // namespace trailwatch
