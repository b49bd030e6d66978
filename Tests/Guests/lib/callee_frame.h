/* Armature guest runtime: the callee-saved frame (x19..x30, 96 bytes) that the
 * helpers running code at another EL keep on their stack while it runs
 * (rme.h run_el2, stage2.h run_el1, elcall.h elcall): saved by the call,
 * restored when the lower EL comes back through its SMC/HVC, which then
 * returns to the caller. For top-level asm strings. */
#ifndef ARMATURE_CALLEE_FRAME_H
#define ARMATURE_CALLEE_FRAME_H

#define CALLEE_FRAME_SAVE                  \
    "    sub sp, sp, #96\n"                \
    "    stp x19, x20, [sp, #0]\n"         \
    "    stp x21, x22, [sp, #16]\n"        \
    "    stp x23, x24, [sp, #32]\n"        \
    "    stp x25, x26, [sp, #48]\n"        \
    "    stp x27, x28, [sp, #64]\n"        \
    "    stp x29, x30, [sp, #80]\n"

/* Restores the frame at sp and returns to the saved x30. */
#define CALLEE_FRAME_RESTORE_RET           \
    "    ldp x19, x20, [sp, #0]\n"         \
    "    ldp x21, x22, [sp, #16]\n"        \
    "    ldp x23, x24, [sp, #32]\n"        \
    "    ldp x25, x26, [sp, #48]\n"        \
    "    ldp x27, x28, [sp, #64]\n"        \
    "    ldp x29, x30, [sp, #80]\n"        \
    "    add sp, sp, #96\n"                \
    "    ret\n"

#endif
