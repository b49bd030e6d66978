#ifndef ARMATURE_CCAPSTONE_SHIM_H
#define ARMATURE_CCAPSTONE_SHIM_H
// Capstone (Debian's libcapstone-dev) for `-d out_asm`: the JIT's x86-64 code
// disassembled in Intel syntax. Only the Debug module imports it.
#include <capstone/capstone.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// An x86-64 disassembler handle with Intel syntax; 0 when Capstone cannot open one.
static inline csh armature_cs_open_x86_64(void) {
    csh h = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) return 0;
    cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
    return h;
}

static inline void armature_cs_close(csh h) {
    if (h) cs_close(&h);
}

// Disassembles the one instruction at `code` (at most `size` bytes), as if it
// were at `address`: writes "mnemonic operands" (NUL-terminated) into `text`
// and returns the instruction's length, or 0 when the bytes are no valid
// instruction. Swift never touches cs_insn's fixed-size char arrays this way.
static inline size_t armature_cs_disasm_one(csh h, const uint8_t *code, size_t size, uint64_t address,
                                            char *text, size_t textSize) {
    if (!h || size == 0 || textSize == 0) return 0;
    cs_insn *insn = NULL;
    size_t n = cs_disasm(h, code, size, address, 1, &insn);
    if (n == 0) { text[0] = 0; return 0; }
    size_t len = insn[0].size;
    if (insn[0].op_str[0])
        snprintf(text, textSize, "%s %s", insn[0].mnemonic, insn[0].op_str);
    else
        snprintf(text, textSize, "%s", insn[0].mnemonic);
    cs_free(insn, n);
    return len;
}
#endif
