// SPDX-License-Identifier: MIT
#include "facts/event_builder.hpp"

#include "facts/actor.hpp"
#include "facts/registry.hpp"
#include "util/strings.hpp"

#include <simdjson.h>

namespace trailwatch {
namespace {

namespace dom = simdjson::dom;

std::string string_at(dom::object object, std::string_view key) {
  std::string_view s;
  if (!object[key].get_string().get(s)) {
    return std::string(s);
  }
  return {};
}

// userIdentity keys are matched case-insensitively: hand-written exports write `accesskeyid`.
std::string string_ci(dom::object object, std::string_view key) {
  for (auto [name, value] : object) {
    if (util::iequals(name, key)) {
      std::string_view s;
      if (!value.get_string().get(s)) {
        return std::string(s);
      }
    }
  }
  return {};
}

Identity read_identity(dom::object object) {
  Identity identity;
  identity.type = string_ci(object, "type");
  identity.arn = string_ci(object, "arn");
  identity.account_id = string_ci(object, "accountId");
  identity.principal_id = string_ci(object, "principalId");
  identity.user_name = string_ci(object, "userName");
  identity.access_key_id = string_ci(object, "accessKeyId");
  identity.invoked_by = string_ci(object, "invokedBy");
  identity.identity_provider = string_ci(object, "identityProvider");
  dom::object session;
  if (!object["sessionContext"].get_object().get(session)) {
    dom::object issuer;
    if (!session["sessionIssuer"].get_object().get(issuer)) {
      identity.session_issuer_user_name = string_at(issuer, "userName");
    }
    identity.source_identity = string_at(session, "sourceIdentity");
  }
  dom::object on_behalf_of;
  if (!object["onBehalfOf"].get_object().get(on_behalf_of)) {
    identity.identity_user_id = string_at(on_behalf_of, "userId");
    const std::string store_arn = string_at(on_behalf_of, "identityStoreArn");
    identity.identity_store_id = store_arn.substr(store_arn.rfind('/') + 1);
  }
  return identity;
}

// Reads a string member; null and absent read as empty, another type names the field in `bad`.
std::string read_string(dom::object record, std::string_view key, std::string& bad) {
  dom::element element;
  if (record[key].get(element) || element.is_null()) {
    return {};
  }
  std::string_view text;
  if (element.get_string().get(text)) {
    if (bad.empty()) {
      bad = key;
    }
    return {};
  }
  return std::string(text);
}

bool digits(std::string_view s, std::size_t from, std::size_t count) {
  if (from + count > s.size()) {
    return false;
  }
  for (std::size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

} // namespace

std::string normalise_event_time(std::string_view t) {
  // "YYYY-MM-DD?HH:MM:SS" with ? = 'T' or ' ', then optional fraction and "Z" / "+00:00".
  if (t.size() < 19 || !digits(t, 0, 4) || t[4] != '-' || !digits(t, 5, 2) || t[7] != '-' ||
      !digits(t, 8, 2) || (t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2) || t[13] != ':' ||
      !digits(t, 14, 2) || t[16] != ':' || !digits(t, 17, 2)) {
    return std::string(t);
  }
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      ++i;
    }
  }
  const std::string_view zone = t.substr(i);
  if (!zone.empty() && zone != "Z" && zone != "+00:00" && zone != "+0000") {
    return std::string(t); // another offset: keep what the producer wrote
  }
  std::string out(t.substr(0, 19));
  out[10] = 'T';
  out += 'Z';
  return out;
}

Event build_event(Record record, Origin origin, std::string& bad) {
  Event event;
  event.origin = std::move(origin);
  dom::element root;
  dom::object object;
  if (record.root(root) && !root.get_object().get(object)) {
    event.event_name = std::string(util::trim(read_string(object, "eventName", bad)));
    event.event_source = read_string(object, "eventSource", bad);
    event.event_time = normalise_event_time(read_string(object, "eventTime", bad));
    event.event_id = read_string(object, "eventID", bad);
    event.event_type = read_string(object, "eventType", bad);
    event.aws_region = read_string(object, "awsRegion", bad);
    event.recipient_account_id = read_string(object, "recipientAccountId", bad);
    event.source_ip = read_string(object, "sourceIPAddress", bad);
    event.user_agent = read_string(object, "userAgent", bad);
    event.error_code = read_string(object, "errorCode", bad);
    event.error_message = read_string(object, "errorMessage", bad);
    dom::element identity;
    if (!object["userIdentity"].get(identity) && !identity.is_null()) {
      dom::object identity_object;
      if (identity.get_object().get(identity_object)) {
        bad = bad.empty() ? "userIdentity" : bad;
      } else {
        event.identity = read_identity(identity_object);
      }
    }
  }
  event.account =
      event.identity.account_id.empty() ? event.recipient_account_id : event.identity.account_id;
  event.actor = readable_actor(event.identity);
  event.record = std::move(record);
  extract_facts(event, object, bad);
  return event;
}

} // namespace trailwatch
