// SPDX-License-Identifier: MIT
// Sigma condition parser: a recursive-descent parser over a tiny grammar.
//
//   expr    := and ('or' and)*
//   and     := unary ('and' unary)*
//   unary   := 'not' unary | primary
//   primary := '(' expr ')' | ('1' | 'any' | 'all') 'of' (pattern | 'them') | selection-name
//
// Patterns use `*` wildcards over selection names ("1 of filter_*"). Keywords are
// case-insensitive; selection names are not.
#include "rules/rule.hpp"
#include "util/strings.hpp"

#include <cctype>
#include <fmt/format.h>
#include <stdexcept>

namespace trailwatch {
namespace {

class ConditionParser {
public:
  static constexpr int k_max_depth = 64;

  ConditionParser(std::string_view text, const std::vector<Selection>& selections)
      : m_selections(selections) {
    tokenize(text);
  }

  Condition parse() {
    if (m_tokens.empty()) {
      throw std::invalid_argument("condition is empty");
    }
    Condition result = parse_or();
    if (m_pos != m_tokens.size()) {
      throw std::invalid_argument(fmt::format("unexpected '{}' in condition", m_tokens[m_pos]));
    }
    return result;
  }

private:
  void tokenize(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (c == '(' || c == ')') {
        m_tokens.emplace_back(1, c);
        ++i;
      } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '-' ||
                 c == '.') {
        std::size_t j = i;
        while (j < text.size() &&
               (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_' ||
                text[j] == '*' || text[j] == '-' || text[j] == '.')) {
          ++j;
        }
        m_tokens.emplace_back(text.substr(i, j - i));
        i = j;
      } else if (c == '|') {
        throw std::invalid_argument(
            "aggregations ('|' in condition) are not supported; use a correlation tool");
      } else {
        throw std::invalid_argument(fmt::format("unexpected character '{}' in condition", c));
      }
    }
  }

  bool peek_keyword(std::string_view word) const {
    return m_pos < m_tokens.size() && util::iequals(m_tokens[m_pos], word);
  }

  const std::string& next(std::string_view expected) {
    if (m_pos >= m_tokens.size()) {
      throw std::invalid_argument(fmt::format("condition ends early; expected {}", expected));
    }
    return m_tokens[m_pos++];
  }

  Condition parse_or() {
    Condition left = parse_and();
    if (!peek_keyword("or")) {
      return left;
    }
    Condition node{Condition::Op::or_, {}, {}};
    node.children.push_back(std::move(left));
    while (peek_keyword("or")) {
      ++m_pos;
      node.children.push_back(parse_and());
    }
    return node;
  }

  Condition parse_and() {
    Condition left = parse_unary();
    if (!peek_keyword("and")) {
      return left;
    }
    Condition node{Condition::Op::and_, {}, {}};
    node.children.push_back(std::move(left));
    while (peek_keyword("and")) {
      ++m_pos;
      node.children.push_back(parse_unary());
    }
    return node;
  }

  Condition parse_unary() {
    // Nesting ('(' and 'not') is the only recursion the rule text controls: bounded, so a
    // hostile rule is an error, never a stack overflow (and evaluation recursion is bounded too).
    if (++m_depth > k_max_depth) {
      throw std::invalid_argument(
          fmt::format("condition nests deeper than {} levels of '(' and 'not'", k_max_depth));
    }
    Condition node;
    if (peek_keyword("not")) {
      ++m_pos;
      node = Condition{Condition::Op::not_, {}, {}};
      node.children.push_back(parse_unary());
    } else {
      node = parse_primary();
    }
    --m_depth;
    return node;
  }

  Condition parse_primary() {
    const std::string& token = next("a selection name, 'not', '(' or 'N of'");
    if (token == "(") {
      Condition inner = parse_or();
      if (next("')'") != ")") {
        throw std::invalid_argument("missing ')' in condition");
      }
      return inner;
    }
    if (token == ")" || util::iequals(token, "and") || util::iequals(token, "or") ||
        util::iequals(token, "of")) {
      throw std::invalid_argument(fmt::format("unexpected '{}' in condition", token));
    }
    if ((token == "1" || util::iequals(token, "any") || util::iequals(token, "all")) &&
        peek_keyword("of")) {
      ++m_pos;
      const bool all = util::iequals(token, "all");
      const std::string& pattern = next("a selection pattern or 'them'");
      Condition node{all ? Condition::Op::all_of : Condition::Op::one_of, {}, {}};
      for (std::size_t i = 0; i < m_selections.size(); ++i) {
        if (util::iequals(pattern, "them") ? !m_selections[i].name.starts_with("_")
                                           : util::wildcard_match(pattern, m_selections[i].name)) {
          node.selections.push_back(i);
        }
      }
      if (node.selections.empty()) {
        throw std::invalid_argument(fmt::format("'{}' matches no selection", pattern));
      }
      return node;
    }
    for (std::size_t i = 0; i < m_selections.size(); ++i) {
      if (m_selections[i].name == token) {
        return Condition{Condition::Op::selection, {i}, {}};
      }
    }
    throw std::invalid_argument(fmt::format("condition names unknown selection '{}'", token));
  }

  const std::vector<Selection>& m_selections;
  std::vector<std::string> m_tokens;
  std::size_t m_pos = 0;
  int m_depth = 0;
};

} // namespace

Condition parse_condition(std::string_view text, const std::vector<Selection>& selections) {
  return ConditionParser(text, selections).parse();
}

} // namespace trailwatch
