#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cron mode end to end, with a real SQLite state file, the real binary and a real HTTP server on
# 127.0.0.1 standing in for Slack: runs that repeat nothing, a new file that posts only its own
# alerts, a duplicated event, Slack down then up, a run killed with SIGKILL in the middle of
# delivering, two concurrent runs, and state files that must be refused and left untouched.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"

corpus="$work/ct"
mkdir -p "$corpus"
cp -r examples/AWSLogs "$corpus/"
state="$work/state.db"
run() { # run [extra args...]: one cron run against $corpus, stderr in $work/err
  TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --slack-digest 0 --state "$state" \
    "$@" "$corpus" 2>"$work/err"
}
posted_event_ids() { # the eventIDs of all posts so far, sorted
  grep -o '00000000-0000-4000-8000-0000000000[0-9][0-9]' "$slack_log" | sort -u
}

# 1. First run posts every alert (4: two GPU launches, one template change, and the dry run
#    merged with the denied attempt by the same user within the hour); the second posts nothing.
start_slack_server "200:ok"
run
expect_eq "first run exit status" "$?" 0
expect_eq "first run posts" "$(slack_posts)" 4
run --stats
expect_eq "second run exit status (nothing new)" "$?" 1
expect_eq "second run posts nothing" "$(slack_posts)" 4
expect_grep "second run skips unchanged files" 'inputs unchanged since an earlier run 2' "$work/err"

# 2. A new file: only its alert is posted. 3. The same event again in another file: nothing.
new_dir="$corpus/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/28"
mkdir -p "$new_dir"
cp tests/data/single_record.json "$new_dir/111122223333_CloudTrail_us-east-1_20261128T0100Z_NEWFILE000000001.json"
run
expect_eq "new file exit status" "$?" 0
expect_eq "only the new file's alert" "$(slack_posts)" 5
cp tests/data/single_record.json "$new_dir/111122223333_CloudTrail_us-east-1_20261128T0105Z_DUPLICATE0000001.json"
run --stats
expect_eq "duplicate event exit status" "$?" 1
expect_eq "a repeated eventID posts nothing" "$(slack_posts)" 5
expect_grep "repeated event counted" 'repeated events 1' "$work/err"
stop_slack_server

# 4. Slack down on run 1 (connection refused), up on run 2: each alert delivered once in all.
rm -f "$state" "$state.lock"
slack_url="http://127.0.0.1:9/services/T000TEST/B000TEST/XXXXSECRETTOKEN" # discard port: refused
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --slack-digest 0 --state "$state" \
  "$corpus" 2>"$work/err"
expect_eq "Slack down exit status" "$?" 2
expect_grep "undelivered alert reported" 'not delivered' "$work/err"
"$bin" state "$state" >"$work/show"
expect_grep "alerts stay pending" 'alerts +5 \(0 delivered, 5 pending\)' "$work/show"
start_slack_server "200:ok"
run
expect_eq "Slack up again exit status" "$?" 0
expect_eq "every alert delivered once" "$(slack_posts)" 5
expect_eq "distinct events posted" "$(posted_event_ids | wc -l)" 4
run
expect_eq "and not again" "$(slack_posts)" 5
stop_slack_server

# 5. Killed with SIGKILL while Slack holds the second post: nothing lost, and the confirmed
#    first post is not repeated. The server logs each request before replying, so the test
#    waits on the log (bounded), not on a timer.
rm -f "$state" "$state.lock"
start_slack_server "200:ok,200:sleep=60"
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --slack-digest 0 --state "$state" \
  "$corpus" 2>"$work/err" &
victim=$!
wait_for_posts 2
expect_eq "second post reached the server" "$(slack_posts)" 2
first_posted=$(grep -o '00000000-0000-4000-8000-0000000000[0-9][0-9]' "$slack_log" | head -1)

# 6. Meanwhile a second run on the same state gives up after its wait, touching nothing.
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --state "$state" --state-wait 1 \
  "$corpus" 2>"$work/err.concurrent"
expect_eq "concurrent run exit status" "$?" 2
expect_grep "concurrent run message" 'in use by another trailwatch run' "$work/err.concurrent"

kill -9 "$victim"
wait "$victim" 2>/dev/null
stop_slack_server
start_slack_server "200:ok"
run
expect_eq "run after the kill exit status" "$?" 0
expect_no_grep "the confirmed alert is not posted again" "$first_posted" "$slack_log"
"$bin" state "$state" >"$work/show"
expect_grep "nothing pending after recovery" 'alerts +5 \(5 delivered, 0 pending\)' "$work/show"
expect_eq "the rest delivered" "$(slack_posts)" 4
stop_slack_server

# 7. Files that are not a usable state are refused and left byte for byte as they were.
printf 'hello, not a database\n' >"$work/not-sqlite.db"
cp "$work/not-sqlite.db" "$work/not-sqlite.orig"
"$bin" -q --no-geoip --state "$work/not-sqlite.db" "$corpus" 2>"$work/err"
expect_eq "not SQLite exit status" "$?" 2
cmp -s "$work/not-sqlite.db" "$work/not-sqlite.orig" || fail "a non-SQLite state file was changed"
cp "$state" "$work/future.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version=99"); c.commit()' "$work/future.db"
cp "$work/future.db" "$work/future.orig"
"$bin" -q --no-geoip --state "$work/future.db" "$corpus" 2>"$work/err"
expect_eq "newer schema exit status" "$?" 2
expect_grep "newer schema message" 'newer' "$work/err"
cmp -s "$work/future.db" "$work/future.orig" || fail "a newer state file was changed"
cp "$state" "$work/corrupt.db"
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(100); f.write(b"\xde\xad\xbe\xef"*200)' "$work/corrupt.db"
cp "$work/corrupt.db" "$work/corrupt.orig"
"$bin" -q --no-geoip --state "$work/corrupt.db" "$corpus" 2>"$work/err"
expect_eq "corrupt state exit status" "$?" 2
cmp -s "$work/corrupt.db" "$work/corrupt.orig" || fail "a corrupt state file was changed"
finish
