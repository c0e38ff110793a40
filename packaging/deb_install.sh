#!/usr/bin/env bash
# Install the Debian/Ubuntu packages given as arguments that are not installed yet
# (with sudo when not root). Does nothing on systems without dpkg. Used by .ci/run and
# packaging/demo.sh.
set -u
command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "== apt-get install$missing"
$SUDO apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null || \
  echo "!! apt-get non riuscito per:$missing"
exit 0
