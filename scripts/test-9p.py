#!/usr/bin/env python3
"""The shared-folder test: Debian's generic arm64 kernel (scripts/setup-linux-generic.sh:
its virtio and 9p modules loaded by the initramfs) mounts a host folder over
virtio-9p and uses it through the serial console as a person would:

  mount -t 9p -o trans=virtio,version=9p2000.L host /mnt
  reads a host file, writes one (checked on the host), mkdir, rename, unlink,
  a symlink made by the guest and read through, and the escapes that must fail:
  `cd /mnt/..` stays in the guest, host symlinks pointing outside the folder
  (relative and absolute, to a file and to a directory) lead nowhere, a file
  created through them does not appear outside, `..` in paths stops at /mnt's root.

Each configuration: engine, transport (the -virtfs / -fsdev + -device forms)
and security model. With --subject-qemu the same session runs on QEMU 7.2 (checks
the script and that Armature behaves as QEMU does).

  scripts/test-9p.py [--config NAME ...] [--list] [--timeout S] [--subject-qemu]
Exit status 0 when every configuration passed, 1 otherwise, 2 when the kernel is
missing (run scripts/setup-linux.sh and scripts/setup-linux-generic.sh).
"""
import os
import shutil
import stat
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import guest_session as gs  # noqa: E402

LINUX = gs.LINUX_GENERIC

# name: (engine, how the folder is given, security model, read-only)
CONFIGS = {
    "jit-virtfs-mapped": ("jit", "virtfs", "mapped", False),
    "interp-virtfs-mapped": ("interp", "virtfs", "mapped", False),
    "jit-virtfs-none-ro": ("jit", "virtfs", "none", True),
    "jit-fsdev-pci-mapped-xattr": ("jit", "fsdev-pci", "mapped-xattr", False),
}


def share_args(how, path, model, readonly):
    """how: virtfs, or fsdev-TRANSPORT (-fsdev + -device virtio-9p-TRANSPORT, pci or device)."""
    ro = ",readonly=on" if readonly else ""
    if how == "virtfs":
        return ["-virtfs", f"local,path={path},mount_tag=host,security_model={model}{ro}"]
    transport = how.split("-", 1)[1]
    return ["-fsdev", f"local,id=fs0,path={path},security_model={model}{ro}",
            "-device", f"virtio-9p-{transport},fsdev=fs0,mount_tag=host"]


def make_tree(base):
    """share/ (the folder) and outside/ beside it, with the links that try to escape."""
    share, outside = os.path.join(base, "share"), os.path.join(base, "outside")
    os.makedirs(share)
    os.makedirs(outside)
    with open(os.path.join(outside, "secret.txt"), "w") as f:
        f.write("SECRET-OUTSIDE\n")
    with open(os.path.join(share, "from-host.txt"), "w") as f:
        f.write("written by the host\n")
    with open(os.path.join(share, "to-delete.txt"), "w") as f:
        f.write("bye\n")
    os.symlink("../outside", os.path.join(share, "up-dir"))
    os.symlink("../outside/secret.txt", os.path.join(share, "up-file"))
    os.symlink(outside, os.path.join(share, "abs-dir"))
    os.symlink(os.path.join(outside, "secret.txt"), os.path.join(share, "abs-file"))
    return share, outside


