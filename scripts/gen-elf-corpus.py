#!/usr/bin/env python3
"""Writes the malformed-ELF corpus: Tests/Corpus/elf/*.elf and EXPECTED.

Every file starts from one small, valid AArch64 executable (a PT_LOAD at
0x40080000 that exits through semihosting, with .symtab and .strtab) and breaks
one thing: the header, the program headers, the segments, the section headers,
the symbol table or the string table, with sizes and offsets that overflow,
point past the end or overlap. EXPECTED gives, per file, what loading it must
say: a substring of the one-line error, or "ok" when the file is still loadable
(the damage is only in the symbols, which decorate logs).

The unit tests (Tests/BoardTests/ELFCorpusTests.swift) load every file and read
its symbols; test-cli.py runs some of them through the binary. Run this script
again after changing it (the output is deterministic) and commit the files.

Usage: scripts/gen-elf-corpus.py [OUTDIR]
"""

import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Tests", "Corpus", "elf")

BASE = 0x40080000
U64MAX = (1 << 64) - 1

# adr x1, blk; mov w0, #0x18 (SYS_EXIT); hlt #0xf000; nop; blk: ADP_Stopped_ApplicationExit, 0
CODE = struct.pack("<IIII", 0x10000081, 0x52800300, 0xD45E0000, 0xD503201F) + struct.pack("<QQ", 0x20026, 0)


class ELF:
    """A tiny ELF64 with program headers, sections and symbols, built from fields."""

    def __init__(self):
        self.ident = bytearray(b"\x7fELF\x02\x01\x01" + b"\x00" * 9)
        self.type = 2
        self.machine = 183
        self.entry = BASE
        self.phentsize = 56
        self.shentsize = 64
        self.segments = [dict(type=1, flags=5, vaddr=BASE, paddr=BASE, data=CODE, memsz=len(CODE))]
        self.symbols = [("_start", BASE, 12, 0x12, 1), ("blk", BASE + 16, 16, 0x11, 1), ("loop", BASE + 8, 0, 0x00, 1)]
        # Field overrides applied after layout: (what, index, field) -> value
        self.over = {}

    def build(self):
        strtab = b"\x00"
        names = []
        for n, *_ in self.symbols:
            names.append(len(strtab))
            strtab += (n if isinstance(n, bytes) else n.encode()) + b"\x00"
        shstr = b"\x00.text\x00.symtab\x00.strtab\x00"
        symtab = b"\x00" * 24
        for (n, value, size, info, shndx), off in zip(self.symbols, names):
            symtab += struct.pack("<IBBHQQ", off, info, 0, shndx, value, size)

        phnum = len(self.segments)
        phoff = 64
        data_off = phoff + 56 * phnum
        seg_offs = []
        blob = b""
        for s in self.segments:
            seg_offs.append(data_off + len(blob))
            blob += s["data"]
        symoff = data_off + len(blob)
        stroff = symoff + len(symtab)
        shstroff = stroff + len(strtab)
        shoff = shstroff + len(shstr)
        shoff += (-shoff) % 8
        sections = [
            dict(name=0, type=0, offset=0, size=0, link=0, entsize=0),
            dict(name=1, type=1, offset=seg_offs[0] if seg_offs else 0, size=len(CODE), link=0, entsize=0),
            dict(name=7, type=2, offset=symoff, size=len(symtab), link=3, entsize=24),
            dict(name=15, type=3, offset=stroff, size=len(strtab), link=0, entsize=0),
        ]
        hdr = dict(type=self.type, machine=self.machine, entry=self.entry, phoff=phoff if phnum else 0, shoff=shoff,
                   phentsize=self.phentsize, phnum=phnum, shentsize=self.shentsize, shnum=len(sections), shstrndx=0)
        for (what, i, field), v in self.over.items():
            if what == "hdr":
                hdr[field] = v
            elif what == "seg":
                self.segments[i][field] = v
            elif what == "sec":
                sections[i][field] = v

        out = bytearray(self.ident)
        out += struct.pack("<HHIQQQIHHHHHH", hdr["type"], hdr["machine"], 1, hdr["entry"], hdr["phoff"], hdr["shoff"],
                           0, 64, hdr["phentsize"], hdr["phnum"], hdr["shentsize"], hdr["shnum"], hdr["shstrndx"])
        for s, off in zip(self.segments, seg_offs):
            out += struct.pack("<IIQQQQQQ", s["type"], s["flags"], s.get("offset", off), s["vaddr"], s["paddr"],
                               s.get("filesz", len(s["data"])), s["memsz"], 8)
        out += blob + symtab + strtab + shstr
        out += b"\x00" * ((-len(out)) % 8)
        for sec in sections:
            out += struct.pack("<IIQQQQIIQQ", sec["name"], sec["type"], 0, 0, sec["offset"], sec["size"], sec["link"], 0,
                               8, sec["entsize"])
        return bytes(out)


