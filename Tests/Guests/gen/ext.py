M=(1<<64)-1; M32=(1<<32)-1
def sx(v,b): v&=(1<<b)-1; return v-(1<<b) if v>>(b-1) else v
x1=0x1000; x2=0x0123456789abcdef
ext={'uxtb':x2&0xff,'uxth':x2&0xffff,'uxtw':x2&M32,'uxtx':x2,'sxtb':sx(x2,8),'sxth':sx(x2,16),'sxtw':sx(x2,32),'sxtx':sx(x2,64)}
lines=[]
for i,(e,v) in enumerate(ext.items()):
    reg='x2' if e.endswith('x') else 'w2'
    for sh in range(5):
        lines.append(f"    add     x0, x1, {reg}, {e} #{sh}\n    CHECKX  x0, {hex((x1+(v<<sh))&M)}, \"add x {e} #{sh}\"")
    sh=i%5
    lines.append(f"    sub     x0, x1, {reg}, {e} #{sh}\n    CHECKX  x0, {hex((x1-(v<<sh))&M)}, \"sub x {e} #{sh}\"")
    lines.append(f"    add     w0, w1, w2, {e} #{sh}\n    CHECKX  x0, {hex((x1+(v<<sh))&M32)}, \"add w {e} #{sh}\"")
    lines.append(f"    sub     w0, w1, w2, {e} #{(sh+2)%5}\n    CHECKX  x0, {hex((x1-(v<<((sh+2)%5)))&M32)}, \"sub w {e} #{(sh+2)%5}\"")
def flags(a,b,sub,bits):
    m=(1<<bits)-1
    a&=m; b&=m
    if sub: b2=(~b)&m; cin=1
    else: b2=b; cin=0
    r=a+b2+cin
    res=r&m
    n=res>>(bits-1); z=int(res==0); c=r>>bits
    sa=sx(a,bits); sb=sx(b2,bits); v=int(sa+sb+cin != sx(res,bits))
    return (n<<3)|(z<<2)|(c<<1)|v, res
fl=[]
for (a,e,sh,sub,bits) in [(0x10ef,'uxtb',0,1,64),(0x10ee,'uxtb',0,1,64),(0xfef,'sxtb',0,1,64),(0x11,'sxtb',0,0,64),(0x10,'sxtb',0,0,64),
                          (0x7654,'sxth',1,0,32),(0x1000,'sxtw',2,1,32),(0x1000,'sxtw',2,1,64),(0x0,'uxtw',0,0,64),(0x8000000000000000,'sxtx',0,1,64),(0x1,'uxth',4,1,32)]:
    v=ext[e]<<sh
    f,res=flags(a,v,sub,bits)
    reg='x2' if e.endswith('x') else 'w2'
    d='x' if bits==64 else 'w'
    op='subs' if sub else 'adds'
    fl.append(f"    ldr     x3, ={hex(a)}\n    {op}    {d}0, {d}3, {reg if bits==64 else 'w2'}, {e} #{sh}\n    CHECK_NZCV {hex(f)}, \"{op} {d} {hex(a)} {e} #{sh} flags\"\n    CHECKX  x0, {hex(res)}, \"{op} {d} {hex(a)} {e} #{sh}\"")
src=f"""// ADD/ADDS/SUB/SUBS (extended register): UXTB..SXTX with shift 0..4, 32- and
// 64-bit, SP as source and destination (Rd=31 is SP for ADD/SUB, XZR for
// ADDS/SUBS; Rn=31 is SP). Expected values computed independently (Python).
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    mov     x1, #{hex(x1)}
    ldr     x2, ={hex(x2)}
""" + "\n".join(lines) + "\n\n    // flags\n" + "\n".join(fl) + f"""

    // SP as an operand
    mov     x19, sp
    add     x0, sp, w2, uxtb
    sub     x0, x0, x19
    CHECKX  x0, 0xef, "add x0, sp, w2, uxtb"
    add     x0, sp, x1, lsl #3          // UXTX #3 (LSL alias with SP)
    sub     x0, x0, x19
    CHECKX  x0, 0x8000, "add x0, sp, x1, lsl #3"
    add     x0, sp, w2, sxtb #2
    sub     x0, x19, x0
    CHECKX  x0, 68, "add x0, sp, w2, sxtb #2"
    sub     sp, sp, x1                  // SUB sp, sp, x1, UXTX
    mov     x0, sp
    sub     x0, x19, x0
    CHECKX  x0, 0x1000, "sub sp, sp, x1"
    add     sp, sp, w1, uxth
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "add sp, sp, w1, uxth"
    mov     x4, #0x20
    sub     x5, x19, #0x20
    add     sp, x5, x4, uxtx            // Rd = SP, Rn = x5 (extended form)
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "add sp, x5, x4, uxtx"
    cmp     sp, x19                     // SUBS xzr, sp, x19, UXTX
    CHECK_NZCV 0x6, "cmp sp, x19 flags"
    cmp     sp, w2, uxtb
    CHECK_NZCV 0x2, "cmp sp, w2, uxtb flags"
    adds    x0, sp, x1, uxtx #1
    CHECK_NZCV 0x0, "adds x0, sp, x1, uxtx #1 flags"
    sub     x0, x0, x19
    CHECKX  x0, 0x2000, "adds x0, sp, x1, uxtx #1"
    add     w0, wsp, w1, uxtw
    mov     w3, w19
    add     w3, w3, #0x1000
    sub     x0, x0, x3
    CHECKX  x0, 0, "add w0, wsp, w1, uxtw"
TEST_END alu_addsub_ext
"""
open('Tests/Guests/alu_addsub_ext.S','w').write(src)
