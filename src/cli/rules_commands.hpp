// SPDX-License-Identifier: MIT
// `trailwatch rules lint|list|test`: rule tools that scan nothing. Each returns the exit status.
#pragma once

#include <string>
#include <vector>

namespace trailwatch {

// Errors (exit 2) and warnings (no effect on the status) of the rules at `paths`.
int rules_lint(const std::vector<std::string>& paths);
// The loaded rules, filters and watch lists.
int rules_list(const std::vector<std::string>& paths);
// Runs the rules' samples: 0 all pass, 1 a sample gave the wrong verdict (or, with
// `require_samples`, a rule lacks a firing or a quiet sample), 2 the rules do not load.
int rules_test(const std::vector<std::string>& paths, bool require_samples);

} // namespace trailwatch
