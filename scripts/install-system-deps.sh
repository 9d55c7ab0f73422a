#!/usr/bin/env bash
# Debian packages the tests use. Idempotent: installs only what is missing. Needs root (CI and dev machines run as root).
set -euo pipefail
# build-essential + python3: code-server's native modules (node-pty, kerberos) compile during its install.
# emacs-nox + elpa-eglot + elpa-yaml-mode and neovim: the README's snippets for other editors run in them (test/e2e).
pkgs=(mosquitto mosquitto-clients openssl chromium libkrb5-dev ripgrep build-essential python3 emacs-nox elpa-eglot elpa-yaml-mode neovim)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Please run as root: apt-get update && apt-get install -y ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
