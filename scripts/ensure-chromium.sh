#!/usr/bin/env bash
# The console's end-to-end tests drive Debian's Chromium through playwright-core (no browser download).
# Installs it when missing (CI runs as root on Debian); elsewhere says what to do. Never fails the caller:
# without a browser the e2e tests fail on their own, with a clear message.
set -uo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null && exit 0
  echo "ensure-chromium: apt-get install chromium failed" >&2
else
  echo "ensure-chromium: $CHROMIUM is missing; install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
fi
exit 0
