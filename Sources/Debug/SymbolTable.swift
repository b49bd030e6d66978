import ELF

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

    /// The symbols worth naming an address by, through the loader's checked
    /// ELF reader (Board/ELFFile.swift): nil when the file is not ELF64 LE.
    static func parse(_ b: [UInt8]) -> [Symbol]? {
        guard let elf = try? ELFFile(bytes: b, name: "") else { return nil }
        var out: [(sym: Symbol, rank: Int)] = []
        // Names by their place in the file, made once each; a file whose names
        // would take more than twice its own size (symbols pointing into one long
        // string at every offset) keeps the symbols read until then.
        var names: [Int: String] = [:]
        var nameBytes = 0
        let nameBudget = 2 * b.count + (1 << 20)
        for s in elf.symbols() {
            // NOTYPE, OBJECT, FUNC; defined in a section (not UNDEF, not ABS or COMMON).
            guard s.type <= 2, s.sectionIndex != 0, s.sectionIndex < 0xFF00 else { continue }
            let name: String
            if let known = names[s.nameStart] {
                name = known
            } else {
                nameBytes += s.nameEnd - s.nameStart
                if nameBytes > nameBudget { break }
                name = elf.name(of: s)
                names[s.nameStart] = name
            }
            if name.isEmpty || name.hasPrefix("$") || name.hasPrefix(".L") { continue }
            let rank = (s.type == 2 ? 0 : 2) + (s.binding == 0 ? 1 : 0)
            out.append((Symbol(address: s.value, size: s.size, name: name), rank))
        }
        out.sort { ($0.sym.address, $0.rank, $0.sym.name) < ($1.sym.address, $1.rank, $1.sym.name) }
        return out.map(\.sym)
    }
}
