#!/usr/bin/env bash
# A test component whose behaviour the test sets through its environment, and through a control
# file the test may rewrite between runs (so one component can crash-loop, then turn healthy).
#   $1              a mark the test finds this process by (pgrep -f)
#   LIFETIME        seconds until it exits (default: runs until stopped); CONTROL_FILE overrides it
#   EXIT_CODE       exit code when LIFETIME ends (default 1)
#   GRANDCHILD      "1": fork a sleep; "stubborn": fork a sleep that ignores SIGTERM
#   IGNORE_TERM=1   ignore SIGTERM itself (only SIGKILL stops it)
echo "start pid=$$ mark=${1:-}"
echo "to stderr" >&2
if [ "${IGNORE_TERM:-0}" = 1 ]; then trap '' TERM; else trap 'echo "got TERM"; exit 0' TERM; fi
case "${GRANDCHILD:-}" in
  1) sleep 100000 & echo "grandchild=$!" ;;
  stubborn) ( trap '' TERM; exec sleep 100001 ) & echo "grandchild=$!" ;;
esac
lifetime="${LIFETIME:-}"
if [ -n "${CONTROL_FILE:-}" ] && [ -s "$CONTROL_FILE" ]; then lifetime="$(cat "$CONTROL_FILE")"; fi
if [ -z "$lifetime" ]; then
  while true; do sleep 1000 & wait $!; done
fi
sleep "$lifetime" & wait $!
exit "${EXIT_CODE:-1}"
