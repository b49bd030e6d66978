/* The arm64 Linux boot protocol (Documentation/arm64/booting.rst) as a kernel
 * sees it: this test is built as an arm64 Image and booted with -kernel, so
 * it checks what the loader did: x0 = a valid device tree blob (magic,
 * version, where QEMU puts it: after the initrd on a 2 MiB boundary), x1-x3 =
 * 0, the EL it runs at, /chosen/bootargs, /chosen/linux,initrd-start/-end
 * naming the initrd's bytes, /memory's reg, /psci's method.
 *
 * GUEST-FORMAT: image
 * BOOT-ARGS: -m 256M -initrd @initrd -append "console=ttyAMA0 armature.boot=test"
 */
#ifndef BOOT_EXPECT_NAME
#define BOOT_EXPECT_NAME "boot_linux"
#define BOOT_EXPECT_ARGS "console=ttyAMA0 armature.boot=test"
#define BOOT_EXPECT_INITRD 1
#endif
#include "semihost.h"

/* The Image header: code0 branches to the entry stub, which saves x0-x3
 * before the runtime's _start uses them. */
__asm__(
    "    .section .text.head, \"ax\"\n"
    "    b       boot_entry\n"              /* code0 */
    "    .word   0\n"                       /* code1 */
#ifdef BOOT_RAW
    "    .quad   0, 0, 0, 0, 0, 0\n"        /* a raw binary: no header */
    "    .word   0, 0\n"
#else
    "    .quad   0\n"                       /* text_offset */
    "    .quad   __image_size\n"            /* image_size */
    "    .quad   0xa\n"                     /* flags: LE, 4K pages, anywhere */
    "    .quad   0, 0, 0\n"                 /* res2-4 */
    "    .ascii  \"ARM\\x64\"\n"            /* magic */
    "    .word   0\n"                       /* res5 */
#endif
    "boot_entry:\n"
    "    adrp    x9, boot_regs\n"
    "    add     x9, x9, :lo12:boot_regs\n"
    "    stp     x0, x1, [x9]\n"
    "    stp     x2, x3, [x9, #16]\n"
    "    mrs     x10, CurrentEL\n"
    "    str     x10, [x9, #32]\n"
    "    b       _start\n");

uint64_t boot_regs[5] __attribute__((section(".data"))) = {1, 1, 1, 1, 1};

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t cells(const uint8_t *p, uint32_t len) {
    return len == 8 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}
static int streq(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return *a == *b;
}

/* What the walk finds. */
static const char *bootargs, *psci_method;
static uint64_t initrd_start, initrd_end, mem_base, mem_size;
static int have_initrd_start, have_initrd_end, nodes;

/* Walks the structure block (FDT_BEGIN_NODE 1, END_NODE 2, PROP 3, NOP 4, END 9). */
static void walk(const uint8_t *fdt) {
    const uint8_t *st = fdt + be32(fdt + 8);
    const char *strings = (const char *)fdt + be32(fdt + 12);
    const char *path[8];
    int depth = -1;
    uint32_t off = 0;
    for (;;) {
        uint32_t tag = be32(st + off);
        off += 4;
        if (tag == 1) {
            const char *name = (const char *)st + off;
            depth++;
            if (depth < 8) path[depth] = name;
            nodes++;
            off += (strlen(name) + 4) & ~3u;
        } else if (tag == 2) {
            depth--;
        } else if (tag == 3) {
            uint32_t len = be32(st + off), nameoff = be32(st + off + 4);
            const uint8_t *val = st + off + 8;
            const char *pname = strings + nameoff;
            off += 8 + ((len + 3) & ~3u);
            if (depth != 1) continue;
            if (streq(path[1], "chosen")) {
                if (streq(pname, "bootargs")) bootargs = (const char *)val;
                if (streq(pname, "linux,initrd-start")) { initrd_start = cells(val, len); have_initrd_start = 1; }
                if (streq(pname, "linux,initrd-end")) { initrd_end = cells(val, len); have_initrd_end = 1; }
            } else if (streq(path[1], "memory@40000000") && streq(pname, "reg") && len == 16) {
                mem_base = cells(val, 8);
                mem_size = cells(val + 8, 8);
            } else if (streq(path[1], "psci") && streq(pname, "method")) {
                psci_method = (const char *)val;
            }
        } else if (tag == 4) {
            continue;
        } else {
            break;   /* FDT_END or garbage */
        }
    }
}

int main(void) {
    uint64_t dtb = boot_regs[0];
    print_str(BOOT_EXPECT_NAME ": booted as a Linux kernel\n");
    print_reg("x0 (dtb)", dtb);
    CHECK_EQ("x1", boot_regs[1], 0);
    CHECK_EQ("x2", boot_regs[2], 0);
    CHECK_EQ("x3", boot_regs[3], 0);
    print_reg("CurrentEL", boot_regs[4] >> 2);
    uint64_t here = (uint64_t)&main;
    print_reg("running in 2 MiB block", here & ~0x1FFFFFull);
    CHECK(dtb % (2 << 20) == 0, "the DTB is 2 MiB aligned");
    const uint8_t *fdt = (const uint8_t *)dtb;
    CHECK_EQ("dtb magic", be32(fdt), 0xd00dfeed);
    if (be32(fdt) != 0xd00dfeed) return test_finish(BOOT_EXPECT_NAME);
    print_reg("dtb totalsize", be32(fdt + 4));
    CHECK_EQ("dtb version", be32(fdt + 20), 17);
    walk(fdt);
    CHECK(nodes > 10, "the tree has the virt nodes");
    CHECK_EQ("memory base", mem_base, 0x40000000);
    print_reg("memory size", mem_size);
    CHECK(psci_method != 0, "a /psci node");
    if (psci_method) { print_str("psci method: "); print_str(psci_method); print_nl(); }
    CHECK(bootargs != 0 && streq(bootargs, BOOT_EXPECT_ARGS), "bootargs");
    if (bootargs) { print_str("bootargs: "); print_str(bootargs); print_nl(); }
#if BOOT_EXPECT_INITRD
    CHECK(have_initrd_start && have_initrd_end, "initrd range in /chosen");
    print_reg("initrd start", initrd_start);
    print_reg("initrd end", initrd_end);
    CHECK_EQ("initrd size", initrd_end - initrd_start, 16 * 640);
    const char *rd = (const char *)initrd_start;
    CHECK(memcmp(rd, "ARMATURE-INITRD\n", 16) == 0, "initrd bytes at the start");
    CHECK(memcmp(rd + 16 * 639, "ARMATURE-INITRD\n", 16) == 0, "initrd bytes at the end");
    CHECK(dtb >= initrd_end, "the DTB is after the initrd");
#else
    CHECK(!have_initrd_start && !have_initrd_end, "no initrd in /chosen");
#endif
    return test_finish(BOOT_EXPECT_NAME);
}
