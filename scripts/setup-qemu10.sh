#!/usr/bin/env bash
# Fetches QEMU 10.0 (Debian bookworm-backports' qemu-system-arm) into
# .build/qemu10, as a second reference for what QEMU 7.2 lacks: FEAT_RME
# (`-cpu max,x-rme=on`). QEMU 10.0 has no FEAT_MEC model.
#
# It never touches the system's apt sources or installed packages: apt runs with
# a private configuration (its own source list, lists and cache under
# .build/qemu10-apt) only to download the .deb, which is unpacked with dpkg -x.
# The binary's shared libraries are the ones QEMU 7.2 needs (scripts/setup.sh
# installs it). Idempotent; prints the binary's path on success.
#
#   scripts/setup-qemu10.sh        -> .build/qemu10/usr/bin/qemu-system-aarch64
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.build/qemu10"
BIN="$DEST/usr/bin/qemu-system-aarch64"
APT="$ROOT/.build/qemu10-apt"

works() { [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "version 10\."; }

if ! works; then
    rm -rf "$APT" "$DEST"
    mkdir -p "$APT/sources" "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/deb"
    cat > "$APT/sources/backports.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    opts=(-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$APT/sources"
          -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache"
          -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
    apt-get -qq "${opts[@]}" update >/dev/null 2>&1 \
        || { echo "setup-qemu10: cannot reach bookworm-backports" >&2; exit 1; }
    (cd "$APT/deb" && apt-get -qq "${opts[@]}" download "qemu-system-arm/bookworm-backports" >/dev/null 2>&1) \
        || { echo "setup-qemu10: download of qemu-system-arm from bookworm-backports failed" >&2; exit 1; }
    dpkg -x "$APT"/deb/qemu-system-arm_*.deb "$DEST"
    if ! works; then
        echo "setup-qemu10: the unpacked QEMU does not run (missing libraries?):" >&2
        ldd "$BIN" 2>&1 | grep "not found" >&2 || true
        exit 1
    fi
fi
echo "$BIN"
