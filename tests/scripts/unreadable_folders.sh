#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A folder found while walking that cannot be read is an error (issue 13): it is named on
# stderr, the walk goes on with the other folders (their alerts still come out), exit 2.
# Permissions bind only other users, so as root the run drops to user nobody (setpriv).
. "$(dirname "$0")/lib.sh"
unprivileged_run
chmod 755 "$work"
mkdir -p "$work/logs/a-open" "$work/logs/b-locked/inner" "$work/logs/c-open"
cp tests/data/single_record.json "$work/logs/a-open/one.json"
cp tests/data/single_record.json "$work/logs/b-locked/inner/hidden.json"
cp tests/data/single_record.json "$work/logs/c-open/two.json"
chmod -R a+rX "$work/logs"
chmod 000 "$work/logs/b-locked"
"${run[@]}" --no-geoip --format jsonl "$work/logs" >"$work/out" 2>"$work/err"
rc=$?
chmod 755 "$work/logs/b-locked"
if grep -q 'Permission denied' "$work/err" || [ "$rc" = 2 ]; then :; else
  # setpriv could not drop privileges here (e.g. no such user): permissions were not enforced.
  grep -q 'hidden.json' "$work/out" && skip "permissions not enforced for this user"
fi
expect_eq "exit status" "$rc" 2
expect_grep "the unreadable folder is named" 'error: .*b-locked: cannot read folder: Permission denied' "$work/err"
expect_eq "alerts from the readable folders" "$(grep -c '"rule"' "$work/out")" "$(( 2 * $("$bin" --no-geoip --format jsonl tests/data/single_record.json | grep -c '"rule"') ))"
finish
