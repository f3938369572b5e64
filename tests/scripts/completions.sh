#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Shell completions (completions/): each file offers every option of --help and nothing else;
# the bash completion function is driven in bash (options, --format and --color values, rule ids
# for --rule from `trailwatch rules list`, including those of a --rules folder on the line,
# subcommands); fish's completions are asked through `complete -C` when fish is installed; the
# zsh file is syntax-checked when zsh is installed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_options.sh"
help_options "$bin" >"$work/help.options"

# Options each file names (bash: the option list; zsh: _arguments specs; fish: -s/-l).
sed -n '/local options="/,/"$/p' completions/trailwatch.bash | grep -oE -- '--?[a-zA-Z][a-z-]*' |
  sort -u >"$work/bash.options"
grep -oE "(^|[{,'*])--?[a-zA-Z][a-z-]*" completions/_trailwatch | sed -E "s/^[{,'*]//" | sort -u >"$work/zsh.options"
{
  grep '^complete ' completions/trailwatch.fish | grep -v __fish_seen_subcommand_from |
    grep -oE -- ' -s [a-zA-Z]' | sed -E 's/ -s /-/'
  grep '^complete ' completions/trailwatch.fish | grep -v __fish_seen_subcommand_from |
    grep -oE -- ' -l [a-z-]+' | sed -E 's/ -l /--/'
} | sort -u >"$work/fish.options"
for shell in bash zsh fish; do
  if ! diff -u "$work/help.options" "$work/$shell.options" >"$work/$shell.diff"; then
    fail "$shell completion and --help differ (- only in --help, + only in the completion):"
    cat "$work/$shell.diff"
  fi
done

# Drive the bash function: COMP_WORDS/COMP_CWORD as bash sets them, COMPREPLY read back.
# complete_bash WORD...: the completions of the last word (the command is $bin).
complete_bash() {
  bash -c '
    source completions/trailwatch.bash
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _trailwatch
    printf "%s\n" "${COMPREPLY[@]}"' complete_bash "$bin" "$@"
}
complete_bash --for >"$work/c1"
expect_eq "--for completes to --format" "$(cat "$work/c1")" "--format"
complete_bash --slack-w >"$work/c2"
expect_eq "--slack-w completes to both webhook options" "$(tr '\n' ' ' <"$work/c2")" "--slack-webhook --slack-webhook-file "
complete_bash --format "" >"$work/c3"
expect_eq "--format values" "$(tr '\n' ' ' <"$work/c3")" "text jsonl "
complete_bash --color al >"$work/c4"
expect_eq "--color values" "$(cat "$work/c4")" "always"
complete_bash --rule "" >"$work/c5"
expect_eq "every shipped rule id offered for --rule" "$(sort "$work/c5")" \
  "$("$bin" rules list | awk '$1 != "watch" { print $1 }' | sort)"
expect_grep "the GPU rule is one" '^3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01$' "$work/c5"
# A --rules folder earlier on the line decides which ids are offered.
mkdir -p "$work/myrules"
cp "$(grep -l '^id: .*1a01$' rules/ec2/*.yml)" "$work/myrules/mine.yml"
sed -i 's/^id: .*/id: 11111111-2222-4333-8444-555555555555/' "$work/myrules/mine.yml"
cp -r rules/watchlists "$work/myrules/"
complete_bash --rules "$work/myrules" --rule 1111 >"$work/c6"
expect_eq "rule ids of the --rules folder on the line" "$(cat "$work/c6")" "11111111-2222-4333-8444-555555555555"
complete_bash rules l >"$work/c7"
expect_eq "rules subcommands" "$(tr '\n' ' ' <"$work/c7")" "lint list "
complete_bash rules test --req >"$work/c7b"
expect_eq "rules test option" "$(cat "$work/c7b")" "--require-samples"
complete_bash --min-level h >"$work/c8"
expect_eq "--min-level values" "$(cat "$work/c8")" "high"
complete_bash examples/AWS >"$work/c9"
expect_eq "paths complete to files" "$(cat "$work/c9")" "examples/AWSLogs"

if command -v fish >/dev/null; then
  fish -n completions/trailwatch.fish || fail "fish: syntax error in completions/trailwatch.fish"
  fish -c 'source completions/trailwatch.fish; complete -C "trailwatch --format "' >"$work/f1"
  expect_eq "fish --format values" "$(cut -f1 "$work/f1" | tr '\n' ' ')" "jsonl text "
  fish -c "source completions/trailwatch.fish; complete -C '$bin --rule 3c1f'" >"$work/f2"
  expect_grep "fish rule ids with titles" '^3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01	GPU or ML accelerator' "$work/f2"
fi
if command -v zsh >/dev/null; then
  zsh -n completions/_trailwatch || fail "zsh: syntax error in completions/_trailwatch"
fi
finish
