/* vm: a small stack-machine bytecode interpreter (switch dispatch through a
 * jump table) running a program that, for every i below a limit, counts the
 * Collatz steps of i and folds them into a hash; a second program sums a
 * multiplicative hash over a counted loop.
 * Exercises: indirect branches (jump table), many short basic blocks,
 * loads/stores to a small stack array, data-dependent branches. */
#include "bench.h"

#ifndef LIMIT
#define LIMIT (10000 * SCALE)
#endif

enum {
    OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND,
    OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ,
    OP_DUP, OP_POP, OP_SWAP, OP_INC,
};

typedef struct { int32_t op, arg; } insn_t;

static insn_t code[256];
static int ncode;

static int emit(int op, int arg)
{
    code[ncode].op = op;
    code[ncode].arg = arg;
    return ncode++;
}
static int here(void) { return ncode; }
static void patch(int at, int target) { code[at].arg = target; }

/* Values are unsigned 64-bit (wrapping arithmetic, no undefined behaviour);
 * OP_LT compares them as signed. */
static uint64_t run(const insn_t *prog, int pc, uint64_t *locals)
{
    uint64_t stack[64];
    int sp = 0;
    for (;;) {
        insn_t in = prog[pc++];
        switch (in.op) {
        case OP_HALT: return sp ? stack[sp - 1] : 0;
        case OP_PUSH: stack[sp++] = (uint64_t)(int64_t)in.arg; break;
        case OP_LOAD: stack[sp++] = locals[in.arg]; break;
        case OP_STORE: locals[in.arg] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] <<= (stack[sp] & 63); break;
        case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 63); break;
        case OP_LT: sp--; stack[sp - 1] = (int64_t)stack[sp - 1] < (int64_t)stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_JMP: pc = in.arg; break;
        case OP_JZ: if (stack[--sp] == 0) pc = in.arg; break;
        case OP_JNZ: if (stack[--sp] != 0) pc = in.arg; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_POP: sp--; break;
        case OP_SWAP: { uint64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_INC: locals[in.arg]++; break;
        default: return (uint64_t)-1;
        }
    }
}

/* locals: 0 = i, 1 = n, 2 = steps, 3 = acc, 4 = limit */
static int build_collatz(void)
{
    int start = here();
    emit(OP_PUSH, 1); emit(OP_STORE, 0);
    int loop_i = here();
    emit(OP_LOAD, 0); emit(OP_LOAD, 4); emit(OP_LT, 0);
    int jz_end = emit(OP_JZ, 0);
    emit(OP_LOAD, 0); emit(OP_STORE, 1);
    emit(OP_PUSH, 0); emit(OP_STORE, 2);
    int loop_n = here();
    emit(OP_LOAD, 1); emit(OP_PUSH, 1); emit(OP_EQ, 0);
    int jnz_done = emit(OP_JNZ, 0);
    emit(OP_LOAD, 1); emit(OP_PUSH, 1); emit(OP_AND, 0);
    int jz_even = emit(OP_JZ, 0);
    emit(OP_LOAD, 1); emit(OP_PUSH, 3); emit(OP_MUL, 0); emit(OP_PUSH, 1); emit(OP_ADD, 0);
    emit(OP_STORE, 1);
    int jmp_cont = emit(OP_JMP, 0);
    patch(jz_even, here());
    emit(OP_LOAD, 1); emit(OP_PUSH, 1); emit(OP_SHR, 0); emit(OP_STORE, 1);
    patch(jmp_cont, here());
    emit(OP_INC, 2);
    emit(OP_JMP, loop_n);
    patch(jnz_done, here());
    emit(OP_LOAD, 3); emit(OP_PUSH, 31); emit(OP_MUL, 0); emit(OP_LOAD, 2); emit(OP_XOR, 0);
    emit(OP_STORE, 3);
    emit(OP_INC, 0);
    emit(OP_JMP, loop_i);
    patch(jz_end, here());
    emit(OP_LOAD, 3); emit(OP_HALT, 0);
    return start;
}

/* locals: 0 = i, 3 = acc, 4 = limit:
 *   for (i = 0; i <= limit; i++) { acc = (acc ^ i) * K + (i << 3); acc ^= acc >> 29; } */
static int build_hashloop(void)
{
    int start = here();
    emit(OP_PUSH, 0); emit(OP_STORE, 0);
    int loop = here();
    emit(OP_LOAD, 3); emit(OP_LOAD, 0); emit(OP_XOR, 0);
    emit(OP_PUSH, 0x01000193); emit(OP_MUL, 0);
    emit(OP_LOAD, 0); emit(OP_PUSH, 3); emit(OP_SHL, 0); emit(OP_ADD, 0);
    emit(OP_DUP, 0); emit(OP_PUSH, 29); emit(OP_SHR, 0); emit(OP_XOR, 0);
    emit(OP_STORE, 3);
    emit(OP_INC, 0);
    emit(OP_LOAD, 0); emit(OP_LOAD, 4); emit(OP_SWAP, 0); emit(OP_LT, 0);  /* limit < i ? */
    emit(OP_JZ, loop);
    emit(OP_LOAD, 3); emit(OP_HALT, 0);
    return start;
}

int main(void)
{
    int collatz = build_collatz();
    int hashloop = build_hashloop();
    uint64_t locals[8] = { 0 };
    uint64_t sum = 0;

    locals[3] = 0;
    locals[4] = LIMIT;
    sum = bench_mix(sum, run(code, collatz, locals));
    sum = bench_mix(sum, locals[0]);

    locals[3] = 0x12345;
    locals[4] = LIMIT * 40;
    sum = bench_mix(sum, run(code, hashloop, locals));
    sum = bench_mix(sum, locals[0]);
    bench_report("vm", sum);
    return 0;
}
