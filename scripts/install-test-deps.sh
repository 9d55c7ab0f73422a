#!/usr/bin/env bash
# Everything `npm test` needs besides node_modules, so that a fresh clone runs every test and skips none:
#   - Debian packages (mosquitto, chromium, Emacs, Neovim, pre-commit, ...): installed with apt when run as root,
#     otherwise this stops with the one command to run;
#   - a real VS Code for the end-to-end tests: code-server 4.100.3 from the npm registry, into
#     ${BROKERKIT_CACHE:-~/.cache/brokerkit} (a few minutes the first time, with progress; quick afterwards);
#   - Debian's kubectl 1.20, unpacked into the same cache (the kube tests drive the test server with it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/install-code-server.sh
kubectl120=$(bash scripts/install-kubectl-120.sh)
echo "kubectl 1.20: $kubectl120"
