#!/bin/bash
# Checks the Debian package packaging/build-packages.sh made: unpacks it into a fresh folder (as dpkg would
# install it, without root), checks the menu entry, icon and file association are in it, runs the installed CLI's
# `info` on a bundled sample model, and opens the installed app under Xvfb for 30 s (it must still be running,
# and target/package/installed-window.png shows it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deb=$(ls "$root"/target/package/dsv-studio_*.deb)
dir=$(mktemp -d /tmp/dsv-deb-XXXXXX)
trap 'rm -rf "$dir"' EXIT
dpkg-deb -x "$deb" "$dir"
dpkg-deb -f "$deb" Depends | grep -q libgtk-3-0
app=$dir/opt/dsv-studio
test -x "$app/bin/dsv-studio"
test -f "$app/lib/dsv-studio.png"
grep -q "MimeType=application/x-dsv-studio-session" "$app"/lib/dsv-studio-dsv-studio.desktop
test -x "$app/lib/runtime/bin/java"   # the app starts its compute worker with it
"$app/bin/dsv-studio" info "$app/lib/app/sample-models/convnet-fashion" | tee "$dir/info.txt"
grep -q "^Accuracy .*91.11 %" "$dir/info.txt"
echo "installed size: $(du -sh "$app" | cut -f1); package: $(du -h "$deb" | cut -f1)"
if command -v xvfb-run >/dev/null; then
    xvfb-run -a -s "-screen 0 1400x900x24" bash -c "
        HOME=$dir/home JAVA_TOOL_OPTIONS=-Duser.home=$dir/home '$app/bin/dsv-studio' > '$dir/gui.log' 2>&1 & pid=\$!
        sleep 30
        import -window root '$root/target/package/installed-window.png' 2>/dev/null || true
        kill -0 \$pid && kill \$pid"
    echo "the installed app ran for 30 s: target/package/installed-window.png"
fi
