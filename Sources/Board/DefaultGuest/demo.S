/* Armature's default guest: what runs when no -kernel is given.
 *
 * Prints a banner and the identity of the CPU through the PL011 UART of the
 * virt board, then exits through semihosting SYS_EXIT_EXTENDED with status 0.
 * Runs at whatever exception level the CPU resets into (EL1, EL2 or EL3), with
 * the MMU off; uses no stack and no memory other than its own image.
 *
 * Built by scripts/build-default-guest.sh into DefaultGuestImage.swift.
 * Check it under QEMU:
 *   qemu-system-aarch64 -M virt -cpu max -nographic -semihosting -kernel demo.elf
 */
    .arch armv8-a

    .equ UART_BASE, 0x09000000
    .equ UARTDR, 0x00
    .equ UARTFR, 0x18
    .equ UARTFR_TXFF, 5                 /* bit: transmit FIFO full */

    .equ SYS_EXIT_EXTENDED, 0x20
    .equ ADP_Stopped_ApplicationExit, 0x20026

    /* putc w0 (clobbers w9): wait while the transmit FIFO is full, then send. */
    .macro PUTC
9:  ldr     w9, [x19, #UARTFR]
    tbnz    w9, #UARTFR_TXFF, 9b
    strb    w0, [x19, #UARTDR]
    .endm

    .text
    .global _start
    .type _start, %function
_start:
    movz    x19, #(UART_BASE >> 16), lsl #16

    adr     x0, banner
    bl      puts

    adr     x0, s_midr
    mrs     x1, midr_el1
    bl      print_reg
    adr     x0, s_mpidr
    mrs     x1, mpidr_el1
    bl      print_reg
    adr     x0, s_pfr0
    mrs     x1, id_aa64pfr0_el1
    bl      print_reg
    adr     x0, s_isar0
    mrs     x1, id_aa64isar0_el1
    bl      print_reg
    adr     x0, s_mmfr0
    mrs     x1, id_aa64mmfr0_el1
    bl      print_reg

    adr     x0, s_el
    bl      puts
    mrs     x1, CurrentEL
    ubfx    x1, x1, #2, #2
    add     w0, w1, #'0'
    PUTC
    mov     w0, #'\n'
    PUTC

    adr     x0, footer
    bl      puts

    /* Exit: SYS_EXIT_EXTENDED { ADP_Stopped_ApplicationExit, 0 }. */
    mov     w0, #SYS_EXIT_EXTENDED
    adr     x1, exit_block
    hlt     #0xf000
0:  wfi
    b       0b
    .size _start, . - _start

/* puts x0: print a NUL-terminated string (clobbers x0, w9, w10). */
    .type puts, %function
puts:
    mov     x10, x0
1:  ldrb    w0, [x10], #1
    cbz     w0, 2f
    PUTC
    b       1b
2:  ret
    .size puts, . - puts

/* print_reg x0 = label, x1 = value: "label0x<16 hex digits>\n"
 * (clobbers x0, x1, x9-x12, x20, x21). */
    .type print_reg, %function
print_reg:
    mov     x21, x30
    mov     x20, x1
    bl      puts
    mov     w0, #'0'
    PUTC
    mov     w0, #'x'
    PUTC
    mov     x11, #60
1:  lsr     x12, x20, x11
    and     w12, w12, #0xf
    cmp     w12, #10
    add     w0, w12, #'0'
    add     w12, w12, #('a' - 10)
    csel    w0, w12, w0, hs
    PUTC
    subs    x11, x11, #4
    b.ge    1b
    mov     w0, #'\n'
    PUTC
    mov     x30, x21
    ret
    .size print_reg, . - print_reg

    .balign 8
exit_block:
    .quad   ADP_Stopped_ApplicationExit, 0

banner:
    .asciz  "Armature \xe2\x80\x94 AArch64 system emulator\n\nThis is the built-in demo guest (no -kernel was given). The CPU:\n"
s_midr:  .asciz "  MIDR_EL1          "
s_mpidr: .asciz "  MPIDR_EL1         "
s_pfr0:  .asciz "  ID_AA64PFR0_EL1   "
s_isar0: .asciz "  ID_AA64ISAR0_EL1  "
s_mmfr0: .asciz "  ID_AA64MMFR0_EL1  "
s_el:    .asciz "  CurrentEL         EL"
footer:
    .asciz  "\nRun your own program with:\n  armature -M virt -cpu max -nographic -semihosting -kernel program.elf\n"
