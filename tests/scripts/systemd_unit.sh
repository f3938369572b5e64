#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/trailwatch.service passes `systemd-analyze verify` (skipped where systemd-analyze
# is missing), and keeps its hardening: a dedicated user, a state directory, read-only logs,
# restart on failure, and --follow with --state on the command line.
. "$(dirname "$0")/lib.sh"
unit=examples/trailwatch.service
for setting in 'DynamicUser=yes' 'StateDirectory=trailwatch' 'ReadOnlyPaths=' \
  'Restart=on-failure' 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'SuccessExitStatus=1' \
  'ExecReload=/bin/kill -HUP'; do
  expect_grep "unit sets $setting" "^$setting" "$unit"
done
expect_grep "runs --follow with --state" '--follow --state' "$unit"
command -v systemd-analyze >/dev/null || skip "systemd-analyze not installed (static checks passed)"
# verify wants the ExecStart binary to exist: point it at the built one in a copy.
sed "s|/usr/local/bin/trailwatch|$(realpath "$bin")|" "$unit" >"$work/trailwatch.service"
if ! SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$work/trailwatch.service" >"$work/verify" 2>&1; then
  fail "systemd-analyze verify failed:"
  sed 's/^/    /' "$work/verify"
fi
expect_no_grep "no warning from verify" 'trailwatch\.service' "$work/verify"
finish
