// SPDX-License-Identifier: MIT
#include "rules/yaml_support.hpp"

#include "util/json_writer.hpp"

#include <charconv>

namespace trailwatch::rules_yaml {

// The YAML documents of `text`, split at its `---` lines (yaml-cpp 0.7's LoadAll never returns
// on some inputs, so documents are found here and each is read with YAML::Load). Each document
// keeps its place: the other documents' lines are left blank, so yaml-cpp's line numbers are
// the file's. Documents without content (comments, blank lines) are dropped.
std::vector<std::string> yaml_documents(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto is_separator = [](std::string_view line) {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    return line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
  };
  auto is_content = [](std::string_view line) {
    const auto first = line.find_first_not_of(" \t\r");
    return first != std::string_view::npos && line[first] != '#' && line.substr(first) != "...";
  };
  std::vector<std::string> documents;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= lines.size(); ++i) {
    if (i < lines.size() && !is_separator(lines[i])) {
      continue;
    }
    bool content = false;
    for (std::size_t k = begin; k < i; ++k) {
      content = content || is_content(lines[k]);
    }
    if (content) {
      std::string document(begin, '\n');
      for (std::size_t k = begin; k < i; ++k) {
        document += lines[k];
        document += '\n';
      }
      documents.push_back(std::move(document));
    }
    begin = i + 1;
  }
  return documents;
}

void check_duplicates(const YAML::Node& map, const std::string& path, Errors& errors,
                      std::string_view what) {
  check_keys<1>(map, path, errors, nullptr, what);
}

std::string scalar_or_error(const YAML::Node& node, const std::string& path, Errors& errors,
                            std::string_view key, bool required) {
  if (!node.IsDefined() || node.IsNull()) {
    if (required) {
      errors.add_plain(fmt::format("{}: missing required key '{}'", path, key));
    }
    return {};
  }
  if (!node.IsScalar()) {
    errors.add(path, node, fmt::format("'{}' must be a single value", key));
    return {};
  }
  return node.Scalar();
}

void check_string_list(const YAML::Node& node, const std::string& path, Errors& errors,
                       std::string_view key, std::vector<std::string>* out) {
  if (!node.IsDefined() || node.IsNull()) {
    return;
  }
  if (!node.IsSequence()) {
    errors.add(path, node, fmt::format("'{}' must be a list", key));
    return;
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      errors.add(path, item, fmt::format("'{}' items must be single values", key));
    } else if (out != nullptr) {
      out->push_back(item.Scalar());
    }
  }
}

namespace {

bool is_json_literal(const std::string& text) {
  if (text == "true" || text == "false" || text == "null") {
    return true;
  }
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  // JSON numbers: no leading '+', no leading zeros ("007" stays a string), no "inf"/"nan".
  const bool leading_zero = text.size() > 1 && text[0] == '0' && text[1] != '.';
  const bool negative_zero = text.size() > 2 && text[0] == '-' && text[1] == '0' && text[2] != '.';
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() &&
         (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-') && !leading_zero &&
         !negative_zero && text.find_first_of("iInN") == std::string::npos;
}

void append_json(const YAML::Node& node, std::string& out) {
  switch (node.Type()) {
  case YAML::NodeType::Map: {
    out += '{';
    bool first = true;
    for (const auto& entry : node) {
      out += first ? "" : ",";
      first = false;
      util::append_json_string(out, entry.first.Scalar());
      out += ':';
      append_json(entry.second, out);
    }
    out += '}';
    return;
  }
  case YAML::NodeType::Sequence: {
    out += '[';
    bool first = true;
    for (const auto& item : node) {
      out += first ? "" : ",";
      first = false;
      append_json(item, out);
    }
    out += ']';
    return;
  }
  case YAML::NodeType::Scalar:
    // A plain scalar has the non-specific tag "?"; a quoted one "!" (always a string).
    if (node.Tag() == "?" && is_json_literal(node.Scalar())) {
      out += node.Scalar();
    } else {
      util::append_json_string(out, node.Scalar());
    }
    return;
  default:
    out += "null";
    return;
  }
}

} // namespace

std::string yaml_to_json(const YAML::Node& node) {
  std::string out;
  append_json(node, out);
  return out;
}

} // namespace trailwatch::rules_yaml
