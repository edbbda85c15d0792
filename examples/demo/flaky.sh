#!/usr/bin/env bash
# Crashes after a random 10-40 s, to show restarts with backoff in the console and the journal.
trap 'exit 0' TERM INT
lifetime=$(( (RANDOM % 31) + 10 ))
echo "flaky: up; will crash in ${lifetime}s"
sleep "$lifetime" &
wait $!
echo "flaky: simulated crash" >&2
exit 3