cases = []  # (name, bytes, expected)


def add(name, data, expected):
    cases.append((name, bytes(data), expected))


def variant(name, expected, **over):
    e = ELF()
    for key, v in over.items():
        what, field = key.split("__", 1)
        if what.startswith("seg"):
            e.over[("seg", int(what[3:] or 0), field)] = v
        elif what.startswith("sec"):
            e.over[("sec", int(what[3:]), field)] = v
        else:
            e.over[("hdr", 0, field)] = v
    add(name, e.build(), expected)
    return e


good = ELF().build()
add("valid", good, "ok")

# --- The header and identification.
add("empty", b"", "the file is empty")
for n in (1, 2, 3):
    add(f"magic_prefix_{n}", good[:n], "bad magic")
add("magic_only", good[:4], "header is incomplete")
add("ident_5", good[:5], "header is incomplete")
for n in (6, 16, 32, 63):
    add(f"header_truncated_{n}", good[:n], "header is incomplete")
add("bad_magic", b"\x7fELG" + good[4:], "bad magic")
add("class32", good[:4] + b"\x01" + good[5:], "32-bit ELF")
add("class0", good[:4] + b"\x00" + good[5:], "bad ELF class 0")
add("class255", good[:4] + b"\xff" + good[5:], "bad ELF class 255")
add("big_endian", good[:5] + b"\x02" + good[6:], "big-endian")
add("data0", good[:5] + b"\x00" + good[6:], "bad ELF data encoding 0")
for m, what in ((62, "x86-64"), (40, "AArch32"), (0, "no machine"), (0xFFFF, "another machine"), (243, "RISC-V")):
    variant(f"machine_{m}", what, hdr__machine=m)
for t, what in ((0, "e_type 0"), (1, "ET_REL"), (4, "ET_CORE"), (0xFE00, "e_type 65024"), (0xFFFF, "e_type 65535")):
    variant(f"type_{t}", what, hdr__type=t)

# --- Program headers.
variant("phnum_0", "no program headers", hdr__phnum=0)
variant("phnum_max", "program headers", hdr__phnum=0xFFFF)
variant("phnum_2_of_1", "program headers", hdr__phnum=2 + 100)
for sz in (0, 1, 32, 55):
    variant(f"phentsize_{sz}", "bad program header size", hdr__phentsize=sz)
variant("phentsize_max", "program headers", hdr__phentsize=0xFFFF)
for off, tag in ((U64MAX, "max"), (U64MAX - 55, "max_minus_55"), (1 << 63, "2p63"), (len(good), "eof"), (len(good) - 10, "eof_minus_10")):
    variant(f"phoff_{tag}", "program headers", hdr__phoff=off)
add("cut_in_program_headers", good[:64 + 20], "program headers")
add("cut_after_program_headers", good[:64 + 56], "data of segment 0")

# --- Segments.
for off, tag in ((U64MAX, "max"), (1 << 63, "2p63"), (len(good), "eof"), (U64MAX - 4, "wraps")):
    variant(f"seg_offset_{tag}", "data of segment 0", seg0__offset=off)
for fs, tag in ((U64MAX, "max"), (1 << 40, "1TiB"), (len(good), "file")):
    variant(f"seg_filesz_{tag}", "larger than its memory size", seg0__filesz=fs)
    variant(f"seg_filesz_memsz_{tag}", "data of segment 0", seg0__filesz=fs, seg0__memsz=U64MAX)
