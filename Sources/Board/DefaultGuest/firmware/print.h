/* EL3's console: the PL011 UART of the virt board (polled). */
#ifndef ARMATURE_DEMO_PRINT_H
#define ARMATURE_DEMO_PRINT_H

#include <stdint.h>

/* A small printf: %s (string), %c, %d (unsigned 64-bit decimal), %x (0x and
 * the hex digits needed), %X (0x and 16 hex digits); every argument but %s's
 * is a uint64_t. */
void pr(const char *fmt, ...);

#endif
