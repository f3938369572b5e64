// SPDX-License-Identifier: MIT
// `trailwatch rules test`: each rule's sample records, run the way a scan reads them (prefilter,
// reader with the fast path, event building, the whole rule set's matcher with the sample's
// GeoIP answer), so a sample that fires proves the rule fires in a real run.
#pragma once

#include "rules/rule.hpp"

#include <string>
#include <vector>

namespace trailwatch {

struct RuleTestOutcome {
  const RuleTest* test = nullptr;
  bool passed = false;
  std::string detail; // why it failed
};

// Runs every test of `set` (the rules as loaded, all of them).
std::vector<RuleTestOutcome> run_rule_tests(const RuleSet& set);

// The rules of `set` that lack a firing or a quiet sample.
std::vector<const Rule*> rules_without_samples(const RuleSet& set);

} // namespace trailwatch
