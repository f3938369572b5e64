#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The state forgets old files, and never reads a forgotten file again (issue 12). Two log files
# in the CloudTrail layout, delivered 10 days ago and today, each with a launch:
#   - --state alone reads and remembers both;
#   - --state-retention 5d reads neither again, and forgets the old one (delivered before the
#     retention, so no run with that flag reads it: `trailwatch state` counts one file);
#   - --since 2d without retention forgets files before its window the same way;
#   - a later run without the flags reads the forgotten file again, but its event is dropped as
#     a repeat (eventIDs are kept 90 days): no alert is repeated.
# Bad values are refused.
. "$(dirname "$0")/lib.sh"
state="$work/state.db"
region="$work/AWSLogs/111122223333/CloudTrail/us-east-1"
# logfile DAYS_AGO ID: a log file delivered DAYS_AGO days ago holding one launch with eventID ID.
logfile() {
  local when folder stamp
  when=$(date -u -d "-$1 days" +%Y-%m-%dT%H:%M:00Z)
  folder="$region/$(date -u -d "-$1 days" +%Y/%m/%d)"
  stamp=$(date -u -d "-$1 days" +%Y%m%dT%H%MZ)
  mkdir -p "$folder"
  sed -e "s/\"eventTime\": *\"[^\"]*\"/\"eventTime\":\"$when\"/" \
    -e "s/\"eventID\": *\"[^\"]*\"/\"eventID\":\"$2\"/" tests/data/single_record.json \
    >"$folder/111122223333_CloudTrail_us-east-1_${stamp}_$2.json"
}
logfile 10 old-launch
logfile 0 new-launch
files_read() { "$bin" state "$state" | sed -nE 's/^files read +([0-9]+)$/\1/p'; }
scan() { "$bin" --no-geoip --format jsonl --dedup-window 0 --stats --state "$state" "$@" "$work/AWSLogs"; }

scan >"$work/run1.out" 2>"$work/run1.err"
expect_eq "run 1 exit status" "$?" 0
expect_eq "run 1 alerts on both" "$(grep -c '"rule"' "$work/run1.out")" 2
expect_eq "run 1 remembers both" "$(files_read)" 2

scan --state-retention 5d >"$work/run2.out" 2>"$work/run2.err"
expect_eq "run 2 exit status (nothing new)" "$?" 1
expect_eq "run 2 forgot the old file" "$(files_read)" 1
expect_grep "run 2 did not open it" 'not opened for --since 0.*date folders not walked for --since [1-9]|not opened for --since 1' "$work/run2.err"
scan --state-retention 5d >"$work/run3.out" 2>"$work/run3.err"
expect_eq "run 3 with the same flags does not read it again" "$(sed -nE 's/^trailwatch: stats: inputs ([0-9]+) .*/\1/p' "$work/run3.err")" 0

# --since alone forgets too (a fresh state).
rm -f "$state"
scan >/dev/null 2>&1
scan --since 2d >/dev/null 2>&1
expect_eq "--since 2d forgot the old file" "$(files_read)" 1

# Without the flags the forgotten file is read again; its event is a known repeat.
scan >"$work/run4.out" 2>"$work/run4.err"
expect_eq "run 4 exit status (no alert)" "$?" 1
expect_grep "run 4 read it again and dropped the repeat" 'repeated events 1,' "$work/run4.err"
expect_eq "run 4 repeats no alert" "$(grep -c '"rule"' "$work/run4.out")" 0

# Bad values.
"$bin" --state "$state" --state-retention 2024-01-01T00:00:00Z "$work/AWSLogs" >/dev/null 2>"$work/bad1.err"
expect_eq "a time is not a retention" "$?" 2
expect_grep "says what it wants" 'state-retention: expected a duration like 30d' "$work/bad1.err"
"$bin" --state-retention 30d "$work/AWSLogs" >/dev/null 2>"$work/bad2.err"
expect_eq "retention without a state" "$?" 2
expect_grep "needs --state" 'use it with --state' "$work/bad2.err"
finish
