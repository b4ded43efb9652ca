#!/usr/bin/env bash
# System packages the test suite needs, installed when missing (Debian): Chromium for the
# browser tests. Run by `npm test` (pretest) and by .ci/run. A missing package that cannot be
# installed is an error, never a skipped test.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# The Java legacy SDK (java/): a JDK (javac --release 8), OkHttp 3 with Okio (WebSocket; Debian's
# libokhttp-java pulls libokio-java) and Android's org.json (libandroid-json-java).
JAVA_FILES=(/usr/bin/javac /usr/share/java/okhttp.jar /usr/share/java/okio.jar /usr/share/java/com.android.json.jar)
[ -x /usr/bin/javac ] || need+=(default-jdk-headless)
[ -f /usr/share/java/okhttp.jar ] && [ -f /usr/share/java/okio.jar ] || need+=(libokhttp-java libokio-java)
[ -f /usr/share/java/com.android.json.jar ] || need+=(libandroid-json-java)
# The C++ legacy SDK (cpp/): compiler, CMake, Boost.Beast (WebSocket), nlohmann-json, OpenSSL (wss), valgrind.
[ -x /usr/bin/cmake ] || need+=(cmake)
[ -x /usr/bin/g++ ] || need+=(g++)
[ -f /usr/include/boost/beast.hpp ] || need+=(libboost-dev)
[ -f /usr/include/nlohmann/json.hpp ] || need+=(nlohmann-json3-dev)
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
[ -x /usr/bin/valgrind ] || need+=(valgrind)
# openssl: test/service/cli.test.ts makes TLS keys and certificates with it.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
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
for f in "${JAVA_FILES[@]}" /usr/bin/cmake /usr/bin/g++ /usr/include/boost/beast.hpp /usr/include/nlohmann/json.hpp /usr/include/openssl/ssl.h /usr/bin/valgrind; do
  [ -e "$f" ] || { echo "error: $f missing after install" >&2; exit 1; }
done
command -v redis-server >/dev/null 2>&1 || { echo "error: redis-server did not install" >&2; exit 1; }
