# Generates mem_lse.S: every LSE atomic (CAS, CASP, SWP, LD<op>, ST<op>) in
# every size and ordering variant, checking the returned old value, the new
# memory value and that neighbouring bytes are untouched.
import os, random
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
def ones(n): return (1<<n)-1
def sx(v,b): v&=ones(b); return v-(1<<b) if v>>(b-1) else v
SIZES={'b':8,'h':16,'w':32,'x':64}
OPS={'add':lambda m,r,b:(m+r)&ones(b),'clr':lambda m,r,b:m&~r&ones(b),'eor':lambda m,r,b:m^r,'set':lambda m,r,b:m|r,
     'smax':lambda m,r,b:m if sx(m,b)>=sx(r,b) else r,'smin':lambda m,r,b:m if sx(m,b)<=sx(r,b) else r,
     'umax':lambda m,r,b:max(m,r),'umin':lambda m,r,b:min(m,r)}
ORD=['','a','l','al']
GUARD=0xa5a5a5a5a5a5a5a5
rnd=random.Random(2024)
def vals(b):
    base=[0,1,ones(b),1<<(b-1),ones(b-1),0x5a&ones(b),(0x1234567890abcdef)&ones(b)]
    return base
def mn(op,order,sz):
    s='' if sz in 'wx' else sz
    return f"{op}{order}{s}"
L=[]
def setmem(m,sz):
    # slot: 16 bytes at x9 (8-aligned); the operand lives at x9+off (naturally aligned)
    return f"""    ldr     x10, ={hex(GUARD)}
    stp     x10, x10, [x9]
    ldr     x11, ={hex(m)}
    {'strb' if sz=='b' else 'strh' if sz=='h' else 'str'}    {'x11' if sz=='x' else 'w11'}, [x20]"""
def expmem(new,sz,off):
    b=SIZES[sz]
    full=(GUARD & ~(ones(b)<<(8*off)) | (new<<(8*off))) & ones(64)
    return full
cnt=0
for sz,b in SIZES.items():
    off={'b':3,'h':2,'w':4,'x':0}[sz]
    r='x' if sz=='x' else 'w'
    L.append(f"    add     x20, x9, #{off}        // operand address for size {sz}")
    for op,fn in OPS.items():
        vs=vals(b)
        pairs=[(m,rr) for m in vs for rr in vs]
        rnd.shuffle(pairs)
        for i,(m,rv) in enumerate(pairs[:10]):
            order=ORD[i%4]
            new=fn(m,rv,b)
            L.append(setmem(m,sz))
            L.append(f"""    ldr     x1, ={hex(rv | (0xdead000000000000 if sz!='x' else 0))}
    ldr     x0, =0xdeadbeefdeadbeef
    ld{mn(op,order,sz):<9} {r}1, {r}0, [x20]
    CHECKX  x0, {hex(m)}, "ld{mn(op,order,sz)} {hex(m)},{hex(rv)} old"
    ldr     x2, [x9]
    CHECKQ  x2, {hex(expmem(new,sz,off))}, "ld{mn(op,order,sz)} {hex(m)},{hex(rv)} mem"
    ldr     x2, [x9, #8]
    CHECKQ  x2, {hex(GUARD)}, "ld{mn(op,order,sz)} guard\"""")
            cnt+=1
        # ST<op> alias (no register result): plain and L forms
        m,rv=vs[2],vs[5]
        new=fn(m,rv,b)
        for order in ('','l'):
            L.append(setmem(m,sz))
            L.append(f"""    ldr     x1, ={hex(rv)}
    st{mn(op,order,sz):<9} {r}1, [x20]
    ldr     x2, [x9]
    CHECKX  x2, {hex(expmem(new,sz,off))}, "st{mn(op,order,sz)} {hex(m)},{hex(rv)} mem\"""")
    # SWP
    for i,(m,rv) in enumerate([(ones(b),0),(0x5a&ones(b),1<<(b-1)),(0,ones(b)),(1,1)]):
        order=ORD[i%4]
        L.append(setmem(m,sz))
        L.append(f"""    ldr     x1, ={hex(rv)}
    ldr     x0, =0xdeadbeefdeadbeef
    swp{order}{'' if sz in 'wx' else sz:<6} {r}1, {r}0, [x20]
    CHECKX  x0, {hex(m)}, "swp{order}{'' if sz in 'wx' else sz} old"
    ldr     x2, [x9]
    CHECKX  x2, {hex(expmem(rv,sz,off))}, "swp{order}{'' if sz in 'wx' else sz} mem\"""")
    # CAS: success and failure for each ordering
    for i,order in enumerate(ORD):
        m=(0x1234567890abcdef>>i)&ones(b); new=(~m)&ones(b)
        for succeed in (True,False):
            cmpv = m if succeed else (m^1)
            L.append(setmem(m,sz))
            L.append(f"""    ldr     x0, ={hex(cmpv | (0xbeef000000000000 if sz!='x' else 0))}
    ldr     x1, ={hex(new)}
    cas{order}{'' if sz in 'wx' else sz:<6} {r}0, {r}1, [x20]
    CHECKX  x0, {hex(m)}, "cas{order}{'' if sz in 'wx' else sz} {'match' if succeed else 'mismatch'} old"
    ldr     x2, [x9]
    CHECKX  x2, {hex(expmem(new if succeed else m,sz,off))}, "cas{order}{'' if sz in 'wx' else sz} {'match' if succeed else 'mismatch'} mem\"""")
