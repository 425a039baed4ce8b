#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of the HTML report (test/report/browser.test.ts,
# driven by playwright-core with the system executable /usr/bin/chromium; playwright's own
# browser download is never used).
#
# Prints one line on stdout: "1" when /usr/bin/chromium is in place (CI then makes the browser
# test mandatory with DPOCHECK_REQUIRE_BROWSER=1), empty when it could not be installed.
# Everything else goes to stderr. Never fails CI: when apt is unreachable it warns and the
# browser test skips with a visible message. Quick (no apt call) when already installed.
set -uo pipefail

BIN=/usr/bin/chromium
warn() { echo "WARNING (provision-chromium): $*" >&2; }

if [[ -x "$BIN" ]]; then
  echo "provision-chromium: chromium already installed ($("$BIN" --version 2>/dev/null))" >&2
  echo 1
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  warn "apt-get not found (not Debian?): cannot install chromium; the browser test will skip"
  echo ""
  exit 0
fi
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    warn "not root and no passwordless sudo: cannot install chromium; the browser test will skip"
    echo ""
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! timeout 300 $SUDO apt-get update -qq >&2 \
  || ! timeout 900 $SUDO apt-get install -y -qq --no-install-recommends chromium >&2; then
  warn "apt-get could not install chromium (mirror unreachable?); the browser test will skip"
  echo ""
  exit 0
fi
if [[ -x "$BIN" ]]; then
  echo "provision-chromium: installed $("$BIN" --version 2>/dev/null)" >&2
  echo 1
else
  warn "chromium installed but $BIN is missing (package layout changed?)"
  echo ""
fi
exit 0
