// SPDX-License-Identifier: MIT
#include "trailwatch/record.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <simdjson.h>

namespace trailwatch {

namespace dom = simdjson::dom;

namespace {

// Returns `json` with every number literal simdjson cannot hold (an integer beyond 64 bits, an
// exponent beyond a double) turned into a string of the same digits, or nothing when there is
// none. The README promises that a field of unexpected type is absent for a rule, never that
// the whole record is lost: such a number is kept as text.
std::optional<std::string> quote_huge_numbers(std::string_view json) {
  std::string out;
  bool changed = false;
  bool in_string = false;
  bool escaped = false;
  std::size_t i = 0;
  out.reserve(json.size() + 16);
  while (i < json.size()) {
    const char c = json[i];
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      ++i;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i + 1;
      while (end < json.size() &&
             (std::isdigit(static_cast<unsigned char>(json[end])) || json[end] == '.' ||
              json[end] == 'e' || json[end] == 'E' || json[end] == '+' || json[end] == '-')) {
        ++end;
      }
      const std::string_view token = json.substr(i, end - i);
      const auto exponent = token.find_first_of("eE");
      const std::size_t mantissa_digits = static_cast<std::size_t>(std::count_if(
          token.begin(),
          token.begin() + static_cast<std::ptrdiff_t>(std::min(exponent, token.size())),
          [](char d) { return d >= '0' && d <= '9'; }));
      bool huge_exponent = false;
      if (exponent != std::string_view::npos) {
        std::size_t digit = exponent + 1;
        if (digit < token.size() && (token[digit] == '+' || token[digit] == '-')) {
          ++digit;
        }
        const std::string_view digits = token.substr(digit);
        huge_exponent = digits.size() > 3 || (digits.size() == 3 && digits > "300");
      }
      if (mantissa_digits > 19 || huge_exponent) {
        out += '"';
        out += token;
        out += '"';
        changed = true;
      } else {
        out += token;
      }
      i = end;
      continue;
    }
    out += c;
    ++i;
  }
  if (!changed) {
    return std::nullopt;
  }
  return out;
}

} // namespace

struct Record::Data {
  simdjson::padded_string json;
  std::once_flag parsed_once;
  dom::document document;                  // filled once, under parsed_once
  simdjson::padded_string numbers_as_text; // the text parsed when numbers had to be quoted
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
    auto error = parser
                     .parse_into_document(data.document,
                                          reinterpret_cast<const std::uint8_t*>(data.json.data()),
                                          data.json.size(), false)
                     .get(element);
    if (error == simdjson::NUMBER_ERROR) {
      if (auto quoted = quote_huge_numbers(std::string_view(data.json))) {
        data.numbers_as_text = simdjson::padded_string(*quoted);
        error = parser
                    .parse_into_document(
                        data.document,
                        reinterpret_cast<const std::uint8_t*>(data.numbers_as_text.data()),
                        data.numbers_as_text.size(), false)
                    .get(element);
      }
    }
    data.valid = !error && element.is_object();
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

// Every scalar under `element`, depth first. Depth is bounded by the parser's (simdjson's
// default maximum depth), so the recursion is too.
void append_scalars(dom::element element, std::vector<std::string>& out) {
  switch (element.type()) {
  case dom::element_type::OBJECT:
    for (const auto field : dom::object(element)) {
      append_scalars(field.value, out);
    }
    return;
  case dom::element_type::ARRAY:
    for (dom::element item : dom::array(element)) {
      append_scalars(item, out);
    }
    return;
  case dom::element_type::NULL_VALUE:
    return;
  default:
    append_leaf(element, out, true);
    return;
  }
}

} // namespace

void Record::scalar_values(std::vector<std::string>& out) const {
  dom::element element;
  if (root(element)) {
    append_scalars(element, out);
  }
}

void Record::values(std::string_view path, std::vector<std::string>& out) const {
  dom::element element;
  if (path.empty() || !root(element)) {
    return;
  }
  walk(element, path, out);
}

} // namespace trailwatch
