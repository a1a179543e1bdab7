#!/usr/bin/env bash
# Runs the whole test suite as CI does: fetches the real data sets (checksum-verified), then runs Maven
# under a virtual X server so the JavaFX tests get real pixels. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/fetch-data.sh
# Java names files in the locale's encoding; under C/POSIX (a bare container) non-ASCII paths break
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *UTF-8* | *utf8* | *UTF8* | *utf-8*) ;;
  *) export LC_CTYPE=C.UTF-8; unset LC_ALL ;;
esac
if [ -n "${DISPLAY:-}" ]; then
  exec mvn -B test "$@"
fi
if ! command -v xvfb-run >/dev/null; then
  echo "run-tests: no display and no xvfb-run: install it with 'sudo apt-get install -y xvfb libgtk-3-0'" >&2
  exit 2
fi
exec xvfb-run -a -s "-screen 0 1400x900x24" mvn -B test "$@"
