#!/usr/bin/env bash
# Debian packages the tests use, installed only when missing: python3-yaml (the differential test against the real
# PyYAML), zsh, fish and dash (the quoting test runs the real shells), tmux (detached runs).
set -euo pipefail
need=()
/usr/bin/python3 -c "import yaml" 2>/dev/null || need+=(python3 python3-yaml)
for tool in zsh fish dash tmux; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need these Debian packages: ${need[*]}. Install them (as root): apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "installed: ${need[*]}"
fi