variant("seg_memsz_max", "outside RAM and ROM", seg0__memsz=U64MAX)
variant("seg_memsz_2p63", "outside RAM and ROM", seg0__memsz=1 << 63)
variant("seg_memsz_1TiB", "outside RAM and ROM", seg0__memsz=1 << 40)
variant("seg_paddr_max", "outside RAM and ROM", seg0__paddr=U64MAX)
variant("seg_paddr_wrap", "beyond 2^64", seg0__paddr=U64MAX - 4)
variant("seg_paddr_hole", "outside RAM and ROM", seg0__paddr=0x09000000)
variant("seg_paddr_ram_end", "outside RAM and ROM", seg0__paddr=0x40000000 + (128 << 20) - 8)
variant("seg_filesz_zero_memsz_zero", "no loadable segments", seg0__filesz=0, seg0__memsz=0)
variant("seg_type_note_only", "no loadable segments", seg0__type=4)

# Overlapping PT_LOAD segments: the loader must name both.
def two_segments(name, expected, second, third=None):
    e = ELF()
    e.segments.append(second)
    if third:
        e.segments.append(third)
    add(name, e.build(), expected)

two_segments("overlap_same", "segments 0", dict(type=1, flags=6, vaddr=BASE, paddr=BASE, data=b"\x00" * 8, memsz=64))
two_segments("overlap_bss_over_code", "segments 0", dict(type=1, flags=6, vaddr=BASE + 8, paddr=BASE + 8, data=b"", memsz=0x1000))
two_segments("overlap_before", "segments 0", dict(type=1, flags=6, vaddr=BASE - 16, paddr=BASE - 16, data=b"\x01" * 8, memsz=24))
two_segments("overlap_contains", "segments 0", dict(type=1, flags=6, vaddr=BASE - 0x1000, paddr=BASE - 0x1000, data=b"", memsz=0x2000))
two_segments("overlap_third", "segments 1",
             dict(type=1, flags=6, vaddr=BASE + 0x1000, paddr=BASE + 0x1000, data=b"\x02" * 8, memsz=0x100),
             dict(type=1, flags=6, vaddr=BASE + 0x1080, paddr=BASE + 0x1080, data=b"", memsz=0x100))
two_segments("overlap_by_paddr_only", "segments 0", dict(type=1, flags=6, vaddr=0x1000, paddr=BASE + 4, data=b"\x03" * 4, memsz=4))
two_segments("adjacent_not_overlapping", "ok", dict(type=1, flags=6, vaddr=BASE + len(CODE), paddr=BASE + len(CODE), data=b"", memsz=64))
two_segments("overlap_vaddr_only_ok", "ok", dict(type=1, flags=6, vaddr=BASE, paddr=BASE + 0x10000, data=b"", memsz=64))
two_segments("second_outside_memory", "segment 1", dict(type=1, flags=6, vaddr=0, paddr=0x0A000000, data=b"", memsz=64))
two_segments("second_truncated", "data of segment 1", dict(type=1, flags=6, vaddr=BASE + 0x1000, paddr=BASE + 0x1000, data=b"", memsz=64, offset=U64MAX, filesz=16))

# --- Section headers and symbols: the program still loads (symbols only decorate logs).
for off, tag in ((U64MAX, "max"), (U64MAX - 63, "max_minus_63"), (1 << 63, "2p63"), (len(good), "eof"), (len(good) - 32, "cut")):
    variant(f"shoff_{tag}", "ok", hdr__shoff=off)
variant("shnum_max", "ok", hdr__shnum=0xFFFF)
variant("shnum_0_extended_max", "ok", hdr__shnum=0)
for sz in (0, 1, 63, 0xFFFF):
    variant(f"shentsize_{sz}", "ok", hdr__shentsize=sz)
# SHT_SYMTAB (section 2) offsets and sizes that overflow or point past the end: the program still loads and runs, without a trap.
for off, tag in ((U64MAX, "max"), (U64MAX - 23, "max_minus_23"), (1 << 63, "2p63"), (len(good), "eof")):
    variant(f"symtab_offset_{tag}", "ok", sec2__offset=off)
for sz, tag in ((U64MAX, "max"), (U64MAX - 23, "max_minus_23"), (1 << 63, "2p63"), (1 << 20, "1MiB"), (25, "odd")):
    variant(f"symtab_size_{tag}", "ok", sec2__size=sz)
variant("symtab_offset_size_wrap", "ok", sec2__offset=1 << 63, sec2__size=1 << 63)
for link, tag in ((0xFFFFFFFF, "max"), (4, "past_end"), (2, "itself"), (0, "null")):
    variant(f"symtab_link_{tag}", "ok", sec2__link=link)
