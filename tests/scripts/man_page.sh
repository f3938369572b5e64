#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# man/trailwatch.1 is in sync with --help: every option --help lists (of the command and of
# each subcommand) has a .TP entry in the man page, and every option of a .TP entry exists in
# some --help. Every subcommand has an entry too. The page renders without warnings and
# names the exit statuses, environment variables and files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_options.sh"
page=man/trailwatch.1

all_help_options "$bin" >"$work/help.options"
[ -s "$work/help.options" ] || fail "no options read from --help"
# The line after each .TP is an entry's header: its \-x and \-\-name tokens are its options.
awk 'prev == ".TP" { print } { prev = $0 }' "$page" | sed 's/\\-/-/g' |
  grep -oE '(^|[^a-z-])--?[a-zA-Z][a-z-]*' | sed -E 's/^[^-]//' | sort -u >"$work/man.options"
if ! diff -u "$work/help.options" "$work/man.options" >"$work/diff"; then
  fail "man page and --help differ (- only in --help, + only in the man page); update $page:"
  cat "$work/diff"
fi

if command -v man >/dev/null; then
  MANWIDTH=100 man --warnings -l "$page" >"$work/rendered" 2>"$work/warnings"
  expect_eq "man renders" "$?" 0
  expect_eq "no groff warnings" "$(cat "$work/warnings")" ""
  for section in NAME SYNOPSIS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
    expect_grep "section $section" "^$section\$" "$work/rendered"
  done
fi
for command in $(subcommands "$bin"); do
  expect_grep "subcommand $command documented" "^\.B[IR]? \"?$command( |\")" "$page"
  for sub in $(subcommands "$bin" "$command"); do
    expect_grep "subcommand $command $sub documented" "^\.B[IR]? \"$command $sub " "$page"
  done
done
# Every TRAILWATCH_ variable the binary's help mentions is documented.
for var in $("$bin" --help | grep -oE 'TRAILWATCH_[A-Z_]+' | sort -u); do
  expect_grep "environment $var" "^\.B $var\$" "$page"
done
finish
