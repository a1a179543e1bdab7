#!/bin/bash
# Builds the installable DSV Studio with jpackage (JDK 17+): an app image (target/package/dsv-studio, runs in
# place) and, where dpkg-deb and fakeroot exist, a Debian package (target/package/dsv-studio_VERSION_amd64.deb)
# with the icon, a menu entry, the .dsv file association and dependencies on GTK 3 and bubblewrap. The sample
# models (and the judges) go inside.
#   packaging/build-packages.sh            both
#   packaging/build-packages.sh app-image  the app image only
# Then packaging/check-package.sh checks the .deb: unpacks it into a folder, runs `info` and opens the window.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
version=$(sed -n 's:.*<version>\([0-9][0-9.]*\)\(-SNAPSHOT\)\{0,1\}</version>.*:\1:p' pom.xml | head -1)
mvn -q -B -DskipTests package
out=target/package
input=$out/input
rm -rf "$out"
mkdir -p "$input"
cp target/dsv-studio.jar "$input/"
cp -r target/lib "$input/lib"
cp -r sample-models "$input/sample-models"
# The launcher's JVM options (LaunchSettings.JVM_OPTIONS); its environment reaches the compute worker, which the
# app starts with it. bin/java stays in the runtime (no --strip-native-commands): the worker is started with it.
common=(--name dsv-studio --app-version "$version" --vendor "DSV Studio" --input "$input"
    --main-jar dsv-studio.jar --main-class org.dsvstudio.Launcher --icon assets/dsv-studio.png
    --description "Deep Support Vectors of image classifiers: what a trained network is built from"
    --java-options -Xmn32m --java-options -XX:MaxDirectMemorySize=64m --java-options -XX:+UseSerialGC
    --java-options -XX:TieredStopAtLevel=1
    --jlink-options "--strip-debug --no-man-pages --no-header-files")
jpackage --type app-image --dest "$out" "${common[@]}"
echo "app image: $out/dsv-studio ($(du -sh "$out/dsv-studio" | cut -f1))"
if [ "$what" = app-image ]; then
    exit 0
fi
if ! command -v dpkg-deb >/dev/null || ! command -v fakeroot >/dev/null; then
    echo "no dpkg-deb or fakeroot: no .deb (apt-get install dpkg-dev fakeroot)" >&2
    exit 0
fi
jpackage --type deb --dest "$out" "${common[@]}" --linux-package-name dsv-studio --linux-shortcut \
    --linux-menu-group Science --linux-app-category science --linux-package-deps "libgtk-3-0, bubblewrap" \
    --file-associations packaging/dsv-session.properties --install-dir /opt
deb=$(ls "$out"/dsv-studio_*.deb)
echo "deb: $deb ($(du -h "$deb" | cut -f1))"
