/// What the host CPU offers beyond x86-64's SSE2, read once by the JIT at
/// start-up (`cpuid` leaf 1; XGETBV for the OS's AVX state): the JIT's SSE
/// paths need SSE4.1 and emit SSE4.2's PCMPGTQ, FMA3, AES-NI and PCLMULQDQ
/// only where present.
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

    public init() {}

    /// From cpuid(1).ECX and XCR0 (0 when OSXSAVE is clear).
    public init(cpuid1ECX ecx: UInt32, xcr0: UInt64) {
        ssse3 = ecx & (1 << 9) != 0
        sse41 = ecx & (1 << 19) != 0
        sse42 = ecx & (1 << 20) != 0
        aes = ecx & (1 << 25) != 0
        pclmul = ecx & (1 << 1) != 0
        let osAVX = ecx & (1 << 27) != 0 && ecx & (1 << 28) != 0 && xcr0 & 6 == 6
        fma = ecx & (1 << 12) != 0 && osAVX
    }

    /// A System V function returning cpuid(1).ECX in bits 31:0 and XCR0's low
    /// 32 bits (0 without OSXSAVE) in bits 63:32.
    public static func emitProbe(_ a: X64Assembler) {
        let noXSave = a.newLabel()
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
        a.shift(.shl, .rax, imm: 32, .q)
        a.alu(.or, .rax, .r8, .q)
        a.pop(.rbx)
        a.ret()
    }
}
