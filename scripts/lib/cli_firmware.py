"""The firmware tests of scripts/test-cli.py: -bios and -drive if=pflash
images that cannot be used (missing, empty, too large, given twice, not raw)
end the run with one line and status 1 (issue 15, item 8)."""

import os

from cli_harness import expect_error, run, report, write

BANK = 64 << 20


def firmware_tests(tmp):
    missing = os.path.join(tmp, "no-such-firmware.fd")
    expect_error("-bios: missing file", ["-bios", missing], "-bios", missing)
    empty = write(os.path.join(tmp, "empty.fd"), b"")
    expect_error("-bios: empty file", ["-bios", empty], "-bios", empty, "empty")
    big = os.path.join(tmp, "big.fd")
    with open(big, "wb") as f:
        f.truncate(BANK + 4096)        # sparse: no disk space used
    expect_error("-bios: larger than the flash bank", ["-bios", big], "-bios", big, "larger than the flash bank")
    expect_error("-bios: a directory", ["-bios", tmp], "-bios", tmp)
    small = write(os.path.join(tmp, "spin.fd"), b"\x00\x00\x00\x14")   # b .
    expect_error("-bios twice", ["-bios", small, "-bios", small], "-bios", "one firmware image")
    # -drive if=pflash: a bank's file is exactly 64 MiB, raw.
    def pflash(path, extra=""):
        return ["-drive", f"if=pflash,format=raw,file={path}{extra}"]
    expect_error("pflash: missing file", pflash(missing), "if=pflash", missing)
    expect_error("pflash: empty file", pflash(empty), empty, "empty")
    expect_error("pflash: larger than the bank", pflash(big), big, "67108864 bytes")
    expect_error("pflash: smaller than the bank", pflash(small), small, "67108864 bytes")
    expect_error("pflash: qcow2", ["-drive", f"if=pflash,format=qcow2,file={small}"], "qcow2", "raw")
    bank = os.path.join(tmp, "bank.fd")
    with open(bank, "wb") as f:
        f.truncate(BANK)
    expect_error("pflash: unit 2", pflash(bank, ",unit=2"), "unit=2")
    expect_error("pflash: the same unit twice", pflash(bank, ",unit=1") + pflash(bank, ",unit=1"), "unit=1", "exists")
    expect_error("-bios and pflash unit 0", ["-bios", small] + pflash(bank, ",unit=0"), "both -bios")
    expect_error("-drive if=ide (not on virt)", ["-drive", f"if=ide,format=raw,file={bank}"], "if=ide")
    rc, out, err = run(["-M", f"virt,dumpdtb={os.path.join(tmp, 'pf.dtb')}"] + pflash(bank, ",unit=1"))
    report("pflash unit 1 alone: the machine builds", rc == 0, f"exit {rc}: {err!r}")
    # A good image: the machine builds (dumpdtb exits before the first instruction).
    dtb = os.path.join(tmp, "fw.dtb")
    rc, out, err = run(["-M", f"virt,dumpdtb={dtb}", "-bios", small])
    report("-bios: the machine builds (dumpdtb)", rc == 0 and os.path.getsize(dtb) > 0, f"exit {rc}: {err!r}")
