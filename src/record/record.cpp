// SPDX-License-Identifier: MIT
#include "trailwatch/record.hpp"

#include <mutex>
#include <simdjson.h>

namespace trailwatch {

namespace dom = simdjson::dom;

struct Record::Data {
  simdjson::padded_string json;
  std::once_flag parsed_once;
  dom::document document; // filled once, under parsed_once
  bool valid = false;
};

Record::Record() = default;

Record::Record(std::string_view json) : m_data(std::make_shared<Data>()) {
  m_data->json = simdjson::padded_string(json);
}

std::string_view Record::json() const {
  return m_data ? std::string_view(m_data->json) : std::string_view();
}

bool Record::empty() const {
  return !m_data || m_data->json.size() == 0;
}

bool Record::root(dom::element& out) const {
  if (!m_data) {
    return false;
  }
  Data& data = *m_data;
  std::call_once(data.parsed_once, [&data] {
    // One parser per thread for its scratch buffers; the tape lives in the record's document.
    thread_local dom::parser parser;
    dom::element element;
    data.valid = !parser
                      .parse_into_document(data.document,
                                           reinterpret_cast<const std::uint8_t*>(data.json.data()),
                                           data.json.size(), false)
                      .get(element) &&
                 element.is_object();
  });
  if (!data.valid) {
    return false;
  }
  out = data.document.root();
  return true;
}

namespace {

bool iequal_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

// The member `key` of `object`: spelled exactly, else equal ignoring ASCII case.
bool member(dom::object object, std::string_view key, dom::element& out) {
  if (!object.at_key(key).get(out)) {
    return true;
  }
  for (auto [name, value] : object) {
    if (iequal_ascii(name, key)) {
      out = value;
      return true;
    }
  }
  return false;
}

// Appends the text of a value found at the end of a path.
void append_leaf(dom::element element, std::vector<std::string>& out, bool in_array) {
  switch (element.type()) {
  case dom::element_type::STRING: {
    std::string_view text;
    if (!element.get_string().get(text)) {
      out.emplace_back(text);
    }
    return;
  }
  case dom::element_type::NULL_VALUE:
    return;
  case dom::element_type::ARRAY: {
    dom::array array;
    if (!in_array && !element.get_array().get(array)) {
      bool scalars = true;
      for (dom::element item : array) {
        if (item.is_object() || item.is_array()) {
          scalars = false;
          break;
        }
      }
      if (scalars) {
        for (dom::element item : array) {
          append_leaf(item, out, true);
        }
        return;
      }
    }
    out.push_back(simdjson::minify(element));
    return;
  }
  default: // numbers, booleans, objects: their compact JSON text
    out.push_back(simdjson::minify(element));
    return;
  }
}

// Walks `path` from `element`. Depth is bounded by the path's segments (a rule's text), never
// by the record.
void walk(dom::element element, std::string_view path, std::vector<std::string>& out) {
  if (path.empty()) {
    append_leaf(element, out, false);
    return;
  }
  dom::array array;
  if (!element.get_array().get(array)) {
    for (dom::element item : array) {
      if (item.is_object()) {
        walk(item, path, out);
      }
    }
    return;
  }
  dom::object object;
  if (element.get_object().get(object)) {
    return;
  }
  const auto dot = path.find('.');
  const std::string_view key = path.substr(0, dot);
  const std::string_view rest =
      dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  dom::element child;
  if (member(object, key, child)) {
    walk(child, rest, out);
  }
}

} // namespace

void Record::values(std::string_view path, std::vector<std::string>& out) const {
  dom::element element;
  if (path.empty() || !root(element)) {
    return;
  }
  walk(element, path, out);
}

} // namespace trailwatch
