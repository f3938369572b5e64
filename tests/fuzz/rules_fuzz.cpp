// SPDX-License-Identifier: MIT
// rules_fuzz: the rule loader and the condition parser on arbitrary text.
//   1. The input as one YAML rule file, linted beside the shipped watch lists (so `%name%`
//      placeholders resolve and the detection is read to the end): yaml-cpp, the strict key
//      checks, modifiers, placeholders, CIDRs, numbers and `|re` regexes.
//   2. The input as a Sigma condition over a fixed set of selection names.
// Rules are user data, so bad rules must give errors, never a crash or a hang: lint_rules
// reports problems as its return value (an exception escaping it is a finding too: it hides
// every other lint error, issue 13 item 7), parse_condition throws only
// std::invalid_argument. The input controls nesting depth in both (issue 13 "no recursion whose
// depth the input controls").
#include "rules/rule.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <vector>

namespace {

using namespace trailwatch;

// The rule file: an in-memory file named through /proc/self/fd, so nothing is left on disk even
// when an input crashes the process.
const std::string& rule_file() {
  static const std::string path = [] {
    const int fd = ::memfd_create("rule.yml", 0);
    if (fd < 0) {
      std::perror("rules_fuzz: memfd_create");
      std::abort();
    }
    return "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

void lint(std::string_view text) {
  std::FILE* file = std::fopen(rule_file().c_str(), "wb"); // truncates the memory file
  if (file == nullptr || std::fwrite(text.data(), 1, text.size(), file) != text.size() ||
      std::fclose(file) != 0) {
    std::perror("rules_fuzz: writing the rule file");
    std::abort();
  }
  RuleSet loaded;
  lint_rules({std::string(TRAILWATCH_FUZZ_RULES_DIR) + "/watchlists", rule_file()}, &loaded);
}

void condition(std::string_view text) {
  static const std::vector<Selection> selections = [] {
    std::vector<Selection> list;
    for (const char* name : {"selection", "sel_a", "sel_b", "filter_principal", "filter_account",
                             "_hidden", "keywords"}) {
      list.push_back(Selection{name, {}});
    }
    return list;
  }();
  try {
    parse_condition(text, selections);
  } catch (const std::invalid_argument&) {
    // A syntax error or an unknown selection: the documented outcome for bad input.
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  lint(input);
  condition(input);
  return 0;
}
