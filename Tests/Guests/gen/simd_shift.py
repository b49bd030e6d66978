# Generates simd_shift_imm.c, simd_shift_narrow.c, simd_shift_reg.c,
# simd_widen.c and simd_widen_narrow.c: every AdvSIMD shift (by immediate and
# by register, narrowing, lengthening), three-different op, XTN family and
# SHLL in every arrangement and scalar form, on edge values, with expected
# results and FPSR.QC from the Python models below (the Arm ARM pseudocode
# in unbounded integers, C7.2). Each case runs with FPSR cleared before the
# instruction and read after; the programs print one hash per case.
import os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

def ones(n): return (1 << n) - 1
def sx(v, b): v &= ones(b); return v - (1 << b) if v >> (b - 1) else v
def lanes(v, bits, n, first=0): return [(v >> ((first + i) * bits)) & ones(bits) for i in range(n)]
def pack(ls, bits, first=0):
    r = 0
    for i, x in enumerate(ls): r |= (x & ones(bits)) << ((first + i) * bits)
    return r

class Sat:
    def __init__(self): self.qc = 0
    def s(self, v, bits):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        if v > hi: self.qc = 1; return hi & ones(bits)
        if v < lo: self.qc = 1; return lo & ones(bits)
        return v & ones(bits)
    def u(self, v, bits):
        if v > ones(bits): self.qc = 1; return ones(bits)
        if v < 0: self.qc = 1; return 0
        return v

def hexs(s): return int(s.replace('_', ''), 16)
# Data: extremes of every lane size, values just outside each narrower range, patterns.
DATA = [hexs(x) for x in [
    '7f8000ff01fe817e_40c03fc155aa02fd', '7fff800000000001_fffe80017ffe00ff',
    '7fffffff80000000_ffffffff00000001', '7fffffffffffffff_8000000000000000',
    '0123456789abcdef_fedcba9876543210', '0080007fff80ff7f_010000ff80007fff',
    '0000800000007fff_ffff8000ffff7fff', '0000000080000000_000000007fffffff',
    'ffffffff80000000_ffffffff7fffffff', '00000000ffffffff_0000000100000000',
    '8000000000000001_7ffffffffffffffe', '0000000000000000_0000000000000000']]
# Shift amounts for the register forms (the signed low byte of each lane):
# 0, 1, esize-1, esize, -1, -esize, -esize-1, 127, -128, and more than esize.
SHIFTS = [hexs(x) for x in [
    '41fe0240c0100980_7ff7f8ff08070100', 'ab80ab7f00ef00f0_00ff00100f0fab01',
    '000000c0000000df_000000e0000000ff', '0000001f00000020_0000000000000001',
    '000000000000003f_0000000000000040', 'ffffffffffffffff_ffffffffffffffc0',
    '00000000000000bf_0000000000000080', '0000000000000041_00000000000000c1',
    '0000000000000010_00000000000000f0']]
ACC = [hexs('5555aaaa00ff7f80_8000000180000000'), hexs('7fffffffffffffff_0000000000000001'),
       hexs('8000000000000000_7ffffffe00007fff')]

def triples_data():
    t = []
    for i, a in enumerate(DATA):
        for j in (i, (i + 3) % len(DATA), (i + 7) % len(DATA)):
            t.append((a, DATA[j], ACC[(i + j) % len(ACC)]))
    return t
def triples_shift():
    return [(a, s, ACC[(i + j) % len(ACC)]) for i, a in enumerate(DATA[:9]) for j, s in enumerate(SHIFTS)]

ARR = {8: ('8b', '16b'), 16: ('4h', '8h'), 32: ('2s', '4s'), 64: (None, '2d')}
SREG = {8: 'b', 16: 'h', 32: 's', 64: 'd'}

def rshift(x, s, rnd):
    """Unbounded shift left by s (right when negative), rounding as SRSHL."""
    if s >= 0: return x << s
    return (x + (1 << (-s - 1) if rnd else 0)) >> -s

