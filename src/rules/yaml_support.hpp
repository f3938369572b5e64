// SPDX-License-Identifier: MIT
// The YAML reading every rules document shares: error collection with file:line, strict key
// checks, scalar and list readers, documents split at `---`, and a YAML value as JSON text.
//
// yaml-cpp 0.7 accepts duplicate map keys silently (the first wins on lookup), so every map is
// walked once to reject them. Line numbers come from Mark().line, which is 0-based.
#pragma once

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace trailwatch::rules_yaml {

// Collects errors (which stop a load) and warnings (which do not), as "file:line: message".
class Errors {
public:
  void add(const std::string& path, const YAML::Node& node, const std::string& message) {
    m_list.push_back(located(path, node, message));
  }
  void add_plain(std::string message) { m_list.push_back(std::move(message)); }
  void warn(const std::string& path, const YAML::Node& node, const std::string& message) {
    m_warnings.push_back(located(path, node, message));
  }
  std::size_t size() const { return m_list.size(); }
  std::vector<std::string>& list() { return m_list; }
  std::vector<std::string>& warnings() { return m_warnings; }

private:
  static std::string located(const std::string& path, const YAML::Node& node,
                             const std::string& message) {
    const int line = node.IsDefined() ? node.Mark().line : -1;
    return line >= 0 ? fmt::format("{}:{}: {}", path, line + 1, message)
                     : fmt::format("{}: {}", path, message);
  }

  std::vector<std::string> m_list;
  std::vector<std::string> m_warnings;
};

template <std::size_t N> inline std::string join_names(const std::string_view (&names)[N]) {
  std::string out;
  for (const auto& name : names) {
    out += out.empty() ? "" : ", ";
    out += name;
  }
  return out;
}

// Checks a map for duplicate and (when `allowed` is given) unknown keys.
template <std::size_t N>
inline void check_keys(const YAML::Node& map, const std::string& path, Errors& errors,
                       const std::string_view (*allowed)[N], std::string_view what) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      errors.add(path, entry.first, fmt::format("duplicate key '{}' in {}", key, what));
    }
    if (allowed != nullptr &&
        std::find(std::begin(*allowed), std::end(*allowed), key) == std::end(*allowed)) {
      errors.add(
          path, entry.first,
          fmt::format("unknown key '{}' in {}; valid keys: {}", key, what, join_names(*allowed)));
    }
  }
}

void check_duplicates(const YAML::Node& map, const std::string& path, Errors& errors,
                      std::string_view what);

std::string scalar_or_error(const YAML::Node& node, const std::string& path, Errors& errors,
                            std::string_view key, bool required);

void check_string_list(const YAML::Node& node, const std::string& path, Errors& errors,
                       std::string_view key, std::vector<std::string>* out = nullptr);

// The YAML documents of `text`, split at its `---` lines (yaml-cpp 0.7's LoadAll never returns
// on some inputs, so documents are found here and each is read with YAML::Load). Each document
// keeps its place: the other documents' lines are left blank, so yaml-cpp's line numbers are
// the file's. Documents without content (comments, blank lines) are dropped.
std::vector<std::string> yaml_documents(std::string_view text);

// `node` as compact JSON: maps as objects, sequences as arrays, plain scalars that read as JSON
// numbers, booleans or null as those, every other scalar (quoted ones always) as a string.
std::string yaml_to_json(const YAML::Node& node);

} // namespace trailwatch::rules_yaml
