#!/bin/sh
# Forks a grandchild that a plain kill of this shell would leave behind.
# $1: file that receives the grandchild's pid once it runs.
sleep 1000 &
echo "$!" > "$1.tmp" && mv "$1.tmp" "$1"
echo "grandchild $! started"
wait
