#!/usr/bin/env bash
# Debian packages the project needs and installs itself when it can (root with apt):
#   venv  -> python3-venv (Debian's Python ships without ensurepip), for `make install`
#   test  -> chromium (browser tests), redis-server (the Celery broker in task tests,
#            when REDIS_URL is unset), gettext (the catalogue test extracts every string)
#            and pgbouncer (the pooling test puts a real PgBouncer in front of PostgreSQL)
#   loadtest -> redis-server, for `make loadtest`
# Where it cannot install them it says so and carries on: the tests that need them are then
# skipped with that reason (under CI=true they fail instead).
set -uo pipefail
missing=()
case "${1:-test}" in
  venv)
    missing+=("python3-venv")
    ;;
  test)
    command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
    if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
      missing+=(redis-server)
    fi
    command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
    ;;
  loadtest)  # `make loadtest` starts its own redis-server
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    ;;
esac
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "Could not install ${missing[*]} with apt."
else
  echo "Not installing ${missing[*]} (needs root and apt)."
fi
echo "Tests that need them will be skipped (or fail under CI=true)."
