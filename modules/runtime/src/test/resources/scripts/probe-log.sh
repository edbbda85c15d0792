#!/bin/sh
# Output patterns for the log probe. $1 selects one:
#   fail   prints a start line and an ERROR line at once, then a "tick" every 0.1 s
#   loop   prints "<timestamp> no pending patches" every 0.05 s (the patch daemon's deadlock)
#   quiet  prints one line, then nothing ever again
#   tick   prints a "tick" every 0.1 s (a healthy, chatty component)
case "$1" in
  fail)
    echo "starting worker"
    echo "ERROR: database connection lost"
    while true; do echo tick; sleep 0.1; done ;;
  loop)
    while true; do echo "$(date +%H:%M:%S.%N) no pending patches"; sleep 0.05; done ;;
  quiet)
    echo "started"
    exec sleep 100000 ;;
  tick)
    while true; do echo tick; sleep 0.1; done ;;
esac
