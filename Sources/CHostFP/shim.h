#ifndef ARMATURE_HOST_FP_H
#define ARMATURE_HOST_FP_H
// One SSE/FMA operation under a given MXCSR, for the threaded interpreter's
// host FP fast path (Engine/Threaded/HostFP.swift). Each function loads
// MXCSR = csr (exceptions masked, flags clear, the guest's rounding control),
// runs the operation in inline assembly (so the compiler cannot move it away
// from the MXCSR accesses or fold it under its default environment), reads
// MXCSR's flags back (the return value, bits 5:0: IE DE ZE OE UE PE) and
// leaves MXCSR = 0x1F80 (the default every Swift thread runs with).
// Operands and results are bit patterns: 128-bit vectors as two 64-bit halves.
#include <stdint.h>
#include <string.h>

typedef float armature_v4f __attribute__((vector_size(16)));
typedef double armature_v2d __attribute__((vector_size(16)));

#define ARMATURE_HOSTFP_ADD 0
#define ARMATURE_HOSTFP_SUB 1
#define ARMATURE_HOSTFP_MUL 2
#define ARMATURE_HOSTFP_DIV 3
#define ARMATURE_HOSTFP_SQRT 4
#define ARMATURE_HOSTFP_FMA 5

#define ARMATURE_HOSTFP_RESTORE "\n\tldmxcsr %[dflt]"

