"""A raw disk image with a GUID partition table and one EFI system partition
formatted FAT16, written byte by byte (no host tools): what the firmware tests
boot EDK2 and U-Boot from.

  esp_disk.build(path, files, size_mib=64)
      files: {"EFI/BOOT/BOOTAA64.EFI": bytes, "STARTUP.NSH": bytes, ...}
      (8.3 names, upper case; folders are made as needed)

Layout (UEFI 2.10 section 5.3, Microsoft's FAT specification): a protective
MBR, the GPT header at LBA 1 and its 128 entries from LBA 2, the partition
from LBA 2048 (1 MiB) to 1 MiB before the end, the backup entries and header
in the last 33 sectors. The FAT volume: 4 reserved sectors, two FATs, a
512-entry root folder, 2 KiB clusters. Everything is fixed (GUIDs, serial
number, timestamps), so the same files always give the same image and the
transcripts that show a device path compare across runs.
"""
import struct
import uuid
import zlib

SECTOR = 512
ESP_TYPE = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
DISK_GUID = uuid.UUID("6172e4d1-0c5b-4a8e-9e1f-41524d415455")
PART_GUID = uuid.UUID("6172e4d1-0c5b-4a8e-9e1f-455350303031")
ENTRIES = 128
ENTRY_SIZE = 128
FIRST_LBA = 2048

# FAT16 geometry
RESERVED = 4
FATS = 2
ROOT_ENTRIES = 512
PER_CLUSTER = 4            # sectors: 2 KiB clusters
# 2024-01-01 00:00:00 in FAT's packed date and time
FAT_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1
FAT_TIME = 0


def _name83(name):
    base, _, ext = name.upper().partition(".")
    if not (1 <= len(base) <= 8 and len(ext) <= 3) or "." in ext:
        raise ValueError(f"{name}: not an 8.3 name")
    return base.ljust(8).encode("ascii") + ext.ljust(3).encode("ascii")


def _dirent(name11, attr, cluster, size):
    return struct.pack("<11sBBBHHHHHHHI", name11, attr, 0, 0, FAT_TIME, FAT_DATE, FAT_DATE, 0,
                       FAT_TIME, FAT_DATE, cluster, size)


