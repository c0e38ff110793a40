#!/usr/bin/env bash
# Install the built one-folder app for the current user (no root needed):
#   packaging/linux/install.sh /tmp/piaodesk-build/dist/piaodesk
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SRC="${1:?cartella dist/piaodesk}"
DEST="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$DEST/piaodesk" "$HOME/.local/bin" "$DEST/applications" \
         "$DEST/icons/hicolor/256x256/apps" "$DEST/icons/hicolor/scalable/apps" "$DEST/mime/packages"
cp -a "$SRC/." "$DEST/piaodesk/"
ln -sf "$DEST/piaodesk/piaodesk" "$HOME/.local/bin/piaodesk"
ln -sf "$DEST/piaodesk/piaodesk-cli" "$HOME/.local/bin/piaodesk-cli"
cp "$HERE/piaodesk.desktop" "$DEST/applications/"
cp "$SRC/_internal/resources/branding/piaodesk.png" "$DEST/icons/hicolor/256x256/apps/piaodesk.png"
cp "$SRC/_internal/resources/icons/piaodesk.svg" "$DEST/icons/hicolor/scalable/apps/piaodesk.svg"
cp "$HERE/piaodesk-mime.xml" "$DEST/mime/packages/piaodesk.xml"
command -v update-mime-database >/dev/null && update-mime-database "$DEST/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$DEST/applications" || true
echo "piaodesk installato in $DEST/piaodesk"
