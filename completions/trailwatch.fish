# SPDX-License-Identifier: MIT
# fish completion for trailwatch. Installed as share/fish/vendor_completions.d/trailwatch.fish.
# tests/scripts/completions.sh checks the options against `trailwatch --help`; rule ids for
# --rule come from `trailwatch rules list` at completion time.

function __trailwatch_rule_ids
    # The command as typed (./build/trailwatch, or trailwatch from PATH).
    set -l cmd (commandline -opc)[1]
    $cmd rules list 2>/dev/null | awk '$1 != "watch" { id = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); print id "\t" $0 }'
end

complete -c trailwatch -n __fish_use_subcommand -a rules -d 'Rule tools (lint, list)'
complete -c trailwatch -n __fish_use_subcommand -a state -d 'Show what a state file holds'
complete -c trailwatch -n '__fish_seen_subcommand_from rules' -a 'lint list test'
complete -c trailwatch -n '__fish_seen_subcommand_from test' -l require-samples -d 'Fail when a rule lacks a sample'

complete -c trailwatch -s h -l help -d 'Print help and exit'
complete -c trailwatch -l since -x -d 'Only events at or after this time (RFC 3339 or 24h, 7d)'
complete -c trailwatch -l until -x -d 'Only events at or before this time'
complete -c trailwatch -s j -l jobs -x -d 'Files read in parallel'
complete -c trailwatch -l max-memory -x -d 'Memory budget for input data (512M, 2G)'
complete -c trailwatch -l full-parse -d 'Parse every input'
complete -c trailwatch -l rules -r -F -d 'Rules file or folder'
complete -c trailwatch -l min-level -x -a 'informational low medium high critical' -d 'Minimum rule level'
complete -c trailwatch -l status -x -a 'all stable test experimental deprecated unsupported' -d 'Rule statuses to run'
complete -c trailwatch -l rule -x -a '(__trailwatch_rule_ids)' -d 'Run only this rule id'
complete -c trailwatch -l tag -x -d 'Run only rules with this tag'
complete -c trailwatch -l format -x -a 'text jsonl' -d 'Output format'
complete -c trailwatch -l include-record -d 'Add the whole record to each JSON alert'
complete -c trailwatch -l color -x -a 'auto always never' -d 'Colour'
complete -c trailwatch -s q -l quiet -d 'Print no alerts on stdout'
complete -c trailwatch -l stats -d 'Print counters and timings to stderr'
complete -c trailwatch -s v -l verbose -d 'More diagnostics on stderr'
complete -c trailwatch -s V -l version -d 'Print version, libraries and GeoIP databases'
complete -c trailwatch -l geoip -r -F -d 'GeoIP .mmdb file or folder'
complete -c trailwatch -l no-geoip -d 'Do not look up countries or ASNs'
complete -c trailwatch -l slack-webhook -x -d 'Slack incoming webhook URL'
complete -c trailwatch -l slack-webhook-file -r -F -d 'File holding the webhook URL'
complete -c trailwatch -l slack-dry-run -d 'Print Slack payloads instead of posting'
complete -c trailwatch -l slack-digest -x -d 'Alerts beyond which one digest is sent'
complete -c trailwatch -l slack-template -r -F -d 'Message template file'
complete -c trailwatch -l state -r -F -d 'SQLite state file for cron runs'
complete -c trailwatch -l dedup-window -x -d 'Minutes within which repeats are one alert'
complete -c trailwatch -l state-wait -x -d 'Seconds to wait for another run holding the state'
complete -c trailwatch -l state-retention -x -d 'How long the state remembers read files'
complete -c trailwatch -l follow -d 'Keep watching the folders and named files'
complete -c trailwatch -l pack -x -a attack -d 'Also run a shipped rule pack'
