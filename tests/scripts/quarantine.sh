#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A poison input cannot block the rest (issue 13). A run that dies while reading a file leaves
# the file's reading mark behind; the next run retries it once, alone and first; when a run dies
# on it again it is quarantined: reported on every run and by `trailwatch state`, not read again
# until it changes, and every other input's alerts are delivered.
# The "death" is a SIGKILL while trailwatch is blocked reading a FIFO named as an input: the test
# knows trailwatch is inside that read because opening the FIFO for writing returns only once a
# reader has opened it (no sleeping).
. "$(dirname "$0")/lib.sh"
state="$work/state.db"
mkdir -p "$work/logs"
cp tests/data/envelope.json "$work/logs/good.json"
mkfifo "$work/poison.json"
# (with a state, alerts of one rule + actor + account merge: count them with a fresh state)
good_alerts=$("$bin" --no-geoip --format jsonl --state "$work/fresh.db" "$work/logs" 2>/dev/null | grep -c '"rule"')
[ "$good_alerts" -gt 0 ] || fail "the good file should alert"

# die_on_fifo: starts a --state run, waits until it is reading the FIFO, kills it with SIGKILL.
die_on_fifo() {
  "$bin" --no-geoip --format jsonl --state "$state" "$work/poison.json" "$work/logs" \
    >"$work/killed.out" 2>"$work/killed.err" &
  local pid=$!
  exec 3>"$work/poison.json" # returns once trailwatch has opened the FIFO to read it
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  exec 3>&-
}

# Run 1 dies on the FIFO; run 2 retries it first, alone, and dies again.
die_on_fifo
"$bin" state "$state" >"$work/show1" 2>&1
expect_grep "after one death the FIFO awaits a retry" 'retry pending .*poison.json \(runs died reading it: 1' "$work/show1"
die_on_fifo
expect_grep "run 2 retried it alone" 'poison.json: a run died while reading it; reading it again, alone' "$work/killed.err"

# Run 3: the FIFO is quarantined; the good file is read and alerts; exit 2.
"$bin" --no-geoip --format jsonl --state "$state" "$work/poison.json" "$work/logs" >"$work/run3.out" 2>"$work/run3.err"
expect_eq "run 3 exit status" "$?" 2
expect_grep "run 3 reports the quarantine" 'error: .*poison.json: quarantined: 2 runs died while reading it' "$work/run3.err"
expect_eq "run 3 delivers the other input's alerts" "$(grep -c '"rule"' "$work/run3.out")" "$good_alerts"
"$bin" state "$state" >"$work/show3" 2>&1
expect_grep "state lists it" 'quarantined .*poison.json \(runs died reading it: 2.*not read again until it changes' "$work/show3"

# Run 4: still reported, nothing read twice.
"$bin" --no-geoip --format jsonl --state "$state" "$work/poison.json" "$work/logs" >"$work/run4.out" 2>"$work/run4.err"
expect_eq "run 4 exit status" "$?" 2
expect_grep "run 4 reports it again" 'poison.json: quarantined' "$work/run4.err"
expect_eq "run 4 repeats no alert" "$(grep -c '"rule"' "$work/run4.out")" 0

# A changed file is read again: replace the FIFO by a real file with a launch in it.
rm "$work/poison.json"
cp tests/data/lookup_nested.json "$work/poison.json"
"$bin" --no-geoip --format jsonl --state "$state" "$work/poison.json" "$work/logs" >"$work/run5.out" 2>"$work/run5.err"
expect_eq "run 5 (file changed) exit status" "$?" 0
expect_no_grep "run 5: no quarantine" 'quarantined' "$work/run5.err"
"$bin" state "$state" >"$work/show5" 2>&1
expect_no_grep "run 5: nothing suspect left" 'quarantined|retry pending' "$work/show5"
finish
