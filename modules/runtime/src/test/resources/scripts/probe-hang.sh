#!/bin/sh
# A check command that never finishes: forks a grandchild that would outlive a plain kill of
# this shell, writes the grandchild's pid to $1, says so, and waits forever.
sleep 100000 &
echo "$!" > "$1.tmp" && mv "$1.tmp" "$1"
echo "waiting for something that never comes"
wait