class _Volume:
    def __init__(self, sectors):
        self.sectors = sectors
        self.root_sectors = ROOT_ENTRIES * 32 // SECTOR
        # FAT size: enough 16-bit entries for every cluster the rest can hold.
        fat = 1
        while True:
            data = sectors - RESERVED - FATS * fat - self.root_sectors
            clusters = data // PER_CLUSTER
            if (clusters + 2) * 2 <= fat * SECTOR:
                break
            fat += 1
        if not 4085 <= clusters <= 65524:
            raise ValueError(f"{sectors} sectors give {clusters} clusters: not a FAT16 volume")
        self.fat_sectors = fat
        self.clusters = clusters
        self.data_start = RESERVED + FATS * fat + self.root_sectors
        self.fat = [0xFFF8, 0xFFFF]
        self.data = {}          # cluster -> bytes
        self.root = []          # directory entries of the root folder
        self.folders = {}       # path -> (cluster, entries)

    def allocate(self, payload):
        """Clusters for `payload` (at least one), chained in the FAT; its first cluster."""
        size = PER_CLUSTER * SECTOR
        count = max(1, (len(payload) + size - 1) // size)
        first = len(self.fat)
        if first + count - 2 > self.clusters:
            raise ValueError("the files do not fit in the partition")
        for i in range(count):
            self.fat.append(first + i + 1 if i + 1 < count else 0xFFFF)
            self.data[first + i] = payload[i * size:(i + 1) * size]
        return first

    def folder(self, path):
        """The entry list of folder `path` ("" is the root), made as needed."""
        if path == "":
            return self.root
        if path in self.folders:
            return self.folders[path][1]
        parent, _, name = path.rpartition("/")
        entries = self.folder(parent)
        entries_list = []
        # The folder's cluster is fixed when it is written (finish); its
        # entry is patched then.
        self.folders[path] = [None, entries_list, parent, name]
        entries.append(("dir", path))
        return entries_list

    def add(self, path, payload):
        parent, _, name = path.rpartition("/")
        self.folder(parent).append(_dirent(_name83(name), 0x20, self.allocate(payload) if payload else 0, len(payload)))

    def finish(self, label):
        # Folders get clusters in order of creation, then their contents.
        for path in self.folders:
            self.folders[path][0] = self.allocate(b"")
        def entries_of(lst):
            out = []
            for e in lst:
                if isinstance(e, tuple):
                    cluster, _, _, name = self.folders[e[1]]
                    out.append(_dirent(_name83(name), 0x10, cluster, 0))
                else:
                    out.append(e)
            return out
        for path, (cluster, lst, parent, _) in self.folders.items():
            parent_cluster = self.folders[parent][0] if parent else 0
            body = _dirent(b".          ", 0x10, cluster, 0) + _dirent(b"..         ", 0x10, parent_cluster, 0)
            body += b"".join(entries_of(lst))
            if len(body) > PER_CLUSTER * SECTOR:
                raise ValueError(f"{path}: too many entries for one cluster")
            self.data[cluster] = body
        root = _dirent(label.upper().ljust(11).encode("ascii"), 0x08, 0, 0) + b"".join(entries_of(self.root))
        if len(root) > ROOT_ENTRIES * 32:
            raise ValueError("too many entries in the root folder")

        image = bytearray(self.sectors * SECTOR)
        total16 = self.sectors if self.sectors < 0x10000 else 0
        total32 = 0 if total16 else self.sectors
        boot = struct.pack("<3s8sHBHBHHBHHHII", b"\xeb\x3c\x90", b"ARMATURE", SECTOR, PER_CLUSTER, RESERVED, FATS,
                           ROOT_ENTRIES, total16, 0xF8, self.fat_sectors, 32, 64, FIRST_LBA, total32)
        boot += struct.pack("<BBBI11s8s", 0x80, 0, 0x29, 0x41524D41, label.upper().ljust(11).encode("ascii"),
                            b"FAT16   ")
        image[0:len(boot)] = boot
        image[510:512] = b"\x55\xaa"
        fat = b"".join(struct.pack("<H", v) for v in self.fat)
        for n in range(FATS):
            at = (RESERVED + n * self.fat_sectors) * SECTOR
            image[at:at + len(fat)] = fat
        at = (RESERVED + FATS * self.fat_sectors) * SECTOR
        image[at:at + len(root)] = root
        for cluster, payload in self.data.items():
            at = (self.data_start + (cluster - 2) * PER_CLUSTER) * SECTOR
            image[at:at + len(payload)] = payload
        return bytes(image)


def _gpt_header(current, backup, entries_lba, last_usable, entries_crc):
    fields = [b"EFI PART", 0x00010000, 92, 0, 0, current, backup, 34, last_usable, DISK_GUID.bytes_le,
              entries_lba, ENTRIES, ENTRY_SIZE, entries_crc]
    fmt = "<8sIIIIQQQQ16sQIII"
    crc = zlib.crc32(struct.pack(fmt, *fields))
    fields[3] = crc
    return struct.pack(fmt, *fields).ljust(SECTOR, b"\0")


def build(path, files, size_mib=64, label="ESP"):
    total = size_mib * 2048
    part_last = total - 2048 - 1            # 1 MiB free at the end, the backup GPT inside it
    volume = _Volume(part_last - FIRST_LBA + 1)
    for name in sorted(files):
        volume.add(name, files[name])
    fs = volume.finish(label)

    entry = struct.pack("<16s16sQQQ72s", ESP_TYPE.bytes_le, PART_GUID.bytes_le, FIRST_LBA, part_last, 0,
                        "EFI System".encode("utf-16-le").ljust(72, b"\0"))
    table = entry.ljust(ENTRIES * ENTRY_SIZE, b"\0")
    table_crc = zlib.crc32(table)
    table_sectors = ENTRIES * ENTRY_SIZE // SECTOR
    last_usable = total - 1 - table_sectors - 1

    mbr = bytearray(SECTOR)
    # The protective MBR: one partition of type 0xEE over the whole disk.
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1, min(total - 1, 0xFFFFFFFF))
    mbr[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.truncate(total * SECTOR)
        f.write(mbr)
        f.write(_gpt_header(1, total - 1, 2, last_usable, table_crc))
        f.write(table)
        f.seek(FIRST_LBA * SECTOR)
        f.write(fs)
        f.seek((total - 1 - table_sectors) * SECTOR)
        f.write(table)
        f.write(_gpt_header(total - 1, 1, total - 1 - table_sectors, last_usable, table_crc))
    return path
