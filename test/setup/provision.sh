#!/usr/bin/env bash
# `npm test`'s first step: make sure this machine has what the tests drive — Debian chromium and firefox-esr for the
# browser tier, ffmpeg/ffprobe for media, PostgreSQL's server for the database tiers, openssl for the Canvas
# emulator's throwaway certificate authority. Installs them with apt when it
# can (root, or sudo without a password); otherwise stops with the exact command to run. Node 22 comes from the `node`
# dev dependency (npm scripts run on it); a PostgreSQL server is started by the tests' global set-up when none answers.
set -euo pipefail

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have "${CHROMIUM_PATH:-chromium}" || missing+=(chromium)
have "${FIREFOX_PATH:-firefox-esr}" || missing+=(firefox-esr)
{ have ffmpeg && have ffprobe; } || missing+=(ffmpeg)
have openssl || missing+=(openssl)
# initdb and pg_ctl live under /usr/lib/postgresql/<version>/bin on Debian.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || have initdb || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  echo "provision: chromium, firefox-esr, ffmpeg, openssl and PostgreSQL are installed; node $(node --version)"
  exit 0
fi

command_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif have sudo && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "provision: the tests need ${missing[*]}, which are not installed, and this user cannot install them." >&2
  echo "Run, as root:  ${command_line}" >&2
  exit 1
fi
echo "provision: installing ${missing[*]} with apt"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "provision: installed ${missing[*]}"
