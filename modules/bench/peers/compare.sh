#!/usr/bin/env bash
# Regulator, supervisord and PM2 side by side on this machine (docs/benchmarks.md, "Side by side").
#
#   modules/bench/peers/compare.sh                       # everything, the figures in docs/benchmarks.md
#   modules/bench/peers/compare.sh --kills 30 --sizes 10,100 --warmup 5s --measure 20s   # a quick run
#   modules/bench/peers/compare.sh --only restart --tools regulator,pm2
#
# Options (all passed to `bin/regulator bench peers`):
#   --only restart,crash-loop,idle,status   parts to run (idle includes the time until all children run)
#   --tools regulator,supervisord,pm2       supervisors to compare
#   --kills 100 --warmup-kills 5 --settle 1100ms   kill -9 → replacement
#   --crash-seconds 30s                      the crash-looping child
#   --sizes 10,100,500 --warmup 20s --measure 60s   idle children
#   --status-runs 20                         status command wall time
#
# Each peer runs from a temporary directory of its own: supervisord with its own config and socket
# (never the system service), PM2 with its own PM2_HOME (its daemon is started fresh and killed at
# the end). Install them once, as root:
#   apt-get install -y supervisor     # then keep its system service off; this script never uses it
#   npm install -g pm2
set -euo pipefail
here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd -P "$here/../../.." && pwd)"

missing=0
if ! command -v supervisord >/dev/null 2>&1; then
  echo "compare: supervisord not found; install it with 'apt-get install -y supervisor' (or pass --tools without it)" >&2
  missing=1
fi
if ! command -v pm2 >/dev/null 2>&1; then
  echo "compare: pm2 not found; install it with 'npm install -g pm2' (node 18 or later; or pass --tools without it)" >&2
  missing=1
fi
if [ "$missing" = 1 ] && [[ " $* " != *" --tools "* ]]; then
  exit 2
fi
exec "$home/bin/regulator" bench peers "$@"
