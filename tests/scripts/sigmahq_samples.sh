#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SigmaHQ's AWS CloudTrail rules, unchanged, against the samples of tests/data/sigmahq_tests/
# (records written for trailwatch): every rule has a firing and a quiet sample and each behaves
# as its detection says. The rules are not in the repository (DRL 1.1): they are read from the
# shared fixtures (or TRAILWATCH_SIGMA_RULES); the test is skipped when they are absent.
. "$(dirname "$0")/lib.sh"
sigma_rules=${TRAILWATCH_SIGMA_RULES:-../shared/fixtures/sigma/rules}
[ -d "$sigma_rules" ] || skip "SigmaHQ rules not found at $sigma_rules"

"$bin" rules test --require-samples "$sigma_rules" tests/data/sigmahq_tests >"$work/out" 2>"$work/err"
status=$?
expect_eq "rules test --require-samples exit status" "$status" 0
expect_grep "every rule has samples, none fails" ' 0 failed; 0 of [0-9]+ rules lack' "$work/out"
expect_no_grep "no failing sample" '^FAIL' "$work/out"
if [ "$status" != 0 ]; then
  grep -A1 '^FAIL' "$work/out" | head -40
  head -20 "$work/err"
fi
finish
