#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end tests: code-server 4.100.3 (VS Code 1.100.3, runs on node 20), into a
# cache folder OUTSIDE the repository: ${BROKERKIT_CACHE:-$HOME/.cache/brokerkit}/code-server-4.100.3.
# Idempotent and quick when already installed. Network: only the npm registry (and apt via install-system-deps.sh).
# The reason for each step:
#   - kerberos (a code-server dependency) compiles against gssapi headers      -> libkrb5-dev
#   - @vscode/ripgrep's postinstall downloads rg from GitHub                   -> seed its cache with Debian's rg
#   - node-pty runs `npx node-gyp`                                             -> npm_config_yes=true
#   - code-server refuses to install as root                                   -> npm_config_unsafe_perm=true
# Prints the install location on success. Exit 1 with the exact root command if a system package is missing.
set -euo pipefail

VERSION=4.100.3
RG_PACK_VERSION=1.15.11   # @vscode/ripgrep's cache folder suffix (its package version) used by code-server 4.100.3
RG_VERSION=v13.0.0-10     # the ripgrep release it asks for
CACHE="${BROKERKIT_CACHE:-$HOME/.cache/brokerkit}"
DEST="$CACHE/code-server-$VERSION"
BIN="$DEST/node_modules/.bin/code-server"

installed() { [ -f "$DEST/.brokerkit-ok" ] && [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "^$VERSION "; }

if installed; then echo "code-server $VERSION: $BIN"; exit 0; fi

# System packages (scripts/install-system-deps.sh installs them in CI).
missing=()
for p in libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "code-server needs Debian packages that are not installed: ${missing[*]}" >&2
  echo "Run as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
  exit 1
fi

mkdir -p "$CACHE"
# One installer at a time (parallel test runs, several work trees).
exec 9>"$CACHE/.code-server.lock"
flock 9
if installed; then echo "code-server $VERSION: $BIN"; exit 0; fi

case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) echo "Unsupported machine $(uname -m) for the ripgrep cache seed" >&2; exit 1 ;;
esac

STAGE="$(mktemp -d "$CACHE/.code-server-stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

# @vscode/ripgrep looks for its download in $TMPDIR/vscode-ripgrep-cache-<version>/ before fetching it from GitHub.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_PACK_VERSION"
RG_TAR="$RG_CACHE/ripgrep-$RG_VERSION-$RG_TARGET.tar.gz"
if [ ! -s "$RG_TAR" ]; then
  mkdir -p "$STAGE/rgpack" "$RG_CACHE"
  cp "$(command -v rg)" "$STAGE/rgpack/rg"
  tar czf "$RG_TAR.tmp.$$" -C "$STAGE/rgpack" rg
  mv "$RG_TAR.tmp.$$" "$RG_TAR"
fi

# Native modules build against the installed node's headers when they are there (no header download).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then export npm_config_nodedir=/usr; fi

echo "Installing code-server $VERSION into $DEST (about a minute)..."
start=$(date +%s)
printf '{ "name": "brokerkit-code-server", "private": true }\n' > "$STAGE/package.json"
(
  cd "$STAGE"
  npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --no-save --loglevel=error \
    "code-server@$VERSION" >"$STAGE/npm.log" 2>&1
) &
npm_pid=$!
# Progress while npm works (it prints nothing useful at loglevel=error): elapsed time and what has arrived so far.
while kill -0 "$npm_pid" 2>/dev/null; do
  sleep 10
  if kill -0 "$npm_pid" 2>/dev/null; then
    echo "  ... $(( $(date +%s) - start )) s, $(du -sm "$STAGE" 2>/dev/null | cut -f1) MB so far"
  fi
done
wait "$npm_pid" || { echo "npm install code-server@$VERSION failed; the log:" >&2; tail -n 60 "$STAGE/npm.log" >&2; exit 1; }

"$STAGE/node_modules/.bin/code-server" --version | grep -q "^$VERSION " \
  || { echo "code-server installed but does not run:" >&2; "$STAGE/node_modules/.bin/code-server" --version >&2 || true; exit 1; }

rm -rf "$STAGE/rgpack" "$STAGE/npm.log"
touch "$STAGE/.brokerkit-ok"
rm -rf "$DEST"
mv "$STAGE" "$DEST"
trap - EXIT
echo "code-server $VERSION installed in $(( $(date +%s) - start )) s: $BIN"
