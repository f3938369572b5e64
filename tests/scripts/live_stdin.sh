#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Live stdin (issue 12): a record written to a stdin that stays open is matched and its alert
# printed while stdin is still open — the test waits on the output line (a generous timeout is
# only the failure guard), then checks trailwatch is still reading, then closes stdin.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"

# One launch record as one NDJSON line.
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
  tests/data/single_record.json >"$work/record.jsonl"

# wait_for_line PATTERN FILE: blocks until FILE has a line matching PATTERN (60 s guard).
# FILE must exist before (a background job's redirection may happen after the wait starts).
wait_for_line() {
  timeout 60 grep -m 1 -E -- "$1" < <(tail -n +1 -f "$2") >"$work/wait.out"
}

# 1. One record on a held-open stdin reaches stdout before stdin closes.
mkfifo "$work/in"
: >"$work/out1"
"$bin" --no-geoip --format jsonl <"$work/in" >"$work/out1" 2>"$work/err1" &
pid=$!
exec 3>"$work/in" # the writer end stays open: trailwatch sees no end of input
cat "$work/record.jsonl" >&3
wait_for_line '"rule":' "$work/out1" || fail "no alert on stdout while stdin stayed open"
kill -0 "$pid" 2>/dev/null || fail "trailwatch ended although stdin is still open"
# A second record later on the same stream alerts too, still before the end of input.
sed 's/"eventID": *"[^"]*"/"eventID":"live-second"/' "$work/record.jsonl" >&3
timeout 60 grep -m 2 -E -- '"rule":' < <(tail -n +1 -f "$work/out1") >"$work/wait.out" ||
  fail "the second record gave no alert while stdin stayed open"
exec 3>&- # end of input
wait "$pid"
expect_eq "exit status after the stream ends" "$?" 0
expect_eq "one alert per record" "$(wc -l <"$work/out1")" 2
expect_no_grep "no error" 'error' "$work/err1"

# 2. Slack, with --state: the alert is committed to the outbox, posted to the loopback server
#    from the delivery thread and marked delivered, all while stdin stays open.
start_slack_server "200:ok"
rm -f "$work/in"
mkfifo "$work/in"
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --state "$work/state.db" <"$work/in" \
  >"$work/out2" 2>"$work/err2" &
pid=$!
exec 3>"$work/in"
cat "$work/record.jsonl" >&3
wait_for_posts 1
kill -0 "$pid" 2>/dev/null || fail "trailwatch ended although stdin is still open (Slack)"
expect_grep "the launch was posted" 'inf2\.xlarge' "$slack_log"
exec 3>&-
wait "$pid"
expect_eq "Slack stream exit status" "$?" 0
expect_eq "posted once" "$(slack_posts)" 1
"$bin" state "$work/state.db" >"$work/show" 2>&1
expect_grep "marked delivered in the state" 'alerts +1 \(1 delivered, 0 pending\)' "$work/show"
expect_no_grep "secret not on stderr" 'XXXXSECRETTOKEN|/services/' "$work/err2"
stop_slack_server

# 3. A burst handed over at once (12 alerts from one input, more than --slack-digest 10)
#    becomes one digest message; a lone alert is its own message.
start_slack_server "200:ok"
for i in $(seq 1 12); do
  sed "s/\"eventID\": *\"[^\"]*\"/\"eventID\":\"burst-$i\"/; s/mallory/user$i/g" "$work/record.jsonl"
done >"$work/burst.jsonl"
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip "$work/burst.jsonl" 2>"$work/err3"
expect_eq "burst exit status" "$?" 0
expect_eq "one digest for the burst" "$(slack_posts)" 1
expect_grep "digest text" 'trailwatch digest: 12 alerts' "$slack_log"
stop_slack_server

finish
