#ifndef ARMATURE_CFFI_SHIM_H
#define ARMATURE_CFFI_SHIM_H
// libffi for the IR interpreter's helper calls, plus the few libc calls Swift's
// Glibc module hides behind _GNU_SOURCE.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ffi.h>
#include <sys/mman.h>
#include <unistd.h>

// libffi's ffi_type_* are mutable C globals, which Swift 6's strict concurrency
// checking rejects; hand out their addresses instead.
static inline ffi_type *armature_ffi_type_uint64(void) { return &ffi_type_uint64; }
static inline ffi_type *armature_ffi_type_uint32(void) { return &ffi_type_uint32; }
static inline ffi_type *armature_ffi_type_pointer(void) { return &ffi_type_pointer; }
static inline ffi_type *armature_ffi_type_void(void) { return &ffi_type_void; }

static inline int armature_memfd_create(const char *name, unsigned int flags) {
    return memfd_create(name, flags);
}
#endif
