#!/usr/bin/env bash
# Fetches the firmware the firmware tests boot (issue 15) from Debian bookworm
# into .build/firmware:
#   .build/firmware/QEMU_EFI.fd     EDK2's ArmVirtQemu (qemu-efi-aarch64), 2 MiB: for -bios
#   .build/firmware/AAVMF_CODE.fd   the same padded to a flash bank (64 MiB): pflash unit 0
#   .build/firmware/AAVMF_VARS.fd   its empty variable store, 64 MiB: pflash unit 1
#                                  (tests copy it before writing to it)
#   .build/firmware/u-boot.bin      U-Boot for qemu_arm64 (u-boot-qemu)
#
# Never touches the system's apt sources or installed packages
# (scripts/lib/private-apt.sh, apt's folder .build/firmware-apt); the .debs are
# unpacked with dpkg -x. Idempotent; prints the four paths on success.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.build/firmware"
APT="$ROOT/.build/firmware-apt"
. "$ROOT/scripts/lib/private-apt.sh"

setup_tools setup-firmware dpkg apt-get

if [ ! -s "$DEST/QEMU_EFI.fd" ] || [ ! -s "$DEST/AAVMF_CODE.fd" ] || [ ! -s "$DEST/AAVMF_VARS.fd" ] || [ ! -s "$DEST/u-boot.bin" ]; then
    rm -rf "$DEST"
    mkdir -p "$DEST"
    private_apt_init setup-firmware "$APT" bookworm
    private_apt_download setup-firmware "$APT" qemu-efi-aarch64 u-boot-qemu
    dpkg -x "$APT"/deb/qemu-efi-aarch64_*.deb "$DEST/efi"
    dpkg -x "$APT"/deb/u-boot-qemu_*.deb "$DEST/uboot"
    for f in qemu-efi-aarch64/QEMU_EFI.fd AAVMF/AAVMF_CODE.fd AAVMF/AAVMF_VARS.fd; do
        [ -s "$DEST/efi/usr/share/$f" ] || die "qemu-efi-aarch64 has no $f"
        cp "$DEST/efi/usr/share/$f" "$DEST/"
    done
    [ "$(stat -c %s "$DEST/AAVMF_VARS.fd")" = 67108864 ] || die "AAVMF_VARS.fd is not 64 MiB (a flash bank)"
    [ -s "$DEST/uboot/usr/lib/u-boot/qemu_arm64/u-boot.bin" ] || die "u-boot-qemu has no qemu_arm64/u-boot.bin"
    cp "$DEST/uboot/usr/lib/u-boot/qemu_arm64/u-boot.bin" "$DEST/u-boot.bin"
    rm -rf "$DEST/efi" "$DEST/uboot"
fi
for f in QEMU_EFI.fd AAVMF_CODE.fd AAVMF_VARS.fd u-boot.bin; do echo "$DEST/$f"; done
