#!/usr/bin/env python3
"""Writes a cpio archive (the "newc" format the Linux initramfs reads,
Documentation/driver-api/early-userspace/buffer-format.rst) of a folder to
stdout: directories, regular files and symbolic links, owned by root, sorted.
Used by scripts/setup-linux.sh so the host needs no cpio."""
import os
import stat
import sys


def header(ino, mode, size, nlink, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name + b"\0"


def pad(n):
    return b"\0" * (-n % 4)


def main():
    root = sys.argv[1]
    out = sys.stdout.buffer
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            entries.append(os.path.relpath(os.path.join(dirpath, n), root))
    for ino, rel in enumerate(sorted(entries), start=1):
        path = os.path.join(root, rel)
        st = os.lstat(path)
        name = rel.encode()
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(path).encode()
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                data = f.read()
        elif stat.S_ISDIR(st.st_mode):
            data = b""
        else:
            continue
        nlink = 2 if stat.S_ISDIR(st.st_mode) else 1
        h = header(ino, st.st_mode, len(data), nlink, name)
        out.write(h + pad(len(h)) + data + pad(len(data)))
    h = header(0, 0, 0, 1, b"TRAILER!!!")
    out.write(h + pad(len(h)))


if __name__ == "__main__":
    main()
