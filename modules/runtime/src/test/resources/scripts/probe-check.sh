#!/bin/sh
# An exec-probe check command: prints each argument after the first as a line, then exits with
# code $1. "probe-check.sh 0" is a healthy check; "probe-check.sh 3 a b" fails with output.
code="$1"
shift
for line in "$@"; do
  echo "$line"
done
exit "$code"