def run_config(subject, name, timeout):
    engine, how, model, readonly = CONFIGS[name]
    base = tempfile.mkdtemp(prefix="armature-9p-")
    share, outside = make_tree(base)
    cmd = gs.emulator(subject, engine) + ["-M", "virt", "-cpu", "max", "-m", "1G", "-nographic"]
    cmd += gs.linux_args(LINUX, "console=ttyAMA0 quiet") + share_args(how, share, model, readonly)
    # The interpreter boots the generic kernel several times slower than the JIT.
    if engine == "interp" and subject != "qemu":
        timeout *= 3
    s = gs.Session(cmd, timeout)
    r = gs.Checks()
    check = r.check

    def run(line):
        out = s.command(line + '; echo "rc=$?"', 60)
        return out or ""

    try:
        m = s.shell(timeout)
        check("boots to the shell prompt", m is not None, s.last_lines(4))
        if m is None:
            return r
        check("the modules load", b"ARMATURE-INSMOD-FAILED" not in bytes(s.out))
        out = run("mount -t 9p -o trans=virtio,version=9p2000.L host /mnt")
        check("mount -t 9p", "rc=0" in out, out)
        out = run("cat /mnt/from-host.txt")
        check("reads a host file", "written by the host" in out and "rc=0" in out, out)
        out = run("ls /mnt")
        check("lists the folder", "from-host.txt" in out and "up-dir" in out, out)
        # Escapes: each must stay inside the guest or fail.
        out = run("cd /mnt/.. && ls && cd /")
        check("cd /mnt/.. is the guest's /", "proc" in out and "from-host.txt" not in out, out)
        out = run("cat /mnt/../mnt/../../outside/secret.txt /mnt/up-file /mnt/abs-file /mnt/up-dir/secret.txt /mnt/abs-dir/secret.txt")
        check("host symlinks out of the folder lead nowhere", "SECRET" not in out and "rc=1" in out, out)
        out = run("ls /mnt/up-dir/ /mnt/abs-dir/")
        check("a symlinked outside directory cannot be listed", "secret" not in out and "rc=0" not in out, out)
        run("echo planted > /mnt/up-dir/planted.txt")
        check("nothing is created outside through a symlink", not os.path.exists(os.path.join(outside, "planted.txt")))
        if readonly:
            out = run("echo x > /mnt/new.txt")
            check("a read-only folder refuses a write", "rc=0" not in out and "Read-only" in out, out)
            out = run("mkdir /mnt/d; rm /mnt/to-delete.txt")
            check("... and mkdir and rm", "rc=0" not in out and os.path.exists(os.path.join(share, "to-delete.txt")), out)
            check("the host folder is unchanged", sorted(os.listdir(share)) ==
                  sorted(["from-host.txt", "to-delete.txt", "up-dir", "up-file", "abs-dir", "abs-file"]))
        else:
            out = run("echo written by the guest > /mnt/from-guest.txt && sync")
            path = os.path.join(share, "from-guest.txt")
            got = open(path).read() if os.path.exists(path) else None
            check("writes a file the host reads", got == "written by the guest\n", f"{out!r} host: {got!r}")
            out = run("mkdir /mnt/newdir && mv /mnt/from-guest.txt /mnt/newdir/moved.txt && rm /mnt/to-delete.txt")
            check("mkdir, rename, unlink", "rc=0" in out
                  and os.path.isfile(os.path.join(share, "newdir", "moved.txt"))
                  and not os.path.exists(os.path.join(share, "to-delete.txt"))
                  and not os.path.exists(path), out)
            out = run("ln -s moved.txt /mnt/newdir/link && cat /mnt/newdir/link && readlink /mnt/newdir/link")
            check("a guest symlink is read through", "written by the guest" in out and "moved.txt" in out and "rc=0" in out, out)
            out = run("ln -s /proc/version /mnt/guest-abs && cat /mnt/guest-abs")
            check("a guest symlink resolves in the guest", "Linux version" in out, out)
            link = os.path.join(share, "newdir", "link")
            kind = os.lstat(link).st_mode if os.path.lexists(link) else 0
            if model.startswith("mapped"):
                check("mapped: the guest's symlink is a plain host file", stat.S_ISREG(kind))
                out = run("touch /mnt/owned && chown 1234:5678 /mnt/owned && chmod 4751 /mnt/owned && stat -c '%u:%g:%a' /mnt/owned")
                check("mapped: chown and chmod are kept for the guest", "1234:5678:4751" in out, out)
                st = os.stat(os.path.join(share, "owned"))
                check("mapped: ... and not on the host", st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o600,
                      oct(st.st_mode))
            else:
                check("none: the guest's symlink is a host symlink", stat.S_ISLNK(kind))
            out = run("echo hello > /mnt/newdir/a && mv /mnt/newdir /mnt/renamed && cat /mnt/renamed/a && rm -r /mnt/renamed")
            check("a directory renamed and removed", "hello" in out and "rc=0" in out
                  and not os.path.exists(os.path.join(share, "renamed")), out)
        out = run("umount /mnt")
        check("umount", "rc=0" in out, out)
        check("the outside is untouched", sorted(os.listdir(outside)) == ["secret.txt"])
        r.ends(s, b"poweroff -f\n", "poweroff -f")
    finally:
        r.stop(s)
        shutil.rmtree(base, ignore_errors=True)
    return r


if __name__ == "__main__":
    sys.exit(gs.config_main("test-9p", __doc__, CONFIGS, run_config, 300, LINUX,
                            "run scripts/setup-linux.sh and scripts/setup-linux-generic.sh"))
