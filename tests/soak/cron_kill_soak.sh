#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Soak test of cron mode (issue 13; long, so not part of ctest): runs `trailwatch --state`
# against the loopback Slack server again and again, killing each run with SIGKILL at a random
# moment (while reading, committing or posting), then lets one run finish. Checks:
#   - nothing lost: every alert of the corpus was posted at least once;
#   - nothing repeated after a confirmed post: a repeat is possible only for the one post whose
#     "200 ok" a killed run received but could not record, so repeats <= killed runs;
#   - the state file passes PRAGMA integrity_check, and nothing is left pending.
# Usage: bash tests/soak/cron_kill_soak.sh BINARY [ITERATIONS]   (default 20; run from the repo)
set -u
bin=$1
iterations=${2:-20}
. "$(dirname "$0")/../scripts/lib.sh" "$bin"
command -v python3 >/dev/null || skip "python3 not installed"

python3 bench/gen_corpus.py --quiet --seed 11 --size-mb 3 --launch-rate 1/120 \
  --records-per-file 50-300 --out "$work/corpus" || fail "corpus generation failed"
"$bin" --no-geoip --format jsonl --state "$work/expected.db" --dedup-window 0 "$work/corpus/AWSLogs" \
  2>/dev/null | python3 -c 'import json,sys; [print(json.loads(l)["eventID"]) for l in sys.stdin]' |
  sort -u >"$work/expected.ids"
expected=$(wc -l <"$work/expected.ids")
[ "$expected" -ge 5 ] || fail "the corpus should make several alerts (got $expected)"
echo "corpus: $expected alerts expected"

start_slack_server "200:ok:sleep=0.05"
state="$work/state.db"
run() {
  TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --slack-digest 0 --dedup-window 0 \
    --state "$state" "$work/corpus/AWSLogs" 2>>"$work/runs.err"
}
killed=0
for ((i = 1; i <= iterations; i++)); do
  run &
  pid=$!
  # A random moment within the first ~3 s: reading, committing, or between two posts.
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))" && sleep "$((RANDOM % 3))"
  if kill -9 "$pid" 2>/dev/null; then
    killed=$((killed + 1))
  fi
  wait "$pid" 2>/dev/null
done
run
last=$?
[ "$last" = 0 ] || [ "$last" = 1 ] || fail "the last run exited $last (want 0 or 1: no error)"

python3 - "$slack_log" >"$work/posted.ids" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    request = json.loads(line)
    if request.get("method") == "POST" and request.get("status") == 200:
        for event_id in set(re.findall(r"event `([^`]+)`", request.get("body", ""))):
            print(event_id)
PY
sort -u "$work/posted.ids" >"$work/posted.unique"
missing=$(comm -23 "$work/expected.ids" "$work/posted.unique" | wc -l)
repeats=$(( $(wc -l <"$work/posted.ids") - $(wc -l <"$work/posted.unique") ))
echo "runs killed: $killed; posts: $(wc -l <"$work/posted.ids"); repeats: $repeats; missing: $missing"
expect_eq "nothing lost" "$missing" 0
[ "$repeats" -le "$killed" ] || fail "$repeats repeated posts for $killed killed runs"
integrity=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$state")
expect_eq "PRAGMA integrity_check" "$integrity" ok
"$bin" state "$state" >"$work/show" 2>&1
expect_grep "nothing pending" 'alerts +[0-9]+ \([0-9]+ delivered, 0 pending\)' "$work/show"
finish
