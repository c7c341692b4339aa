#!/usr/bin/env bash
# Debian packages the app and its tests need beyond Python: Chromium for the
# browser tests, Pango/HarfBuzz and a font for WeasyPrint, redis-server. Installs what is
# missing (as root, or through sudo) and fails loudly if it cannot.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The broker-outage test runs a Redis server of its own (tests/soak/test_broker_outage.py).
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || need+=("$lib")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
