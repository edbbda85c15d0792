#!/bin/sh
# Shows what the launcher gave the process: an overridden variable, an inherited one, the cwd.
echo "GREETING=$GREETING"
echo "PATH_SET=${PATH:+yes}"
echo "PWD=$(pwd -P)"
