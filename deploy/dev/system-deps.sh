#!/usr/bin/env bash
# Debian packages the test suite drives for real: chromium (browser tests) and redis-server
# (the Celery broker in task tests, when REDIS_URL is unset). Installed only when missing and
# when we can (root with apt); otherwise the tests that need them say why they are skipped
# (under CI=true they fail instead).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Not installing ${missing[*]} (needs root and apt); tests that need them will be skipped."
fi
