#!/bin/sh
# Ignores SIGTERM, and so does its grandchild (ignored signals stay ignored across fork and exec):
# only SIGKILL stops this group.
# $1: file that receives the grandchild's pid once the trap is in place.
trap '' TERM
sleep 1000 &
echo "$!" > "$1.tmp" && mv "$1.tmp" "$1"
wait