// Packed single (ps) or double (pd) precision: r = a op b (sqrt: of a;
// fma: c + a * b, one rounding; needs the host's FMA: armature_hostfp_has_fma).
#define ARMATURE_HOSTFP_PACKED(NAME, T, SUF)                                                                  \
static inline uint32_t NAME(int op, uint64_t *rlo, uint64_t *rhi, uint64_t alo, uint64_t ahi, uint64_t blo,     \
                            uint64_t bhi, uint64_t clo, uint64_t chi, uint32_t csr) {                          \
    uint64_t av[2] = {alo, ahi}, bv[2] = {blo, bhi}, cv[2] = {clo, chi};                                      \
    T a, b, c;                                                                                                 \
    memcpy(&a, av, 16); memcpy(&b, bv, 16); memcpy(&c, cv, 16);                                               \
    uint32_t flags, dflt = 0x1F80;                                                                             \
    switch (op) {                                                                                              \
    case ARMATURE_HOSTFP_ADD:                                                                                  \
        __asm__ __volatile__("ldmxcsr %[csr]\n\tadd" SUF " %[b], %[a]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE  \
                             : [a] "+x"(a), [f] "=m"(flags) : [b] "x"(b), [csr] "m"(csr), [dflt] "m"(dflt));   \
        break;                                                                                                 \
    case ARMATURE_HOSTFP_SUB:                                                                                  \
        __asm__ __volatile__("ldmxcsr %[csr]\n\tsub" SUF " %[b], %[a]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE  \
                             : [a] "+x"(a), [f] "=m"(flags) : [b] "x"(b), [csr] "m"(csr), [dflt] "m"(dflt));   \
        break;                                                                                                 \
    case ARMATURE_HOSTFP_MUL:                                                                                  \
        __asm__ __volatile__("ldmxcsr %[csr]\n\tmul" SUF " %[b], %[a]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE  \
                             : [a] "+x"(a), [f] "=m"(flags) : [b] "x"(b), [csr] "m"(csr), [dflt] "m"(dflt));   \
        break;                                                                                                 \
    case ARMATURE_HOSTFP_DIV:                                                                                  \
        __asm__ __volatile__("ldmxcsr %[csr]\n\tdiv" SUF " %[b], %[a]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE  \
                             : [a] "+x"(a), [f] "=m"(flags) : [b] "x"(b), [csr] "m"(csr), [dflt] "m"(dflt));   \
        break;                                                                                                 \
    case ARMATURE_HOSTFP_SQRT:                                                                                 \
        __asm__ __volatile__("ldmxcsr %[csr]\n\tsqrt" SUF " %[a], %[a]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE \
                             : [a] "+x"(a), [f] "=m"(flags) : [csr] "m"(csr), [dflt] "m"(dflt));               \
        break;                                                                                                 \
    default:                                                                                                   \
        __asm__ __volatile__("ldmxcsr %[csr]\n\tvfmadd231" SUF " %[b], %[a], %[c]\n\tstmxcsr %[f]"             \
                             ARMATURE_HOSTFP_RESTORE                                                           \
                             : [c] "+x"(c), [f] "=m"(flags)                                                    \
                             : [a] "x"(a), [b] "x"(b), [csr] "m"(csr), [dflt] "m"(dflt));                      \
        a = c;                                                                                                 \
        break;                                                                                                 \
    }                                                                                                          \
    uint64_t rv[2];                                                                                            \
    memcpy(rv, &a, 16);                                                                                        \
    *rlo = rv[0]; *rhi = rv[1];                                                                                \
    return flags & 0x3F;                                                                                       \
}

ARMATURE_HOSTFP_PACKED(armature_hostfp_ps, armature_v4f, "ps")
ARMATURE_HOSTFP_PACKED(armature_hostfp_pd, armature_v2d, "pd")

// Precision conversions: double -> single (rounded by csr), single -> double.
static inline uint32_t armature_hostfp_cvt_d2s(uint32_t *r, uint64_t a, uint32_t csr) {
    double x; float y; uint32_t flags, dflt = 0x1F80;
    memcpy(&x, &a, 8);
    __asm__ __volatile__("ldmxcsr %[csr]\n\tcvtsd2ss %[x], %[y]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE
                         : [y] "=x"(y), [f] "=m"(flags) : [x] "x"(x), [csr] "m"(csr), [dflt] "m"(dflt));
    memcpy(r, &y, 4);
    return flags & 0x3F;
}

static inline uint32_t armature_hostfp_cvt_s2d(uint64_t *r, uint32_t a, uint32_t csr) {
    float x; double y; uint32_t flags, dflt = 0x1F80;
    memcpy(&x, &a, 4);
    __asm__ __volatile__("ldmxcsr %[csr]\n\tcvtss2sd %[x], %[y]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE
                         : [y] "=x"(y), [f] "=m"(flags) : [x] "x"(x), [csr] "m"(csr), [dflt] "m"(dflt));
    memcpy(r, &y, 8);
    return flags & 0x3F;
}

// int64 -> double / single, rounded by csr.
static inline uint32_t armature_hostfp_i2d(uint64_t *r, int64_t a, uint32_t csr) {
    double y; uint32_t flags, dflt = 0x1F80;
    __asm__ __volatile__("ldmxcsr %[csr]\n\tcvtsi2sdq %[x], %[y]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE
                         : [y] "=x"(y), [f] "=m"(flags) : [x] "r"(a), [csr] "m"(csr), [dflt] "m"(dflt));
    memcpy(r, &y, 8);
    return flags & 0x3F;
}

static inline uint32_t armature_hostfp_i2s(uint32_t *r, int64_t a, uint32_t csr) {
    float y; uint32_t flags, dflt = 0x1F80;
    __asm__ __volatile__("ldmxcsr %[csr]\n\tcvtsi2ssq %[x], %[y]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE
                         : [y] "=x"(y), [f] "=m"(flags) : [x] "r"(a), [csr] "m"(csr), [dflt] "m"(dflt));
    memcpy(r, &y, 4);
    return flags & 0x3F;
}

// double / single -> int64, rounded by csr (out of range or NaN: IE).
static inline uint32_t armature_hostfp_d2i(int64_t *r, uint64_t a, uint32_t csr) {
    double x; int64_t y; uint32_t flags, dflt = 0x1F80;
    memcpy(&x, &a, 8);
    __asm__ __volatile__("ldmxcsr %[csr]\n\tcvtsd2siq %[x], %[y]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE
                         : [y] "=r"(y), [f] "=m"(flags) : [x] "x"(x), [csr] "m"(csr), [dflt] "m"(dflt));
    *r = y;
    return flags & 0x3F;
}

static inline uint32_t armature_hostfp_s2i(int64_t *r, uint32_t a, uint32_t csr) {
    float x; int64_t y; uint32_t flags, dflt = 0x1F80;
    memcpy(&x, &a, 4);
    __asm__ __volatile__("ldmxcsr %[csr]\n\tcvtss2siq %[x], %[y]\n\tstmxcsr %[f]" ARMATURE_HOSTFP_RESTORE
                         : [y] "=r"(y), [f] "=m"(flags) : [x] "x"(x), [csr] "m"(csr), [dflt] "m"(dflt));
    *r = y;
    return flags & 0x3F;
}

// Whether the host runs FMA3 instructions (CPUID.1:ECX.FMA, AVX state enabled by the OS).
static inline int armature_hostfp_has_fma(void) {
    uint32_t a, b, c, d;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 12)) || !(c & (1u << 27)) || !(c & (1u << 28))) return 0;
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 6) == 6;
}

#endif
