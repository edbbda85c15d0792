#!/bin/sh
# Prints $1 numbered lines to stdout ("out line N") and, unless $2 = out, as many to stderr
# ("err line N"); $3 pads every line (to fill log files quickly).
i=1
while [ "$i" -le "$1" ]; do
  echo "out line $i$3"
  if [ "$2" != out ]; then
    echo "err line $i$3" >&2
  fi
  i=$((i + 1))
done
