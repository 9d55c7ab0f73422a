#!/usr/bin/env bash
# Unpacks Debian's kubectl 1.20 (package kubernetes-client) into a cache folder OUTSIDE the repository, without
# installing it: ${BROKERKIT_CACHE:-$HOME/.cache/brokerkit}/kubectl-1.20/usr/bin/kubectl. The kube tests drive our
# Kubernetes API test server with it (and with the machine's kubectl) to keep the server faithful.
# Idempotent; prints the binary's path. Network: Debian's package mirror only (apt-get download).
set -euo pipefail
CACHE="${BROKERKIT_CACHE:-$HOME/.cache/brokerkit}"
DEST="$CACHE/kubectl-1.20"
BIN="$DEST/usr/bin/kubectl"
ok() { [ -x "$BIN" ] && "$BIN" version --client --short 2>/dev/null | grep -q 'v1\.20\.'; }
if ok; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.kubectl-1.20.lock"
flock 9
if ok; then echo "$BIN"; exit 0; fi
STAGE="$(mktemp -d "$CACHE/.kubectl-stage.XXXXXX")"
chmod 755 "$STAGE"   # apt's download user must be able to write here
trap 'rm -rf "$STAGE"' EXIT
( cd "$STAGE" && apt-get download kubernetes-client >"$STAGE/apt.log" 2>&1 ) || {
  # An outdated package list is the usual cause: refresh it once (root only) and retry.
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; ( cd "$STAGE" && apt-get download kubernetes-client >"$STAGE/apt.log" 2>&1 ); else false; fi
} || { echo "apt-get download kubernetes-client failed:" >&2; cat "$STAGE/apt.log" >&2; exit 1; }
dpkg-deb -x "$STAGE"/kubernetes-client_*.deb "$STAGE/root"
rm -rf "$DEST"
mv "$STAGE/root" "$DEST"
ok || { echo "unpacked kubectl does not run: $BIN" >&2; exit 1; }
echo "$BIN"