# ---------- same-size models: f(x, y, d, s, bits, sat) -> lane ----------
def same_imm(op):
    def f(x, y, d, s, bits, sat):
        m = ones(bits)
        if op == 'shl': return (x << s) & m
        if op in ('sshr', 'srshr', 'ssra', 'srsra'): v = rshift(sx(x, bits), -s, op in ('srshr', 'srsra'))
        if op in ('ushr', 'urshr', 'usra', 'ursra'): v = rshift(x, -s, op in ('urshr', 'ursra'))
        if op in ('sshr', 'srshr', 'ushr', 'urshr'): return v & m
        if op in ('ssra', 'srsra', 'usra', 'ursra'): return (d + v) & m
        if op == 'sri':
            mask = m >> s
            return (d & ~mask | x >> s) & m
        if op == 'sli':
            mask = (m << s) & m
            return (d & ~mask | (x << s)) & m
        if op == 'sqshl': return sat.s(sx(x, bits) << s, bits)
        if op == 'uqshl': return sat.u(x << s, bits)
        if op == 'sqshlu': return sat.u(sx(x, bits) << s, bits)
        raise ValueError(op)
    return f

def same_reg(op):
    def f(x, y, d, s, bits, sat):
        amt = sx(y, 8)
        signed = op in ('sshl', 'srshl', 'sqshl', 'sqrshl')
        v = rshift(sx(x, bits) if signed else x, amt, op in ('srshl', 'urshl', 'sqrshl', 'uqrshl'))
        if op in ('sqshl', 'sqrshl'): return sat.s(v, bits)
        if op in ('uqshl', 'uqrshl'): return sat.u(v, bits)
        return v & ones(bits)
    return f

def run_same(f, bits, n, s):
    def model(a, b, d):
        sat = Sat()
        r = pack([f(x, y, z, s, bits, sat) for x, y, z in zip(lanes(a, bits, n), lanes(b, bits, n), lanes(d, bits, n))], bits)
        return r, sat.qc
    return model

# ---------- narrowing / lengthening ----------
def run_narrow(lanefn, bits, n, upper):
    """lanefn(x_wide, y_wide, sat) -> narrow lane; sources are the 2*bits lanes of a and b."""
    def model(a, b, d):
        sat = Sat()
        ls = [lanefn(x, y, sat) for x, y in zip(lanes(a, 2 * bits, n), lanes(b, 2 * bits, n))]
        r = pack(ls, bits, n if upper else 0)
        if upper: r |= d & ones(64)
        return r, sat.qc
    return model

def run_long(lanefn, bits, n, upper):
    """lanefn(x_narrow, y_narrow, acc_wide, sat) -> wide lane (a, b from the low or high half)."""
    def model(a, b, d):
        sat = Sat()
        f = n if upper else 0
        ls = [lanefn(x, y, z, sat) for x, y, z in zip(lanes(a, bits, n, f), lanes(b, bits, n, f), lanes(d, 2 * bits, n))]
        return pack(ls, 2 * bits), sat.qc
    return model

def run_wide(lanefn, bits, n, upper):
    def model(a, b, d):
        ls = [lanefn(x, y) for x, y in zip(lanes(a, 2 * bits, n), lanes(b, bits, n, n if upper else 0))]
        return pack(ls, 2 * bits), 0
    return model

def narrow_shift(op, s, bits):
    def f(x, y, sat):
        signed = op in ('sqshrn', 'sqrshrn', 'sqshrun', 'sqrshrun')
        v = rshift(sx(x, 2 * bits) if signed else x, -s, op in ('rshrn', 'sqrshrn', 'uqrshrn', 'sqrshrun'))
        if op in ('shrn', 'rshrn'): return v & ones(bits)
        if op in ('sqshrn', 'sqrshrn'): return sat.s(v, bits)
        return sat.u(v, bits)
    return f

