#!/usr/bin/env bash
# System packages the test suite needs, installed when missing (Debian): Chromium for the
# browser tests. Run by `npm test` (pretest) and by .ci/run. A missing package that cannot be
# installed is an error, never a skipped test.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# redis-server: the multi-node tests (test/redis) start their own on free ports.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing system packages: ${need[*]}" >&2
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: ${need[*]} missing and cannot be installed here (needs root and apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
[ -x /usr/bin/chromium ] || { echo "error: chromium did not install" >&2; exit 1; }
command -v redis-server >/dev/null 2>&1 || { echo "error: redis-server did not install" >&2; exit 1; }
