#!/usr/bin/env bash
# Debian packages the tests use. Idempotent: installs only what is missing, with apt when run as root; otherwise it
# stops and prints the one command to run (exit 1). `npm test` and `.ci/run` call it first.
# Usage: bash scripts/install-system-deps.sh [package...]
set -euo pipefail
# build-essential + python3: code-server's native modules (node-pty, kerberos) compile during its install.
# emacs-nox + elpa-eglot + elpa-yaml-mode and neovim: the README's snippets for other editors run in them (test/e2e).
# git + pre-commit: the pre-commit hook is tested with the real tool (`pre-commit try-repo`).
pkgs=(mosquitto mosquitto-clients openssl chromium libkrb5-dev ripgrep build-essential python3 emacs-nox elpa-eglot
  elpa-yaml-mode neovim git pre-commit)
# Package names given as arguments replace the list (e.g. only what one suite needs).
if [ $# -gt 0 ]; then pkgs=("$@"); fi
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need Debian packages that are not installed: ${missing[*]}" >&2
    echo "Run as root, then run the tests again:" >&2
    echo "  sudo sh -c '$cmd'" >&2
    exit 1
  fi
  echo "Installing Debian packages the tests need: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "Installed: ${missing[*]}"
fi
