#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently (a second run skips what is already there):
#   1. Debian packages: chromium (the browser that runs the workbench), ripgrep (seeds @vscode/ripgrep's download),
#      libkrb5-dev (headers for VS Code's `kerberos` native module, which otherwise fails to compile), tmux (the
#      detached runs of the Train tests);
#   2. the @vscode/ripgrep download cache, so its postinstall does not ask GitHub for `rg`;
#   3. `npm ci` in e2e/ (code-server 4.100.3 = VS Code 1.100.3 on Node 20, playwright-core, mocha, typescript),
#      skipped when e2e/node_modules was installed from the same package-lock.json;
#   4. the extension's own dependencies (`npm ci` at the root) only when they are missing.
# See ../shared/reference/e2e-harness.md (the recipe) and e2e/README.md.
set -euo pipefail
cd "$(dirname "$0")"
E2E_DIR=$PWD
ROOT=$(cd .. && pwd)
t0=$SECONDS
lap() { echo "e2e setup: $1 ($((SECONDS - t0)) s)"; }

# 1. apt
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v tmux >/dev/null || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  lap "apt-get installed ${need[*]}"
else
  lap "apt packages already there"
fi

# 2. @vscode/ripgrep 1.15.11 (pinned by code-server 4.100.x) looks here before downloading ripgrep v13.0.0-10
seed="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$seed" ]; then
  mkdir -p "$(dirname "$seed")"
  tar czf "$seed" -C "$(dirname "$(command -v rg)")" rg
  lap "seeded $seed"
fi

# 3. npm ci in e2e/, unless node_modules came from this very lockfile
stamp=node_modules/.e2e-installed
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f node_modules/code-server/lib/vscode/out/server-main.js ]; then
  lap "e2e/node_modules up to date"
else
  # npm_config_unsafe_perm: code-server's postinstall refuses to run as root without it (npm 11 only forwards the env var).
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which the machine's `yes = false` would cancel.
  npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund --loglevel=error
  cfg=$(mktemp) && node node_modules/code-server/out/node/entry.js --config "$cfg" --version && rm -f "$cfg"
  echo "$want" > "$stamp"
  lap "npm ci in e2e/ done"
fi

# 4. the extension's own build tools (esbuild, tsc, vsce), normally installed by .ci/run already
if [ ! -x "$ROOT/node_modules/.bin/esbuild" ] || [ ! -x "$ROOT/node_modules/.bin/vsce" ]; then
  (cd "$ROOT" && npm ci --no-audit --no-fund)
  lap "npm ci at the root done"
fi
lap "done"
