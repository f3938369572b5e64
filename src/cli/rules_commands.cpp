// SPDX-License-Identifier: MIT
#include "cli/rules_commands.hpp"

#include "pipeline/rule_tests.hpp"
#include "rules/rule.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace trailwatch {
namespace {

const std::vector<std::string>& or_default(const std::vector<std::string>& paths,
                                           std::vector<std::string>& storage) {
  if (!paths.empty()) {
    return paths;
  }
  storage = default_rule_paths();
  return storage;
}

// Loads the rules at `paths` into `set`, printing every error; false when there was one.
bool load_reporting(const std::vector<std::string>& paths, RuleSet& set) {
  std::vector<std::string> storage;
  const auto errors = lint_rules(or_default(paths, storage), &set);
  for (const auto& error : errors) {
    diag::error_text(error);
  }
  if (!errors.empty()) {
    std::fprintf(stderr, "trailwatch: %zu error(s)\n", errors.size());
  }
  return errors.empty();
}

} // namespace

int rules_lint(const std::vector<std::string>& paths) {
  RuleSet set;
  if (!load_reporting(paths, set)) {
    return k_exit_error;
  }
  // Warnings never change the exit status.
  for (const auto& warning : set.warnings) {
    diag::warning_text(warning);
  }
  for (const auto& rule : set.rules) {
    if (rule.event_names.empty()) {
      diag::warning("{}: rule {} can match any eventName, so every record of every input is "
                    "parsed (the fast path is off); select eventName to keep it",
                    rule.path, rule.id);
    }
  }
  if (const std::string skipped = skipped_summary(set); !skipped.empty()) {
    diag::warning("{}", skipped);
  }
  std::printf("%zu rules, %zu filters, %zu tests and %zu watch lists OK\n", set.rules.size(),
              set.filters.size(), set.tests.size(), set.watchlists.size());
  return 0;
}

int rules_list(const std::vector<std::string>& paths) {
  std::vector<std::string> storage;
  const RuleSet set = load_rules(or_default(paths, storage));
  for (const auto& rule : set.rules) {
    std::printf("%-36s %-13s %s\n", rule.id.c_str(), level_name(rule.level), rule.title.c_str());
  }
  for (const auto& filter : set.filters) {
    std::printf("filter %-29s %s (%s)\n", filter->id.c_str(), filter->title.c_str(),
                filter->rules.empty() ? "any rule"
                                      : fmt::format("{}", fmt::join(filter->rules, ", ")).c_str());
  }
  for (const auto& [name, list] : set.watchlists) {
    std::printf("watch list %-28s %zu values  %s\n", name.c_str(), list.values.size(),
                list.path.c_str());
  }
  return 0;
}

int rules_test(const std::vector<std::string>& paths, bool require_samples) {
  RuleSet set;
  if (!load_reporting(paths, set)) {
    return k_exit_error;
  }
  std::size_t failed = 0;
  for (const auto& outcome : run_rule_tests(set)) {
    const RuleTest& test = *outcome.test;
    std::printf("%s  %s  %s: %s%s%s\n", outcome.passed ? "PASS" : "FAIL", test.rule.c_str(),
                test.expect_fire ? "fires" : "quiet", test.name.c_str(),
                outcome.passed ? "" : fmt::format(" ({}:{})", test.path, test.line).c_str(),
                outcome.passed ? "" : ("\n      " + outcome.detail).c_str());
    failed += outcome.passed ? 0 : 1;
  }
  const auto untested = rules_without_samples(set);
  for (const Rule* rule : untested) {
    (require_samples ? diag::error_text : diag::warning_text)(fmt::format(
        "{}: rule {} ({}) lacks a firing or a quiet sample", rule->path, rule->id, rule->title));
  }
  std::printf("%zu tests: %zu passed, %zu failed; %zu of %zu rules lack a firing and a quiet "
              "sample\n",
              set.tests.size(), set.tests.size() - failed, failed, untested.size(),
              set.rules.size());
  return failed > 0 || (require_samples && !untested.empty()) ? 1 : 0;
}

} // namespace trailwatch
