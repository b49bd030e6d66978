#!/usr/bin/env bash
# Fetches Debian bookworm's arm64 cloud kernel (linux-image-cloud-arm64) and
# busybox-static:arm64 into .build/linux and builds an initramfs for booting
# Linux on `-M virt` (issue 12):
#   .build/linux/Image          the kernel (Debian's vmlinuz, gunzipped if gzip'd)
#   .build/linux/initramfs      cpio newc, gzip: busybox, /init, /test/hello.txt,
#                               the virtio modules in /lib/modules
# /init mounts proc, sys and dev, loads the virtio modules (virtio-pci, virtio-mmio,
# virtio-blk, virtio-rng), prints the marker line ARMATURE-INIT-OK and
# starts a shell on the console. /test/hello.txt has a known sha256sum
# (/test/hello.sha256).
#
# Never touches the system's apt sources or installed packages
# (scripts/lib/private-apt.sh, apt's folder .build/linux-apt). Idempotent;
# prints the two paths on success.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.build/linux"
APT="$ROOT/.build/linux-apt"
. "$ROOT/scripts/lib/private-apt.sh"

setup_tools setup-linux gzip dpkg apt-get python3

if [ ! -s "$DEST/Image" ] || [ ! -x "$DEST/root/bin/busybox" ]; then
    rm -rf "$DEST"
    mkdir -p "$DEST"
    private_apt_init setup-linux "$APT" bookworm arm64
    kpkg="$(private_apt_first_depend linux-image-cloud-arm64)"
    [ -n "$kpkg" ] || die "linux-image-cloud-arm64 names no kernel package in bookworm"
    private_apt_download setup-linux "$APT" "$kpkg" busybox-static
    dpkg -x "$APT"/deb/linux-image-*-cloud-arm64_*.deb "$DEST/kernel"
    dpkg -x "$APT"/deb/busybox-static_*.deb "$DEST/busybox"
    vmlinuz="$(ls "$DEST"/kernel/boot/vmlinuz-* 2>/dev/null | head -n1)"
    [ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* in $kpkg"
    arm64_image "$vmlinuz" "$DEST/Image.tmp"
    mv "$DEST/Image.tmp" "$DEST/Image"
    echo "${vmlinuz##*/vmlinuz-}" > "$DEST/kernel-release"
    mkdir -p "$DEST/root/bin"
    cp "$DEST/busybox/bin/busybox" "$DEST/root/bin/busybox"
    rm -rf "$DEST/kernel" "$DEST/busybox"
fi

# The cloud kernel has virtio, virtio-pci, virtio-mmio, virtio-blk and virtio-rng as
# modules (ext4 is built in): they go into the initramfs's /lib/modules and
# /init loads them.
MODS="virtio_ring.ko virtio.ko virtio_pci_legacy_dev.ko virtio_pci_modern_dev.ko virtio_pci.ko virtio_mmio.ko virtio_blk.ko virtio-rng.ko"
missing=0
for m in $MODS; do [ -s "$DEST/root/lib/modules/$m" ] || missing=1; done
if [ "$missing" = 1 ]; then
    private_apt_init setup-linux "$APT" bookworm arm64
    kpkg="$(private_apt_first_depend linux-image-cloud-arm64)"
    [ -n "$kpkg" ] || die "linux-image-cloud-arm64 names no kernel package in bookworm"
    ls "$APT"/deb/linux-image-*-cloud-arm64_*.deb >/dev/null 2>&1 || private_apt_download setup-linux "$APT" "$kpkg"
    rm -rf "$DEST/kernel"
    dpkg -x "$(ls "$APT"/deb/linux-image-*-cloud-arm64_*.deb | head -n1)" "$DEST/kernel"
    mkdir -p "$DEST/root/lib/modules"
    for m in $MODS; do
        f="$(find "$DEST/kernel/lib/modules" -name "$m" | head -n1)"
        [ -n "$f" ] || die "$m is not in $kpkg"
        cp "$f" "$DEST/root/lib/modules/$m"
    done
    rm -rf "$DEST/kernel"
fi

# The initramfs is rebuilt every time (cheap) so /init's edits take effect.
R="$DEST/root"
mkdir -p "$R"/{proc,sys,dev,tmp,mnt,sbin,usr/bin,usr/sbin,test}
cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# A module's parameters come from the kernel command line (MODULE.KEY=VALUE), as modprobe would pass them.
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_mmio virtio_blk virtio-rng; do
    args=""
    for a in $(cat /proc/cmdline); do case "$a" in "$m".*) args="$args ${a#$m.}";; esac; done
    [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko $args
done
echo "ARMATURE-INIT-OK $(uname -r)"
exec setsid cttyhack sh
INIT
chmod +x "$R/init"
printf 'Armature boots Linux.\n' > "$R/test/hello.txt"
(cd "$R/test" && sha256sum hello.txt > hello.sha256)
python3 "$ROOT/scripts/lib/mkcpio.py" "$R" | gzip -9n > "$DEST/initramfs.tmp" \
    || die "cannot build the initramfs"
mv "$DEST/initramfs.tmp" "$DEST/initramfs"
echo "$DEST/Image"
echo "$DEST/initramfs"
