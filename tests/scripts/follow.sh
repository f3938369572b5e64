#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --follow (issue 12) with the real binary. Every wait is on an output line (a generous timeout
# is only the failure guard), never a sleep:
#   1. a file renamed into a watched folder (aws s3 sync style, from a temporary name) is read;
#      the temporary name itself never is;
#   2. SIGTERM stops it (exit 0: alerts were found), and a restart with --state repeats nothing
#      and reads the file that landed while it was down;
#   3. SIGHUP with a broken rule reports it (an error: exit 2 at the end) and keeps the old
#      rules, which still alert;
#   4. SIGUSR1 prints the statistics so far;
#   5. a named NDJSON file is followed like tail -F: appended records alert, and so does the
#      record in a new file rotated in under the name, and a named file that appears later;
#   6. SIGTERM while Slack posts a round one by one: the rest goes as one digest, and every
#      alert is delivered and marked so in the state.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"

# record ID: the single-record fixture as one NDJSON line with eventID ID, each call three
# hours later than the one before (so --state's de-duplication window never merges two).
hour=0
record() {
  hour=$((hour + 3))
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["eventID"]=sys.argv[2]
r["eventTime"]="2026-11-%02dT%02d:00:00Z" % (1 + int(sys.argv[3]) // 24, int(sys.argv[3]) % 24)
print(json.dumps(r))' tests/data/single_record.json "$1" "$hour"
}
# wait_lines N PATTERN FILE: blocks until FILE has N lines matching PATTERN (60 s guard).
wait_lines() {
  if ! timeout 60 grep -m "$1" -E -- "$2" < <(tail -n +1 -f "$3") >"$work/wait.out"; then
    fail "waited in vain for $1 line(s) /$2/ in $3"
    sed 's/^/    /' "$3" | tail -20
    return 1
  fi
}
# start NAME ARGS...: runs trailwatch --follow in the background (stdout NAME.out, stderr
# NAME.err) and waits until it watches.
start() {
  local name=$1
  shift
  : >"$work/$name.out" # created before the wait follows them (the child may start later)
  : >"$work/$name.err"
  "$bin" --follow -v --no-geoip --format jsonl "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  wait_lines 1 'watching' "$work/$name.err"
}
stop() {
  kill -TERM "$pid"
  wait "$pid"
  status=$?
}

# 1. Rename into a watched folder.
mkdir -p "$work/logs/2026/11/20"
record first >"$work/logs/2026/11/20/first.json"
start run1 --state "$work/state.db" "$work/logs"
wait_lines 1 '"rule":' "$work/run1.out"
# Complete files under temporary and hidden names, left in place: never read (events come in
# order, so they were seen before the rename below).
record temporary >"$work/logs/2026/11/20/left.json.0a1B2c3D"
record hidden >"$work/logs/2026/11/20/.left.json"
record second >"$work/logs/2026/11/20/second.json.6fB2c3Ad" # aws s3 sync's temporary name
mv "$work/logs/2026/11/20/second.json.6fB2c3Ad" "$work/logs/2026/11/20/second.json"
wait_lines 2 '"rule":' "$work/run1.out"
expect_grep "the renamed file was read" 'second\.json"' "$work/run1.out"
expect_no_grep "temporary and hidden names were not read" '6fB2c3Ad|"temporary"|"hidden"' "$work/run1.out"

# 2. SIGTERM, a file lands while it is down, restart: nothing repeated, nothing lost.
stop
expect_eq "exit status after SIGTERM" "$status" 0
expect_grep "stop announced" 'stopping' "$work/run1.err"
record third >"$work/logs/2026/11/20/third.json"
start run2 --state "$work/state.db" "$work/logs"
wait_lines 1 '"rule":' "$work/run2.out"
record fourth >"$work/logs/2026/11/20/fourth.json"
wait_lines 2 '"rule":' "$work/run2.out"
stop
expect_eq "restart exit status" "$status" 0
expect_eq "the restart printed only the new files' alerts" "$(grep -c '"rule":' "$work/run2.out")" 2
expect_grep "the file that landed while down was read" 'third\.json"' "$work/run2.out"
expect_no_grep "no repeat, no temporary name" 'first\.json"|second\.json"|"temporary"|"hidden"' "$work/run2.out"
"$bin" state "$work/state.db" >"$work/show" 2>&1
expect_grep "four alerts, all delivered" 'alerts +4 \(4 delivered, 0 pending\)' "$work/show"

# 3 + 4. SIGHUP with a broken rule keeps the old rules; SIGUSR1 prints the stats so far.
mkdir -p "$work/rules" "$work/hup"
cp -r rules/. "$work/rules/"
start run3 --rules "$work/rules" "$work/hup"
printf 'title: broken\ndetection: [\n' >"$work/rules/ec2/zz-broken.yml"
kill -HUP "$pid"
wait_lines 1 'old rules stay in use' "$work/run3.err"
record after-hup >"$work/hup/after.json"
wait_lines 1 '"rule":' "$work/run3.out"
kill -USR1 "$pid"
wait_lines 1 'stats: inputs' "$work/run3.err"
stop
expect_eq "exit status after SIGHUP (the broken rules were an error)" "$status" 2

# 5. A named file followed like tail -F: appended records, then rotation.
: >"$work/feed.jsonl"
start run4 "$work/feed.jsonl" "$work/later.jsonl" # later.jsonl does not exist yet
record appended-1 >>"$work/feed.jsonl"
wait_lines 1 '"rule":' "$work/run4.out"
mv "$work/feed.jsonl" "$work/feed.jsonl.1"
record rotated-1 >"$work/feed.jsonl"
wait_lines 2 '"rule":' "$work/run4.out"
record appended-2 >>"$work/feed.jsonl"
wait_lines 3 '"rule":' "$work/run4.out"
expect_grep "a missing file is awaited" 'later\.jsonl: .*followed once it appears' "$work/run4.err"
record later-1 >"$work/later.jsonl"
wait_lines 4 '"rule":' "$work/run4.out"
stop
expect_eq "tail -F exit status" "$status" 0
expect_eq "one alert per record" "$(grep -c '"rule":' "$work/run4.out")" 4
expect_no_grep "no error while following" 'error' "$work/run4.err"

# 6. Five alerts arrive at once (one file: below --slack-digest, so posted one by one). The
#    server holds the first reply for 5 s; SIGTERM meanwhile: the other four go as one digest.
start_slack_server "200:sleep=5,200:ok"
mkdir -p "$work/slack-logs"
export TRAILWATCH_SLACK_WEBHOOK=$slack_url
start run5 -q --state "$work/slack.db" "$work/slack-logs"
for i in 1 2 3 4 5; do record "slack-$i"; done >"$work/slack-logs/five.json"
wait_for_posts 1
stop
unset TRAILWATCH_SLACK_WEBHOOK
expect_eq "Slack stop exit status" "$status" 0
expect_eq "one post, then one digest for the rest" "$(slack_posts)" 2
expect_grep "the digest covers the other four" 'trailwatch digest: 4 alerts' "$slack_log"
"$bin" state "$work/slack.db" >"$work/show5" 2>&1
expect_grep "all five delivered" 'alerts +5 \(5 delivered, 0 pending\)' "$work/show5"
stop_slack_server

finish