# The string table (section 3).
for off, tag in ((U64MAX, "max"), (U64MAX - 7, "max_minus_7"), (1 << 63, "2p63"), (len(good), "eof")):
    variant(f"strtab_offset_{tag}", "ok", sec3__offset=off)
for sz, tag in ((U64MAX, "max"), (1 << 63, "2p63"), (0, "zero"), (3, "cut_names")):
    variant(f"strtab_size_{tag}", "ok", sec3__size=sz)
variant("strtab_offset_size_wrap", "ok", sec3__offset=U64MAX - 1, sec3__size=16)

# Symbols whose name offsets or fields are wild.
def symbol_case(name, symbols):
    e = ELF()
    e.symbols = symbols
    add(name, e.build(), "ok")

symbol_case("sym_huge_values", [("a", U64MAX, U64MAX, 0x12, 1), ("b", 0, U64MAX, 0x11, 0xFFFF), ("c", 1 << 63, 0, 0x10, 0xFFF1)])
symbol_case("sym_many_same_address", [(f"s{i}", BASE, i, 0x12 if i % 2 else 0x10, 1) for i in range(64)])
symbol_case("sym_non_utf8", [(b"\xff\xfe\xc0", BASE, 4, 0x12, 1)])
symbol_case("sym_long_name", [("n" * 10000, BASE, 4, 0x12, 1)])
symbol_case("sym_mapping_only", [("$x", BASE, 0, 0, 1), ("$d", BASE + 16, 0, 0, 1), (".Ltmp", BASE, 0, 0, 1)])


def patched(name, expected, base, patches):
    b = bytearray(base)
    for off, data in patches:
        b[off:off + len(data)] = data
    add(name, b, expected)


# Name offsets out of the string table, and a string table with no final NUL.
elf = ELF()
raw = elf.build()
phnum = 1
symoff = 64 + 56 + len(CODE)
patched("sym_name_offset_max", "ok", raw, [(symoff + 24, struct.pack("<I", 0xFFFFFFFF))])
patched("sym_name_offset_strsize", "ok", raw, [(symoff + 24, struct.pack("<I", 21))])
strsize = 1 + len("_start") + 1 + len("blk") + 1 + len("loop") + 1
stroff = symoff + 24 * 4
patched("strtab_no_nul", "ok", raw, [(stroff + strsize - 1, b"X")])
patched("strtab_all_ff", "ok", raw, [(stroff, b"\xff" * strsize)])
# Random-looking but reproducible damage: every 7th byte of the section header table.
shoff = struct.unpack_from("<Q", raw, 40)[0]
patched("section_headers_scrambled", "ok", raw, [(shoff + i, bytes([(i * 37 + 11) & 0xFF])) for i in range(0, 4 * 64, 7)])
patched("section_headers_all_ff", "ok", raw, [(shoff + 64, b"\xff" * (3 * 64))])
# Files cut short at every interesting place.
for cut, tag in ((symoff + 10, "in_symtab"), (stroff + 3, "in_strtab"), (shoff + 70, "in_section_headers"), (len(raw) - 1, "last_byte")):
    add(f"cut_{tag}", raw[:cut], "ok")
add("cut_in_code", raw[:64 + 56 + 8], "data of segment 0")
# An entry point outside every segment is QEMU's business too: it loads and faults at run time.
variant("entry_outside", "ok", hdr__entry=0x1234)
# A PT_LOAD followed by 200 overlapping copies (many headers, one error).
e = ELF()
for i in range(200):
    e.segments.append(dict(type=1, flags=6, vaddr=BASE + 0x10000 + 8 * i, paddr=BASE + 0x10000 + 4 * i, data=b"", memsz=8))
add("overlap_many", e.build(), "overlap")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".elf"):
            os.unlink(os.path.join(OUT, f))
    names = set()
    lines = []
    for name, data, expected in cases:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(OUT, name + ".elf"), "wb") as f:
            f.write(data)
        lines.append(f"{name}\t{expected}\n")
    with open(os.path.join(OUT, "EXPECTED"), "w") as f:
        f.write("# file<TAB>a substring of the loader's error, or ok (loads); written by scripts/gen-elf-corpus.py\n")
        f.writelines(lines)
    print(f"{len(cases)} files in {OUT}")


main()
