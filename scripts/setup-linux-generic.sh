#!/usr/bin/env bash
# Fetches Debian bookworm's GENERIC arm64 kernel (linux-image-arm64: the cloud
# kernel has no 9p) into .build/linux-generic and builds an initramfs that loads
# its virtio and 9p modules, for the shared-folder test (scripts/test-9p.py):
#   .build/linux-generic/Image          the kernel (gunzipped if gzip'd)
#   .build/linux-generic/initramfs      cpio newc, gzip: busybox, the modules, /init
#   .build/linux-generic/kernel-release
# /init mounts proc, sys and dev, loads the modules of /lib/modules/order in
# that order (virtio-mmio, virtio-pci, 9pnet, 9pnet_virtio, netfs, fscache, 9p,
# failover, net_failover, virtio_net) with their parameters from the kernel
# command line (virtio_pci.force_legacy=1), prints ARMATURE-INIT-OK and starts a shell
# on the console. /usr/share/udhcpc/default.script configures eth0 from busybox
# udhcpc's lease (address, route, DNS).
#
# busybox comes from scripts/setup-linux.sh (run first). Never touches the
# system's apt sources (scripts/lib/private-apt.sh, apt's folder
# .build/linux-generic-apt). Idempotent; prints the two paths on success.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.build/linux-generic"
APT="$ROOT/.build/linux-generic-apt"
BUSYBOX="$ROOT/.build/linux/root/bin/busybox"
. "$ROOT/scripts/lib/private-apt.sh"

setup_tools setup-linux-generic gzip dpkg apt-get python3
[ -x "$BUSYBOX" ] || die "no busybox in .build/linux (run scripts/setup-linux.sh first)"

# The modules, in load order (each after those it depends on).
MODULES="drivers/virtio/virtio_mmio drivers/virtio/virtio_pci_legacy_dev
drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/9p/9pnet
net/9p/9pnet_virtio fs/netfs/netfs fs/fscache/fscache fs/9p/9p net/core/failover
drivers/net/net_failover drivers/net/virtio_net"

if [ ! -s "$DEST/Image" ] || [ ! -s "$DEST/modules/order" ] \
   || [ "$(cat "$DEST/modules/order" | tr '\n' ' ')" != "$(for m in $MODULES; do printf '%s.ko ' "${m##*/}"; done)" ]; then
    rm -rf "$DEST"
    mkdir -p "$DEST/modules"
    private_apt_init setup-linux-generic "$APT" bookworm arm64
    kpkg="$(private_apt_first_depend linux-image-arm64)"
    [ -n "$kpkg" ] || die "linux-image-arm64 names no kernel package in bookworm"
    private_apt_download setup-linux-generic "$APT" "$kpkg"
    dpkg -x "$APT"/deb/linux-image-*-arm64_*.deb "$DEST/kernel"
    vmlinuz="$(ls "$DEST"/kernel/boot/vmlinuz-* 2>/dev/null | head -n1)"
    [ -n "$vmlinuz" ] || die "no /boot/vmlinuz-* in $kpkg"
    release="${vmlinuz##*/vmlinuz-}"
    arm64_image "$vmlinuz" "$DEST/Image.tmp"
    for m in $MODULES; do
        src="$DEST/kernel/lib/modules/$release/kernel/$m.ko"
        if [ -f "$src.xz" ]; then xz -dc "$src.xz" > "$DEST/modules/${m##*/}.ko"
        elif [ -f "$src" ]; then cp "$src" "$DEST/modules/${m##*/}.ko"
        else die "$kpkg has no module $m"; fi
        echo "${m##*/}.ko" >> "$DEST/modules/order.tmp"
    done
    mv "$DEST/modules/order.tmp" "$DEST/modules/order"
    mv "$DEST/Image.tmp" "$DEST/Image"
    echo "$release" > "$DEST/kernel-release"
    rm -rf "$DEST/kernel" "$APT/deb"
fi

R="$DEST/root"
rm -rf "$R"
mkdir -p "$R"/{bin,proc,sys,dev,tmp,mnt,sbin,usr/bin,usr/sbin,lib/modules,usr/share/udhcpc,etc}
cp "$BUSYBOX" "$R/bin/busybox"
cp "$DEST"/modules/*.ko "$DEST/modules/order" "$R/lib/modules/"
cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# A module's parameters come from the kernel command line (MODULE.KEY=VALUE, '-'
# and '_' alike in the module name), as the kernel gives them to built-in modules
# and modprobe to loaded ones.
for m in $(cat /lib/modules/order); do
    name=$(echo "${m%.ko}" | tr - _)
    args=""
    for a in $(cat /proc/cmdline); do
        case "$a" in
        *.?*) [ "$(echo "${a%%.*}" | tr - _)" = "$name" ] && args="$args ${a#*.}" ;;
        esac
    done
    insmod "/lib/modules/$m" $args || echo "ARMATURE-INSMOD-FAILED $m"
done
echo "ARMATURE-INIT-OK $(uname -r)"
exec setsid cttyhack sh
INIT
chmod +x "$R/init"
cat > "$R/usr/share/udhcpc/default.script" <<'DHCP'
#!/bin/sh
case "$1" in
deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
bound|renew)
    ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do ip route add default via "$r" dev "$interface"; done
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
    echo "ARMATURE-DHCP $ip via $router" ;;
esac
exit 0
DHCP
chmod +x "$R/usr/share/udhcpc/default.script"
python3 "$ROOT/scripts/lib/mkcpio.py" "$R" | gzip -6n > "$DEST/initramfs.tmp" \
    || die "cannot build the initramfs"
mv "$DEST/initramfs.tmp" "$DEST/initramfs"
echo "$DEST/Image"
echo "$DEST/initramfs"
