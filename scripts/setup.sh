#!/usr/bin/env bash
# Set up everything the app needs on a Debian machine, as root: Debian packages, the project venv.
# Safe to run again: it installs only what is missing. `scripts/setup.sh test` adds what the test
# suite needs (PostgreSQL server, Chromium for the browser tests, nginx to test the shipped site,
# LibreOffice Calc to print every XLSX export as a clerk would: tests/core/test_spreadsheet_print.py; OpenLDAP's
# slapd and its client tools, which tests/directory starts on a socket of its own as the ward's directory).
# libldap-dev and libsasl2-dev in every mode: python-ldap (directory sign-in) is built from source in the venv.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"
packages=(fonts-morisawa-bizud-gothic fonts-ipaexfont-gothic poppler-utils gettext libldap-dev libsasl2-dev)
if [ "$mode" = "test" ]; then
  packages+=(postgresql chromium nginx libreoffice-calc-nogui slapd ldap-utils)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packages install their services but must not start them here (nginx would take port 80): the tests
  # start their own PostgreSQL, nginx and slapd on a socket or a free loopback port (slapd's default
  # database, configured by its postinst, is never used).
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  status=0
  apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
  [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || exit "$status"
fi

source scripts/venv.sh

# Compile the translation catalogues (locale/*/LC_MESSAGES/*.mo are built here, not committed).
DJANGO_HTTPS=0 .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
