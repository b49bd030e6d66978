#ifndef ARMATURE_HOST_ATOMICS_H
#define ARMATURE_HOST_ATOMICS_H
// Host atomic instructions on guest memory for the exclusives and the LSE
// atomics (Engine/Helpers/MemoryHelpers.swift): lock cmpxchg, xadd, xchg and
// cmpxchg16b on a host pointer into guest RAM, so a guest atomic is atomic
// against every other CPU's accesses. Sizes are log2 of bytes (0-3); the
// pointer is naturally aligned (the callers check the guest address first).
// Sequentially consistent: on x86-64 a locked instruction is a full fence.
#include <stdint.h>

// Compare-and-swap; returns the value found (== expected when it swapped).
static inline uint64_t armature_atomic_cas(void *p, int size_log2, uint64_t expected, uint64_t desired) {
    switch (size_log2) {
    case 0: { uint8_t e = (uint8_t)expected;
        __atomic_compare_exchange_n((uint8_t *)p, &e, (uint8_t)desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e; }
    case 1: { uint16_t e = (uint16_t)expected;
        __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e; }
    case 2: { uint32_t e = (uint32_t)expected;
        __atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e; }
    default: { uint64_t e = expected;
        __atomic_compare_exchange_n((uint64_t *)p, &e, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return e; }
    }
}

// 128-bit compare-and-swap (cmpxchg16b; p 16-byte aligned). *lo/*hi hold the
// expected value and receive the value found; returns 1 when it swapped.
static inline int armature_atomic_cas128(void *p, uint64_t *lo, uint64_t *hi, uint64_t new_lo, uint64_t new_hi) {
    unsigned char ok;
    __asm__ __volatile__("lock cmpxchg16b %1\n\tsete %0"
                         : "=q"(ok), "+m"(*(volatile unsigned __int128 *)p), "+a"(*lo), "+d"(*hi)
                         : "b"(new_lo), "c"(new_hi)
                         : "memory", "cc");
    return ok;
}

// A naturally aligned load that another CPU's store cannot tear.
static inline uint64_t armature_atomic_load(void *p, int size_log2) {
    switch (size_log2) {
    case 0: return __atomic_load_n((uint8_t *)p, __ATOMIC_SEQ_CST);
    case 1: return __atomic_load_n((uint16_t *)p, __ATOMIC_SEQ_CST);
    case 2: return __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST);
    default: return __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
    }
}

// 128-bit atomic load (a cmpxchg16b that writes back what it read).
static inline void armature_atomic_load128(void *p, uint64_t *lo, uint64_t *hi) {
    *lo = 0; *hi = 0;
    armature_atomic_cas128(p, lo, hi, 0, 0);
}

// The LSE operations: 0 add, 1 clear (and-not), 2 exclusive or, 3 set (or),
// 4 signed max, 5 signed min, 6 unsigned max, 7 unsigned min, 8 swap (the
// order of AtomicOperand.Operation). Returns the old value, zero-extended.
static inline uint64_t armature_atomic_fetch_op(void *p, int size_log2, int op, uint64_t v) {
#define ARMATURE_FETCH(T, S) do { \
        T *q = (T *)p; T x = (T)v; \
        switch (op) { \
        case 0: return (uint64_t)__atomic_fetch_add(q, x, __ATOMIC_SEQ_CST); \
        case 1: return (uint64_t)__atomic_fetch_and(q, (T)~x, __ATOMIC_SEQ_CST); \
        case 2: return (uint64_t)__atomic_fetch_xor(q, x, __ATOMIC_SEQ_CST); \
        case 3: return (uint64_t)__atomic_fetch_or(q, x, __ATOMIC_SEQ_CST); \
        case 8: return (uint64_t)__atomic_exchange_n(q, x, __ATOMIC_SEQ_CST); \
        default: { \
            T old = __atomic_load_n(q, __ATOMIC_SEQ_CST), nv; \
            do { \
                switch (op) { \
                case 4: nv = (S)old >= (S)x ? old : x; break; \
                case 5: nv = (S)old <= (S)x ? old : x; break; \
                case 6: nv = old >= x ? old : x; break; \
                default: nv = old <= x ? old : x; break; \
                } \
            } while (!__atomic_compare_exchange_n(q, &old, nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)); \
            return (uint64_t)old; } \
        } } while (0)
    switch (size_log2) {
    case 0: ARMATURE_FETCH(uint8_t, int8_t);
    case 1: ARMATURE_FETCH(uint16_t, int16_t);
    case 2: ARMATURE_FETCH(uint32_t, int32_t);
    default: ARMATURE_FETCH(uint64_t, int64_t);
    }
#undef ARMATURE_FETCH
}
#endif
