#!/bin/sh
# Exits with the code given as $1 after saying so on stderr.
echo "exiting with $1" >&2
exit "$1"
