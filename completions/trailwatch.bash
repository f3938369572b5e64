# SPDX-License-Identifier: MIT
# bash completion for trailwatch. Installed as share/bash-completion/completions/trailwatch.
# Options and their values are listed here (tests/scripts/completions.sh checks them against
# `trailwatch --help`); rule ids for --rule come from `trailwatch rules list` at completion
# time, with the --rules folders already on the command line.

_trailwatch_rule_ids() {
  local -a rules_args=()
  local i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    if [[ ${COMP_WORDS[i]} == --rules ]]; then
      rules_args+=("${COMP_WORDS[i + 1]}")
    fi
  done
  "${COMP_WORDS[0]}" rules list "${rules_args[@]}" 2>/dev/null | awk '$1 != "watch" { print $1 }'
}

_trailwatch() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  local options="--help --since --until --jobs --max-memory --full-parse --rules --min-level
    --status --rule --tag --format --include-record --color --quiet --stats --verbose --version
    --geoip --no-geoip --slack-webhook --slack-webhook-file --slack-dry-run --slack-digest
    --slack-template --state --dedup-window --state-wait --state-retention --follow --pack
    -h -j -q -v -V"

  # Subcommands: `rules lint|list|test [PATH]`, `state FILE`.
  if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[1]} == rules ]]; then
    if ((COMP_CWORD == 2)); then
      mapfile -t COMPREPLY < <(compgen -W "lint list test" -- "$cur")
    elif [[ ${COMP_WORDS[2]} == test && $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "--require-samples" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return
  fi
  if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[1]} == state ]]; then
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return
  fi

  case $prev in
  --pack)
    mapfile -t COMPREPLY < <(compgen -W "attack" -- "$cur")
    return
    ;;
  --format)
    mapfile -t COMPREPLY < <(compgen -W "text jsonl" -- "$cur")
    return
    ;;
  --color)
    mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
    return
    ;;
  --min-level)
    mapfile -t COMPREPLY < <(compgen -W "informational low medium high critical" -- "$cur")
    return
    ;;
  --status)
    mapfile -t COMPREPLY < <(compgen -W "all stable test experimental deprecated unsupported" -- "$cur")
    return
    ;;
  --rule)
    mapfile -t COMPREPLY < <(compgen -W "$(_trailwatch_rule_ids)" -- "$cur")
    return
    ;;
  --rules | --geoip | --state | --slack-webhook-file | --slack-template)
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return
    ;;
  --since | --until | -j | --jobs | --max-memory | --tag | --slack-webhook | --slack-digest | \
    --dedup-window | --state-wait)
    COMPREPLY=() # a value the user types
    return
    ;;
  esac

  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  elif ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W "rules state" -- "$cur"; compgen -f -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -o filenames -F _trailwatch trailwatch
