#!/usr/bin/env bash
# Installs what chiplet-kg needs on a fresh Debian machine: Java for the HermiT reasoner (if missing)
# and the Python package with its test extra. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v java >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q default-jre-headless
fi

# Headless Chromium and its driver for the view tests (tests/test_views.py), and CJK fonts so Chinese labels
# render in screenshots; installed only when missing.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
   || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver fonts-noto-cjk
fi

# rapper (Raptor), an RDF parser that is not ours, reads the exports back in tests/test_export.py.
if ! command -v rapper >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q raptor2-utils
fi

# node and npm install YASGUI's pinned npm package (web/package-lock.json; npm checks each tarball's integrity hash)
# into web/node_modules, so that tests/test_yasgui.py can compare the bundled copy in chiplet_kg/static/yasgui/
# with it without reaching the network during the tests.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q nodejs npm
fi
(cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

python -m pip install -q -e ".[test]"
