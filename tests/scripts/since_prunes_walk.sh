#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --since prunes the walk (issue 12): date folders of the CloudTrail S3 layout
# (…/CloudTrail/<region>/YYYY[/MM[/DD]]) whose whole period ends before the window are not
# descended. Observable: every such folder here is unreadable (chmod 000), so a visit would be a
# "cannot read folder" error and exit 2; --stats counts the folders not walked. A control run
# shows the locked folders are seen when not pruned: without --since, and for date-named
# folders outside the layout. Permissions bind only other users, so as root the runs drop to
# user nobody (setpriv).
. "$(dirname "$0")/lib.sh"
unprivileged_run
chmod 755 "$work"
region="$work/AWSLogs/111122223333/CloudTrail/us-east-1"
# The window starts 2024-06-15T12:00Z; files delivered up to an hour before it may hold events in it.
since=2024-06-15T12:00:00Z
locked=("$region/2023" "$region/2024/05" "$region/2024/06/10" "$region/2024/06/14")
for folder in "${locked[@]}" "$region/2024/06/15" "$work/other/2023/01/01"; do mkdir -p "$folder"; done
launch() { sed "s/\"eventTime\": *\"[^\"]*\"/\"eventTime\":\"$1\"/" tests/data/single_record.json; }
for folder in "${locked[@]}"; do launch 2023-01-01T00:00:00Z >"$folder/old.json"; done
launch 2024-06-15T13:00:00Z >"$region/2024/06/15/111122223333_CloudTrail_us-east-1_20240615T1305Z_new.json"
launch 2024-06-15T13:00:00Z >"$work/other/2023/01/01/not-the-layout.json"
chmod -R a+rX "$work/AWSLogs" "$work/other"
for folder in "${locked[@]}" "$work/other/2023/01/01"; do chmod 000 "$folder"; done
unlock() { for folder in "${locked[@]}" "$work/other/2023/01/01"; do chmod 755 "$folder"; done; }
trap 'unlock; cleanup' EXIT

"${run[@]}" --no-geoip --format jsonl --stats --since "$since" "$work/AWSLogs" >"$work/out" 2>"$work/err"
rc=$?
expect_eq "exit status (alerts, no error)" "$rc" 0
expect_no_grep "no pruned folder is visited" 'cannot read folder' "$work/err"
expect_grep "the four old date folders are not walked" 'date folders not walked for --since 4$' "$work/err"
expect_grep "the new day's file is read" 'stats: inputs 1 ' "$work/err"
expect_eq "its alert" "$(grep -c '"rule"' "$work/out")" "$(launch 2024-06-15T13:00:00Z | "$bin" --no-geoip --format jsonl | grep -c '"rule"')"

# Controls: the same tree without --since visits the locked folders (and fails on them);
# date-named folders outside the CloudTrail layout are walked even with --since.
"${run[@]}" --no-geoip --format jsonl "$work/AWSLogs" >/dev/null 2>"$work/err-all"
expect_eq "without --since: exit status" "$?" 2
expect_eq "without --since: every locked folder is visited" "$(grep -c 'cannot read folder' "$work/err-all")" 4
"${run[@]}" --no-geoip --format jsonl --since "$since" "$work/other" >/dev/null 2>"$work/err-other"
expect_eq "outside the layout: exit status" "$?" 2
expect_grep "outside the layout: walked" 'other/2023/01/01: cannot read folder' "$work/err-other"
finish
