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

python -m pip install -q -e ".[test]"
