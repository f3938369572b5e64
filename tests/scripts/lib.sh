# SPDX-License-Identifier: MIT
# Shared helpers for tests/scripts/*.sh (sourced, not run). Each script gets the trailwatch
# binary as $1, runs from the repository root and exits 0 (pass), 1 (fail) or 77 (skip).
set -u
bin=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/tw-script.XXXXXX")
failures=0
cleanup() {
  if [ "$failures" = 0 ]; then rm -rf "$work"; else echo "work dir kept: $work"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

skip() {
  echo "SKIP: $*"
  exit 77
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
}

# expect_grep WHAT PATTERN FILE: FILE has a line matching the extended regex PATTERN.
expect_grep() {
  if ! grep -Eq -- "$2" "$3"; then
    fail "$1: no line matches /$2/ in $3:"
    sed 's/^/    /' "$3" | head -40
  fi
}

# expect_no_grep WHAT PATTERN FILE
expect_no_grep() {
  if grep -Eq -- "$2" "$3"; then fail "$1: /$2/ must not appear in $3"; fi
}

finish() {
  if [ "$failures" != 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
  exit 0
}
