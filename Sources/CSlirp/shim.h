#ifndef ARMATURE_CSLIRP_SHIM_H
#define ARMATURE_CSLIRP_SHIM_H
// libslirp (Debian's libslirp-dev), the user-mode network stack QEMU uses.
// Its pkg-config file requires glib's, which the header does not need: the
// module map links it directly.
#include <poll.h>
#include <slirp/libslirp.h>
#endif
