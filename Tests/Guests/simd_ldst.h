/* Harness of the AdvSIMD structure load/store tests (simd_ldst_multiple.c,
 * simd_ldst_single.c): T(insn, shape...) lines from gen/simd_ldst.py.
 *
 * Each instruction runs with x9 = the address (x10 = the post-index register)
 * and v0-v3, v30, v31 preset; then the six registers, memory and x9 are
 * compared with a model of the Arm ARM pseudocode (below) and printed: for a
 * load the registers of its list (high half:low half), for a store the
 * doublewords it wrote (with the untouched bytes around them), then x9's
 * writeback as an offset from the address.
 *
 * Memory: src[k] = k, so a loaded byte is its offset in memory; the store
 * buffer starts as 0xee. Registers: for a load, byte j of slot s is 0xa0 +
 * 16 s + j (so Q = 0 zeroing and untouched lanes show); for a store, 16 s + j.
 * Slots: v0-v3 are 0-3, v30 is 4, v31 is 5. The MMU is off (Device memory):
 * every address is aligned to the element size, not to 16. */
#include "semihost.h"

typedef struct {
    uint8_t load, kind, selem, nregs, esize, q, index, first, post, sp;
} shape_t;

static uint8_t src[112] __attribute__((aligned(16)));
static uint8_t mem[112] __attribute__((aligned(16)));
static uint8_t pre[96] __attribute__((aligned(16)));
static uint8_t regs[96] __attribute__((aligned(16)));
static uint8_t expect_regs[96], expect_mem[112];
static uint64_t xm_value;

static int slot_of(int r) { return r < 4 ? r : r - 26; }

/* The bytes an instruction of this shape transfers. */
static int transfer_bytes(const shape_t *s)
{
    if (s->kind == 0) return s->nregs * (s->q ? 16 : 8);
    return s->selem << s->esize;
}

/* Sets up memory and registers; returns the address. */
static uint64_t prepare(const shape_t *s)
{
    for (int k = 0; k < 112; k++) { src[k] = (uint8_t)k; mem[k] = 0xee; }
    for (int k = 0; k < 96; k++) pre[k] = (uint8_t)(s->load ? 0xa0 + k : k);
    xm_value = s->sp ? 48 : (uint64_t)-7;
    uint8_t *base = s->load ? src : mem;
    return (uint64_t)(base + (s->sp ? 0 : 1 << s->esize));
}

/* The Arm ARM's LD1-LD4/ST1-ST4 (multiple, single structure), LD1R-LD4R. */
static void model(const shape_t *s, int aoff)
{
    int eb = 1 << s->esize, datasize = s->q ? 16 : 8;
    for (int k = 0; k < 96; k++) expect_regs[k] = pre[k];
    for (int k = 0; k < 112; k++) expect_mem[k] = 0xee;     /* the store buffer as prepared */
    int off = aoff;
    if (s->kind == 0) {
        int rpt = s->nregs / s->selem, elements = datasize / eb;
        for (int r = 0; r < rpt; r++)
            for (int e = 0; e < elements; e++)
                for (int x = 0; x < s->selem; x++) {
                    int sl = slot_of((s->first + r + x) % 32);
                    for (int b = 0; b < eb; b++) {
                        if (s->load) expect_regs[sl * 16 + e * eb + b] = src[off + b];
                        else expect_mem[off + b] = pre[sl * 16 + e * eb + b];
                    }
                    off += eb;
                }
    } else {
        for (int x = 0; x < s->selem; x++) {
            int sl = slot_of((s->first + x) % 32);
            if (s->kind == 2) {
                for (int e = 0; e < datasize / eb; e++)
                    for (int b = 0; b < eb; b++) expect_regs[sl * 16 + e * eb + b] = src[off + b];
            } else {
                for (int b = 0; b < eb; b++) {
                    if (s->load) expect_regs[sl * 16 + s->index * eb + b] = src[off + b];
                    else expect_mem[off + b] = pre[sl * 16 + s->index * eb + b];
                }
            }
            off += eb;
        }
    }
    /* A 64-bit load of whole registers zeroes bits 127:64. */
    if (s->load && s->kind != 1 && !s->q)
        for (int x = 0; x < s->nregs; x++) {
            int sl = slot_of((s->first + x) % 32);
            for (int b = 8; b < 16; b++) expect_regs[sl * 16 + b] = 0;
        }
}

static uint64_t word_at(const uint8_t *p)
{
    uint64_t v = 0;
    for (int b = 7; b >= 0; b--) v = v << 8 | p[b];
    return v;
}

static void finish(const char *insn, const shape_t *s, uint64_t addr, uint64_t wb)
{
    uint8_t *base = s->load ? src : mem;
    int aoff = (int)(addr - (uint64_t)base);
    int total = transfer_bytes(s);
    model(s, aoff);

    print_str(insn);
    print_str(":");
    if (s->load) {
        for (int x = 0; x < s->nregs; x++) {
            int sl = slot_of((s->first + x) % 32);
            print_str(" v");
            print_udec((uint64_t)((s->first + x) % 32));
            print_char('=');
            print_hex64(word_at(regs + sl * 16 + 8));
            print_char(':');
            print_hex64(word_at(regs + sl * 16));
        }
    } else {
        for (int w = aoff / 8; w * 8 < aoff + total; w++) {
            print_char(' ');
            print_hex64(word_at(mem + w * 8));
        }
    }
    print_str(" wb=");
    print_hex(wb - addr);
    print_nl();

    uint64_t want_wb = s->post == 0 ? addr : s->post == 1 ? addr + (uint64_t)total : addr + xm_value;
    int bad = wb != want_wb;
    for (int k = 0; k < 96; k++) bad |= regs[k] != expect_regs[k];
    for (int k = 0; k < 112; k++) bad |= mem[k] != expect_mem[k];
    CHECK(!bad, "the result above differs from the model");
}

#define LDST_PRE "ldp q0, q1, [%[pre]]\n\tldp q2, q3, [%[pre], #32]\n\tldp q30, q31, [%[pre], #64]\n\t" \
                 "mov x9, %[a]\n\tmov x10, %[m]\n\t"
#define LDST_POST "\n\tstp q0, q1, [%[out]]\n\tstp q2, q3, [%[out], #32]\n\tstp q30, q31, [%[out], #64]\n\t" \
                  "mov %[wb], x9"
#define LDST_OPERANDS : [wb] "=&r"(wb_) : [pre] "r"(pre), [out] "r"(regs), [a] "r"(a_), [m] "r"(xm_value) \
                      : "x9", "x10", "x12", "v0", "v1", "v2", "v3", "v30", "v31", "memory"

#define T(insn, load, kind, selem, nregs, esize, q, index, first, post, sp) do { \
    static const shape_t sh_ = {load, kind, selem, nregs, esize, q, index, first, post, sp}; \
    uint64_t a_ = prepare(&sh_), wb_; \
    if (sp) \
        __asm__ volatile(LDST_PRE "mov x12, sp\n\tmov sp, x9\n\t" insn "\n\tmov x9, sp\n\tmov sp, x12" \
                         LDST_POST LDST_OPERANDS); \
    else \
        __asm__ volatile(LDST_PRE insn LDST_POST LDST_OPERANDS); \
    finish(insn, &sh_, a_, wb_); \
} while (0)

static void enable_fp(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));
}
