#!/usr/bin/env bash
# Installs code-server (a real VS Code whose extension host runs on this machine) and headless Debian
# chromium, so the extension-host tests and the UI end-to-end test run without reaching Microsoft's update
# server (which @vscode/test-electron needs and these machines cannot reach).
#
# Idempotent: a finished install leaves a marker, and a second run only checks and returns. The install
# lives outside the repository (it is ~300 MB of native builds) in
#   ${TINY_BACKSPACE_CACHE:-$HOME/.cache/tiny-backspace}/code-server-4.100.3
# and the binary is   <that dir>/node_modules/.bin/code-server   (test/vscode-host/paths.ts finds it there).
#
# Why each odd step exists (measured on these machines, see shared notes "vscode-in-ci"):
# - code-server 4.100.3 is the newest line whose engines accept node 20 (VS Code 1.100.3).
# - npm_config_unsafe_perm: code-server's postinstall refuses to run as root otherwise.
# - npm_config_yes: the machine's npmrc says yes=false, which cancels an `npx` inside node-pty's build.
# - npm_config_nodedir=/usr: node-gyp would otherwise download Node headers.
# - @vscode/ripgrep's postinstall downloads a binary from GitHub; it first looks in a cache dir under
#   TMPDIR, so Debian's rg packed under the expected name there makes the download unnecessary.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# The @vscode/ripgrep version code-server 4.100.3 depends on, and the ripgrep build that version fetches.
VSCODE_RIPGREP_VERSION=1.15.11
RIPGREP_BUILD=v13.0.0-10
APT_PACKAGES=(libkrb5-dev pkg-config ripgrep chromium)

CACHE_ROOT="${TINY_BACKSPACE_CACHE:-$HOME/.cache/tiny-backspace}"
PREFIX="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
MARKER="$PREFIX/.install-complete"

say() { printf '[install-code-server] %s\n' "$*"; }
started=$(date +%s)

missing_apt_packages() {
  local package
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$package"
  done
}

mapfile -t missing < <(missing_apt_packages)
if [ -f "$MARKER" ] && [ -x "$PREFIX/node_modules/.bin/code-server" ] && [ "${#missing[@]}" -eq 0 ]; then
  say "already installed: $PREFIX/node_modules/.bin/code-server ($(cat "$MARKER")); chromium and ripgrep present"
  exit 0
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}; run as root or install them: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  say "apt-get update, then installing Debian packages: ${missing[*]}"
  # Another installer may hold the dpkg lock on a shared machine: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if [ -f "$MARKER" ] && [ -x "$PREFIX/node_modules/.bin/code-server" ]; then
  say "code-server already installed at $PREFIX; Debian packages completed in $(( $(date +%s) - started )) s"
  exit 0
fi

case "$(uname -m)" in
  x86_64) ripgrep_target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) ripgrep_target=aarch64-unknown-linux-musl ;;
  *) say "unsupported architecture $(uname -m) for the ripgrep cache trick" >&2; exit 1 ;;
esac

mkdir -p "$CACHE_ROOT"
# Install into a staging dir and rename at the end, so an interrupted install is never mistaken for a
# finished one. The short TMPDIR keeps native build paths and IPC sockets short.
staging=$(mktemp -d "$CACHE_ROOT/.staging-XXXXXX")
install_tmp=$(mktemp -d /tmp/tbcs-XXXXXX)
cleanup() { rm -rf "$staging" "$install_tmp"; }
trap cleanup EXIT

ripgrep_cache="$install_tmp/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
mkdir -p "$ripgrep_cache"
say "packing Debian's $(command -v rg) as $ripgrep_cache/ripgrep-$RIPGREP_BUILD-$ripgrep_target.tar.gz"
tar -czf "$ripgrep_cache/ripgrep-$RIPGREP_BUILD-$ripgrep_target.tar.gz" -C "$(dirname "$(command -v rg)")" rg

# A local install, not --global: code-server's postinstall runs `npm install` in its lib/vscode, and with
# npm_config_global inherited that inner install reinstalls lib/vscode over the package being installed
# (seen: ENOTEMPTY on lib/vscode/node_modules/bindings).
printf '{ "name": "tiny-backspace-code-server", "private": true }\n' >"$staging/package.json"
say "npm install --prefix $PREFIX code-server@$CODE_SERVER_VERSION (native builds; about a minute)"
TMPDIR="$install_tmp" \
  npm_config_unsafe_perm=true \
  npm_config_yes=true \
  npm_config_nodedir=/usr \
  npm_config_fund=false \
  npm_config_audit=false \
  npm_config_update_notifier=false \
  npm install --prefix "$staging" --save-exact --no-progress --loglevel=error "code-server@$CODE_SERVER_VERSION"

# Read the version from the package rather than running `code-server --version`, which writes a default
# ~/.config/code-server/config.yaml as a side effect.
installed_version=$(node -p "require('$staging/node_modules/code-server/package.json').version")
test -f "$staging/node_modules/code-server/lib/vscode/out/server-main.js" ||
  { say "code-server installed without its VS Code server (lib/vscode/out/server-main.js)" >&2; exit 1; }
say "installed: code-server $installed_version"

rm -rf "$PREFIX"
# npm's .bin symlinks are relative, so moving the whole prefix keeps them valid.
mv "$staging" "$PREFIX"
printf 'code-server %s, installed %s\n' "$installed_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$MARKER"
say "done in $(( $(date +%s) - started )) s: $PREFIX/node_modules/.bin/code-server ($(du -sh "$PREFIX" | cut -f1))"
