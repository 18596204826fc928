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

python -m pip install -q -e ".[test]"
