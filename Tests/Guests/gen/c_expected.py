# Expected values for c_sort_hash.c (prints them; paste into the C source).
M64=(1<<64)-1
def lcg():
    s=12345
    while True:
        s=(s*6364136223846793005+1442695040888963407)&M64
        yield (s>>33)&0xffffffff
g=lcg(); N=600
a=[next(g) for _ in range(N)]
def fnv(bs):
    h=0xcbf29ce484222325
    for b in bs: h=((h^b)*0x100000001b3)&M64
    return h
def tobytes(arr): return b''.join(x.to_bytes(4,'little') for x in arr)
print('fnv unsorted', hex(fnv(tobytes(a))))
s=sorted(a)
print('min',hex(s[0]),'max',hex(s[-1]),'median',hex(s[N//2]))
print('fnv sorted',hex(fnv(tobytes(s))))
def sx(v): return v-(1<<32) if v>>31 else v
b=[x^(0x80000000 if i&1 else 0) for i,x in enumerate(s)]
bs=sorted(b,key=sx)
print('signed min',hex(bs[0]),'signed max',hex(bs[-1]),'fnv signed',hex(fnv(tobytes(bs))))
import zlib
tab=[]
for i in range(256):
    c=i
    for k in range(8): c=(c>>1)^0xEDB88320 if c&1 else c>>1
    tab.append(c)
print('tab1',hex(tab[1]),'tab255',hex(tab[255]),'crc sorted',hex(zlib.crc32(tobytes(s))))
M=0xffffffff
def op(sel,x):
    sel&=15
    if sel==0: return (x+1)&M
    if sel==1: return x^0x5a5a5a5a
    if sel==2: return ((x<<3)|(x>>29))&M
    if sel==3: return (x*3)&M
    if sel==4: return (~x)&M
    if sel==5: return (x-7)&M
    if sel==6: return x>>1
    if sel==7: return x|0x80000001
    if sel==8: return x&0x0ff00ff0
    if sel==9: return (x*x)&M
    if sel==10: return (x+(x>>16))&M
    if sel==11: return (sx(x)>>4)&M
    if sel==12: return (x^(x<<7))&M
    if sel==13: return x//3
    if sel==14: return x%1000
    return x
x=0x12345678
for i in range(1000): x=op(s[i%N]^i,x)
print('switch digest',hex(x))