def long_op(op, bits):
    w = 2 * bits
    def f(x, y, acc, sat):
        if op[0] == 's': x, y = sx(x, bits), sx(y, bits)
        base = op[1:] if op[0] in 'su' else op
        if base == 'addl': return (x + y) & ones(w)
        if base == 'subl': return (x - y) & ones(w)
        if base == 'abdl': return abs(x - y) & ones(w)
        if base == 'abal': return (acc + abs(x - y)) & ones(w)
        if base == 'mull': return (x * y) & ones(w)
        if base == 'mlal': return (acc + x * y) & ones(w)
        if base == 'mlsl': return (acc - x * y) & ones(w)
        if base == 'qdmull': return sat.s(2 * x * y, w)
        if base in ('qdmlal', 'qdmlsl'):
            p = sx(sat.s(2 * x * y, w), w)
            return sat.s(sx(acc, w) + p if base == 'qdmlal' else sx(acc, w) - p, w)
        raise ValueError(op)
    return f

def wide_op(op, bits):
    w = 2 * bits
    def f(x, y):
        if op[0] == 's': x, y = sx(x, w), sx(y, bits)
        return (x + y if op[1:] == 'addw' else x - y) & ones(w)
    return f

def hn_op(op, bits):
    def f(x, y, sat):
        v = x + y if op in ('addhn', 'raddhn') else x - y
        if op[0] == 'r': v += 1 << (bits - 1)
        return (v >> bits) & ones(bits)
    return f

def xtn_op(op, bits):
    def f(x, y, sat):
        if op == 'xtn': return x & ones(bits)
        if op == 'sqxtn': return sat.s(sx(x, 2 * bits), bits)
        if op == 'uqxtn': return sat.u(x, bits)
        return sat.u(sx(x, 2 * bits), bits)
    return f

# ---------- case lists: (instruction, model, triples) ----------
def cases_shift_imm():
    cs = []
    D = triples_data()
    right = ['sshr', 'ushr', 'srshr', 'urshr', 'ssra', 'usra', 'srsra', 'ursra', 'sri']
    left = ['shl', 'sli', 'sqshl', 'uqshl', 'sqshlu']
    for op in right + left:
        for bits in (8, 16, 32, 64):
            amounts = (1, bits - 1, bits) if op in right else (0, 1, bits - 1)
            for q, arr in enumerate(ARR[bits]):
                if arr is None: continue
                n = (64 << q) // bits
                for s in amounts:
                    cs.append((f"{op} v2.{arr}, v0.{arr}, #{s}", run_same(same_imm(op), bits, n, s), D))
            if bits == 64 or op in ('sqshl', 'uqshl', 'sqshlu'):
                r = SREG[bits]
                for s in amounts:
                    cs.append((f"{op} {r}2, {r}0, #{s}", run_same(same_imm(op), bits, 1, s), D))
    return cs

