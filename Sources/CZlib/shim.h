#ifndef ARMATURE_CZLIB_SHIM_H
#define ARMATURE_CZLIB_SHIM_H
// zlib: gzip-compressed kernel images (-kernel Image.gz).
#include <zlib.h>
#endif
