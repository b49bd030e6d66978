/// What the host CPU offers beyond x86-64's SSE2, read once by the JIT at
/// start-up (`cpuid` leaves 1 and 7; XGETBV for the OS's AVX state): the
/// JIT's SSE paths need SSE4.1 and emit SSE4.2's PCMPGTQ, FMA3, AES-NI,
/// PCLMULQDQ and SHA-NI only where present.
public struct HostFeatures: Sendable, Equatable {
    public var ssse3 = false
    public var sse41 = false
    public var sse42 = false
    /// FMA3 with the OS saving the YMM state (XCR0 bits 1 and 2).
    public var fma = false
    /// AES-NI (AESENC, AESENCLAST, AESDEC, AESDECLAST, AESIMC).
    public var aes = false
    /// PCLMULQDQ (carry-less 64×64 multiply).
    public var pclmul = false
    /// SHA-NI (SHA1RNDS4..., SHA256RNDS2, SHA256MSG1/2).
    public var sha = false

    public init() {}

    /// From cpuid(1).ECX, XCR0 (0 when OSXSAVE is clear) and cpuid(7, 0).EBX
    /// (0 when leaf 7 is missing).
    public init(cpuid1ECX ecx: UInt32, xcr0: UInt64, cpuid7EBX ebx7: UInt32 = 0) {
        sha = ebx7 & (1 << 29) != 0
        ssse3 = ecx & (1 << 9) != 0
        sse41 = ecx & (1 << 19) != 0
        sse42 = ecx & (1 << 20) != 0
        aes = ecx & (1 << 25) != 0
        pclmul = ecx & (1 << 1) != 0
        let osAVX = ecx & (1 << 27) != 0 && ecx & (1 << 28) != 0 && xcr0 & 6 == 6
        fma = ecx & (1 << 12) != 0 && osAVX
    }

    /// A System V function returning cpuid(1).ECX in bits 31:0, XCR0's bits
    /// 30:0 (0 without OSXSAVE) in bits 62:32 and cpuid(7, 0).EBX bit 29
    /// (SHA) in bit 63.
    public static func emitProbe(_ a: X64Assembler) {
        let noXSave = a.newLabel(), done = a.newLabel()
        a.push(.rbx)                                  // cpuid writes rbx
        a.mov(.rax, imm: 1)
        a.alu(.xor, .rcx, .rcx, .d)
        a.emitBytes([0x0F, 0xA2])                     // cpuid
        a.mov(.r8, .rcx, .d)
        a.alu(.xor, .rax, .rax, .d)
        a.bt(.r8, imm: 27, .d)                        // OSXSAVE
        a.jcc(.ae, noXSave)
        a.alu(.xor, .rcx, .rcx, .d)
        a.emitBytes([0x0F, 0x01, 0xD0])               // xgetbv: edx:eax = XCR0
        a.bind(noXSave)
        a.alu(.and, .rax, imm: 0x7FFF_FFFF, .d)
        a.shift(.shl, .rax, imm: 32, .q)
        a.alu(.or, .rax, .r8, .q)
        a.mov(.r9, .rax, .q)
        a.alu(.xor, .rax, .rax, .d)
        a.emitBytes([0x0F, 0xA2])                     // cpuid(0): eax = the highest leaf
        a.alu(.cmp, .rax, imm: 7, .d)
        a.jcc(.b, done)
        a.mov(.rax, imm: 7)
        a.alu(.xor, .rcx, .rcx, .d)
        a.emitBytes([0x0F, 0xA2])                     // cpuid(7, 0)
        a.bt(.rbx, imm: 29, .d)                       // SHA
        a.jcc(.ae, done)
        a.mov(.rax, imm: 1 << 63)
        a.alu(.or, .r9, .rax, .q)
        a.bind(done)
        a.mov(.rax, .r9, .q)
        a.pop(.rbx)
        a.ret()
    }
}
