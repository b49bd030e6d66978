#ifndef ARMATURE_CFDT_SHIM_H
#define ARMATURE_CFDT_SHIM_H
// libfdt (Debian's libfdt-dev, which ships no pkg-config file): the virt
// board's device tree is built and edited with it, as QEMU does.
#include <libfdt.h>
#endif