def cases_shift_narrow():
    cs = []
    D = triples_data()
    for op in ['shrn', 'rshrn', 'sqshrn', 'uqshrn', 'sqrshrn', 'uqrshrn', 'sqshrun', 'sqrshrun']:
        for bits in (8, 16, 32):
            wide = ARR[2 * bits][1]
            for s in (1, bits // 2, bits):
                for q, arr in enumerate(ARR[bits]):
                    cs.append((f"{op}{'2' if q else ''} v2.{arr}, v0.{wide}, #{s}",
                               run_narrow(narrow_shift(op, s, bits), bits, 64 // bits, q), D))
                if op not in ('shrn', 'rshrn'):
                    cs.append((f"{op} {SREG[bits]}2, {SREG[2 * bits]}0, #{s}", run_narrow(narrow_shift(op, s, bits), bits, 1, False), D))
    for op in ('sshll', 'ushll'):
        for bits in (8, 16, 32):
            wide = ARR[2 * bits][1]
            for q, arr in enumerate(ARR[bits]):
                for s in (0, 1, bits - 1):
                    f = (lambda s, op, bits: lambda x, y, acc, sat: ((sx(x, bits) if op == 'sshll' else x) << s) & ones(2 * bits))(s, op, bits)
                    cs.append((f"{op}{'2' if q else ''} v2.{wide}, v0.{arr}, #{s}", run_long(f, bits, 64 // bits, q), D))
                alias = ('sxtl' if op == 'sshll' else 'uxtl') + ('2' if q else '')
                f0 = (lambda op, bits: lambda x, y, acc, sat: (sx(x, bits) if op == 'sshll' else x) & ones(2 * bits))(op, bits)
                cs.append((f"{alias} v2.{wide}, v0.{arr}", run_long(f0, bits, 64 // bits, q), D))
    return cs

def cases_shift_reg():
    cs = []
    S = triples_shift()
    for op in ['sshl', 'ushl', 'srshl', 'urshl', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl']:
        for bits in (8, 16, 32, 64):
            for q, arr in enumerate(ARR[bits]):
                if arr is None: continue
                cs.append((f"{op} v2.{arr}, v0.{arr}, v1.{arr}", run_same(same_reg(op), bits, (64 << q) // bits, 0), S))
            if bits == 64 or op in ('sqshl', 'uqshl', 'sqrshl', 'uqrshl'):
                r = SREG[bits]
                cs.append((f"{op} {r}2, {r}0, {r}1", run_same(same_reg(op), bits, 1, 0), S))
    return cs

def cases_widen():
    cs = []
    D = triples_data()
    longs = ['saddl', 'uaddl', 'ssubl', 'usubl', 'sabdl', 'uabdl', 'sabal', 'uabal', 'smull', 'umull',
             'smlal', 'umlal', 'smlsl', 'umlsl', 'sqdmull', 'sqdmlal', 'sqdmlsl']
    for op in longs:
        for bits in (8, 16, 32):
            if op.startswith('sqdm') and bits == 8: continue
            wide = ARR[2 * bits][1]
            for q, arr in enumerate(ARR[bits]):
                cs.append((f"{op}{'2' if q else ''} v2.{wide}, v0.{arr}, v1.{arr}", run_long(long_op(op, bits), bits, 64 // bits, q), D))
            if op.startswith('sqdm'):
                cs.append((f"{op} {SREG[2 * bits]}2, {SREG[bits]}0, {SREG[bits]}1", run_long(long_op(op, bits), bits, 1, False), D))
    for op in ['saddw', 'uaddw', 'ssubw', 'usubw']:
        for bits in (8, 16, 32):
            wide = ARR[2 * bits][1]
            for q, arr in enumerate(ARR[bits]):
                cs.append((f"{op}{'2' if q else ''} v2.{wide}, v0.{wide}, v1.{arr}", run_wide(wide_op(op, bits), bits, 64 // bits, q), D))
    return cs

def cases_widen_narrow():
    cs = []
    D = triples_data()
    for op in ['addhn', 'subhn', 'raddhn', 'rsubhn']:
        for bits in (8, 16, 32):
            wide = ARR[2 * bits][1]
            for q, arr in enumerate(ARR[bits]):
                cs.append((f"{op}{'2' if q else ''} v2.{arr}, v0.{wide}, v1.{wide}", run_narrow(hn_op(op, bits), bits, 64 // bits, q), D))
    for op in ['xtn', 'sqxtn', 'uqxtn', 'sqxtun']:
        for bits in (8, 16, 32):
            wide = ARR[2 * bits][1]
            for q, arr in enumerate(ARR[bits]):
                cs.append((f"{op}{'2' if q else ''} v2.{arr}, v0.{wide}", run_narrow(xtn_op(op, bits), bits, 64 // bits, q), D))
            if op != 'xtn':
                cs.append((f"{op} {SREG[bits]}2, {SREG[2 * bits]}0", run_narrow(xtn_op(op, bits), bits, 1, False), D))
    for bits in (8, 16, 32):
        wide = ARR[2 * bits][1]
        for q, arr in enumerate(ARR[bits]):
            f = (lambda bits: lambda x, y, acc, sat: x << bits)(bits)
            cs.append((f"shll{'2' if q else ''} v2.{wide}, v0.{arr}, #{bits}", run_long(f, bits, 64 // bits, q), D))
    return cs

def write(name, desc, cases):
    triples = []
    index = {}
    for _, _, t in cases:
        if id(t) not in index: index[id(t)] = (len(triples), len(t)); triples.extend(t)
    o = ["/* Generated by gen/simd_shift.py: do not edit. */"]
    o += ["/* " + l + " */" for l in desc.strip().split("\n")]
    o.append('#include "simd_cases.h"\n')
    for i, (insn, _, _) in enumerate(cases):
        o.append(f'OP(f{i}, "{insn}")')
    o.append("\nstatic const v128_t inputs[][3] = {")
    for a, b, d in triples:
        o.append("    { " + ", ".join(f"{{ 0x{v & ones(64):016x}, 0x{v >> 64:016x} }}" for v in (a, b, d)) + " },")
    o.append("};\n\n/* Per case and input: result low, high, FPSR.QC. */\nstatic const uint64_t expected[] = {")
    exp_index = 0
    table = []
    for i, (insn, model, t) in enumerate(cases):
        first, count = index[id(t)]
        table.append(f'    {{ "{insn}", f{i}, {first}, {count}, {exp_index} }},')
        row = []
        for a, b, d in t:
            r, qc = model(a, b, d)
            row += [f"0x{r & ones(64):x}", f"0x{r >> 64:x}", str(qc)]
        exp_index += 3 * len(t)
        o.append("    " + ", ".join(row) + ",")
    o.append("};\n\nstatic const case_t cases[] = {")
    o += table
    o.append("};")
    o.append(f"""
int main(void)
{{
    return run_simd_cases("{name}", cases, sizeof cases / sizeof cases[0], inputs, expected);
}}
""")
    open(os.path.join(OUT, name + ".c"), "w").write("\n".join(o))

write("simd_shift_imm", """AdvSIMD shifts by immediate, same size: SHL, SSHR, USHR, SRSHR, URSHR,
SSRA, USRA, SRSRA, URSRA, SRI, SLI, SQSHL, UQSHL, SQSHLU; every arrangement
and the scalar forms, shifts 0/1/esize-1/esize, FPSR.QC.""", cases_shift_imm())
write("simd_shift_narrow", """AdvSIMD narrowing and lengthening shifts by immediate: SHRN, RSHRN,
SQSHRN, UQSHRN, SQRSHRN, UQRSHRN, SQSHRUN, SQRSHRUN (and the 2 and scalar
forms), SSHLL, USHLL, SXTL, UXTL (and 2); FPSR.QC.""", cases_shift_narrow())
write("simd_shift_reg", """AdvSIMD shifts by register: SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL,
SQRSHL, UQRSHL, every arrangement and scalar form, shifts 0, 1, esize-1,
esize, negative, beyond esize, -128 and 127; FPSR.QC.""", cases_shift_reg())
write("simd_widen", """AdvSIMD three different, long and wide: SADDL, UADDL, SSUBL, USUBL, SABDL,
UABDL, SABAL, UABAL, SMULL, UMULL, SMLAL, UMLAL, SMLSL, UMLSL, SQDMULL,
SQDMLAL, SQDMLSL (and 2, and scalar), SADDW, UADDW, SSUBW, USUBW (and 2).""", cases_widen())
write("simd_widen_narrow", """AdvSIMD narrowing: ADDHN, SUBHN, RADDHN, RSUBHN, XTN, SQXTN, UQXTN,
SQXTUN (and 2, and the scalar forms), and SHLL/SHLL2; FPSR.QC.""", cases_widen_narrow())
