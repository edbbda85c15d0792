#!/usr/bin/env bash
# A worker that needs the web component: fetches its page every few seconds and says so.
# Stops cleanly on SIGTERM (exit 0).
trap 'echo "worker: stopping"; exit 0' TERM INT
url="${WEB_URL:-http://127.0.0.1:8101/}"
while true; do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then
    echo "worker: web is up ($url)"
  else
    echo "worker: cannot reach $url" >&2
  fi
  sleep 5 &
  wait $!
done
