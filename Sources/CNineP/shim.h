#ifndef ARMATURE_CNINEP_SHIM_H
#define ARMATURE_CNINEP_SHIM_H
// The host calls of the 9P server that Swift's Glibc module leaves out: the
// xattr calls, statfs, and constants it hides behind _GNU_SOURCE or does not
// import (macros with casts). No _GNU_SOURCE here: it would give the shared
// libc types a second definition.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

static inline int ninep_o_path(void) { return __O_PATH; }
static inline long ninep_utime_now(void) { return UTIME_NOW; }
static inline long ninep_utime_omit(void) { return UTIME_OMIT; }
static inline unsigned long long ninep_makedev(unsigned int major, unsigned int minor) {
    return makedev(major, minor);
}
#endif
