// LD_PRELOAD shim for armature-translate: counts heap allocation calls
// (malloc, calloc, realloc, memalign, aligned_alloc, posix_memalign) in
// `armature_malloc_calls`, which the benchmark reads through dlsym, and
// forwards them to glibc's own entry points.
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

uint64_t armature_malloc_calls;

static inline void count(void) { __atomic_fetch_add(&armature_malloc_calls, 1, __ATOMIC_RELAXED); }

void *malloc(size_t n) { count(); return __libc_malloc(n); }
void *calloc(size_t k, size_t n) { count(); return __libc_calloc(k, n); }
void *realloc(void *p, size_t n) { count(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { count(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { count(); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n) {
    count();
    void *r = __libc_memalign(a, n);
    if (!r) return 12;   // ENOMEM
    *p = r;
    return 0;
}
