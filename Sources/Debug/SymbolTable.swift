/// The symbols of an ELF executable (its `.symtab`), to name guest addresses
/// in `-d in_asm` and `-d exec` output as QEMU does (`IN: _start`). Functions,
/// objects and plain labels count; section, file and mapping symbols (`$x`,
/// `$d`) do not.
public struct SymbolTable: Sendable {
    struct Symbol: Sendable {
        let address: UInt64
        let size: UInt64
        let name: String
    }
    /// By address; at one address, functions and global symbols first.
    let symbols: [Symbol]

    /// Reads the symbol table of an ELF64 little-endian file; empty when there
    /// is none or the file is malformed (symbols only decorate the log).
    public init(elf b: [UInt8]) {
        symbols = SymbolTable.parse(b) ?? []
    }

    public var isEmpty: Bool { symbols.isEmpty }

    /// Labels without a size name the addresses after them up to this distance.
    static let labelReach: UInt64 = 0x10000

    /// `name` at a symbol's address, `name+0x10` inside it; nil when no symbol covers `address`.
    public func name(at address: UInt64) -> String? {
        // The last symbol at or below the address.
        var lo = 0, hi = symbols.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if symbols[mid].address <= address { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        // Several symbols at that address: the first (preferred) one that covers it.
        let base = symbols[lo - 1].address
        var i = lo - 1
        while i > 0 && symbols[i - 1].address == base { i -= 1 }
        let offset = address - base
        for s in symbols[i..<lo] where offset < (s.size > 0 ? s.size : SymbolTable.labelReach) {
            return offset == 0 ? s.name : s.name + "+0x" + String(offset, radix: 16)
        }
        return nil
    }

    static func parse(_ b: [UInt8]) -> [Symbol]? {
        func u16(_ o: Int) -> Int? { o + 2 <= b.count ? Int(b[o]) | Int(b[o + 1]) << 8 : nil }
        func u32(_ o: Int) -> Int? {
            guard o + 4 <= b.count else { return nil }
            return (0..<4).reduce(0) { $0 | Int(b[o + $1]) << (8 * $1) }
        }
        func u64(_ o: Int) -> UInt64? {
            guard o + 8 <= b.count else { return nil }
            return (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) }
        }
        guard b.count >= 64, b[0] == 0x7F, b[1] == 0x45, b[2] == 0x4C, b[3] == 0x46, b[4] == 2, b[5] == 1,
              let shoff = u64(0x28), let shentsize = u16(0x3A), let shnum = u16(0x3C),
              shentsize >= 64, shoff < UInt64(b.count) else { return nil }
        var out: [(sym: Symbol, rank: Int)] = []
        for i in 0..<shnum {
            let sh = Int(shoff) + i * shentsize
            guard let type = u32(sh + 4), type == 2 /* SHT_SYMTAB */,
                  let off = u64(sh + 24), let size = u64(sh + 32), let link = u32(sh + 40),
                  link < shnum else { continue }
            let strSh = Int(shoff) + link * shentsize
            guard let strOff = u64(strSh + 24), let strSize = u64(strSh + 32),
                  strOff + strSize <= UInt64(b.count), off + size <= UInt64(b.count) else { continue }
            var p = Int(off)
            while p + 24 <= Int(off + size) {
                defer { p += 24 }
                guard let nameOff = u32(p), let value = u64(p + 8), let symSize = u64(p + 16),
                      let shndx = u16(p + 6) else { continue }
                let info = b[p + 4]
                let symType = info & 0xF, bind = info >> 4
                // NOTYPE, OBJECT, FUNC; defined in a section (not UNDEF, not ABS or COMMON).
                guard symType <= 2, shndx != 0, shndx < 0xFF00, nameOff > 0, UInt64(nameOff) < strSize else { continue }
                var e = Int(strOff) + nameOff
                let start = e
                while e < Int(strOff + strSize) && b[e] != 0 { e += 1 }
                let name = String(decoding: b[start..<e], as: UTF8.self)
                if name.isEmpty || name.hasPrefix("$") || name.hasPrefix(".L") { continue }
                let rank = (symType == 2 ? 0 : 2) + (bind == 0 ? 1 : 0)
                out.append((Symbol(address: value, size: symSize, name: name), rank))
            }
        }
        out.sort { ($0.sym.address, $0.rank, $0.sym.name) < ($1.sym.address, $1.rank, $1.sym.name) }
        return out.map(\.sym)
    }
}
