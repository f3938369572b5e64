#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the real trailwatch binary on one end-to-end case folder and checks what it did:
#   args             one argument per line (# comments and blank lines ignored)
#   stdin            optional file fed to standard input (else /dev/null)
#   env              optional VAR=value lines exported for the run
#   expected.stdout  stdout, byte for byte (UPDATE=1 rewrites it; review the diff)
#   stdout.pattern   instead of expected.stdout: extended regexes that must each match stdout
#   expected.rc      exit status
#   stderr.pattern   optional: extended regexes that must each match some stderr line
#   stderr.absent    optional: extended regexes that must match no stderr line
# Runs from the repository root, so paths in the output are stable. Exit 77 means skipped.
set -u
bin=$1
case_dir=$2
name=$(basename "$case_dir")
work=$(mktemp -d "${TMPDIR:-/tmp}/tw-e2e-$name.XXXXXX")

args=()
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in "" | "#"*) continue ;; esac
  args+=("$line")
done <"$case_dir/args"

stdin=/dev/null
[ -f "$case_dir/stdin" ] && stdin="$case_dir/stdin"

(
  if [ -f "$case_dir/env" ]; then
    while IFS= read -r kv || [ -n "$kv" ]; do
      case "$kv" in "" | "#"*) continue ;; esac
      export "${kv?}"
    done <"$case_dir/env"
  fi
  exec "$bin" "${args[@]}" <"$stdin" >"$work/stdout" 2>"$work/stderr"
)
rc=$?

fail=0
if [ "${UPDATE:-0}" = 1 ]; then
  [ -f "$case_dir/stdout.pattern" ] || cp "$work/stdout" "$case_dir/expected.stdout"
  echo "$rc" >"$case_dir/expected.rc"
fi
expected_rc=$(cat "$case_dir/expected.rc")
if [ "$rc" != "$expected_rc" ]; then
  echo "FAIL $name: exit status $rc, expected $expected_rc"
  fail=1
fi
if [ -f "$case_dir/stdout.pattern" ]; then
  while IFS= read -r pattern || [ -n "$pattern" ]; do
    [ -z "$pattern" ] && continue
    if ! grep -Eq -- "$pattern" "$work/stdout"; then
      echo "FAIL $name: stdout has no line matching: $pattern"
      fail=1
    fi
  done <"$case_dir/stdout.pattern"
elif ! diff -u "$case_dir/expected.stdout" "$work/stdout"; then
  echo "FAIL $name: stdout differs (above)"
  fail=1
fi
if [ -f "$case_dir/stderr.pattern" ]; then
  while IFS= read -r pattern || [ -n "$pattern" ]; do
    [ -z "$pattern" ] && continue
    if ! grep -Eq -- "$pattern" "$work/stderr"; then
      echo "FAIL $name: stderr has no line matching: $pattern"
      fail=1
    fi
  done <"$case_dir/stderr.pattern"
fi
if [ -f "$case_dir/stderr.absent" ]; then
  while IFS= read -r pattern || [ -n "$pattern" ]; do
    [ -z "$pattern" ] && continue
    if grep -Eq -- "$pattern" "$work/stderr"; then
      echo "FAIL $name: stderr matches what must not appear: $pattern"
      fail=1
    fi
  done <"$case_dir/stderr.absent"
fi
if [ "$fail" != 0 ]; then
  echo "--- stderr of $name:"
  cat "$work/stderr"
  echo "--- work dir kept: $work"
  exit 1
fi
rm -rf "$work"
exit 0