# CASP (W and X pairs), even register pairs
for order in ORD:
    for succeed in (True,False):
        L.append(f"""    ldr     x10, =0x1111111111111111
    ldr     x11, =0x2222222222222222
    stp     x10, x11, [x9]
    ldr     x4, ={'0x1111111111111111' if succeed else '0x1111111111111112'}
    ldr     x5, =0x2222222222222222
    ldr     x6, =0x3333333333333333
    ldr     x7, =0x4444444444444444
    casp{order:<4} x4, x5, x6, x7, [x9]
    CHECKX  x4, 0x1111111111111111, "casp{order} {'match' if succeed else 'mismatch'} old lo"
    CHECKX  x5, 0x2222222222222222, "casp{order} {'match' if succeed else 'mismatch'} old hi"
    ldp     x2, x3, [x9]
    CHECKX  x2, {'0x3333333333333333' if succeed else '0x1111111111111111'}, "casp{order} mem lo"
    CHECKX  x3, {'0x4444444444444444' if succeed else '0x2222222222222222'}, "casp{order} mem hi"
    ldr     x10, =0x8888888877777777
    str     x10, [x9]
    ldr     x4, ={'0xdead000077777777' if succeed else '0x77777777'}
    ldr     x5, ={'0xdead000088888888' if succeed else '0x88888887'}
    mov     w6, #0x1234
    mov     w7, #0x5678
    casp{order:<4} w4, w5, w6, w7, [x9]
    CHECKX  x4, 0x77777777, "casp{order} w {'match' if succeed else 'mismatch'} old lo"
    CHECKX  x5, 0x88888888, "casp{order} w {'match' if succeed else 'mismatch'} old hi"
    ldr     x2, [x9]
    CHECKX  x2, {'0x0000567800001234' if succeed else '0x8888888877777777'}, "casp{order} w mem\"""")
src = """// LSE atomics (FEAT_LSE): LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN
// returning the old value (zero-extended into W for B/H), in B/H/W/X and every
// ordering (-, A, L, AL); the ST<op> aliases; SWP; CAS (match and mismatch,
// the compare uses only the low bits for B/H/W); CASP (W and X pairs).
// Signed 8/16-bit max/min compare as signed bytes/halfwords. Neighbouring
// bytes (guard 0xa5) must be untouched. Expected values from a Python model.
// Generated by gen/lse.py.
#include "asmtest.h"
    .arch armv8.1-a+lse

TEST_BEGIN
    adrp    x9, abuf
    add     x9, x9, :lo12:abuf
""" + "\n".join(L) + """
TEST_END mem_lse

    .bss
    .balign 16
abuf:
    .skip   64
"""
open(os.path.join(OUT,'mem_lse.S'),'w').write(src)
print(cnt)
