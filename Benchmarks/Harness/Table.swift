// armature-bench: the result table's formatting.

import Foundation

// MARK: - Table formatting

func fmtTime(_ s: Double?) -> String { s.map { String(format: "%.3f", $0) } ?? "-" }
func fmtMIPS(_ m: Double?) -> String {
    guard let m else { return "-" }
    return m >= 100 ? String(format: "%.0f", m) : String(format: "%.1f", m)
}
func fmtRatio(_ r: Double?) -> String {
    guard let r else { return "-" }
    return r >= 10 ? String(format: "%.1fx", r) : String(format: "%.2fx", r)
}
func fmtCount(_ n: Double?) -> String {
    guard let n = n?.rounded() else { return "-" }
    if n >= 1e9 { return String(format: "%.2fG", n / 1e9) }
    if n >= 1e6 { return String(format: "%.1fM", n / 1e6) }
    if n >= 1e3 { return String(format: "%.1fk", n / 1e3) }
    return String(format: "%.0f", n)
}

/// Geometric mean over the rows; nil unless every row has a value.
func geomean(_ xs: [Double?]) -> Double? {
    let v = xs.compactMap { $0 }.filter { $0 > 0 && $0.isFinite }
    guard !v.isEmpty, v.count == xs.count else { return nil }
    return exp(v.map { log($0) }.reduce(0, +) / Double(v.count))
}

func printTable(_ header: [String], _ rows: [[String]], footerFrom: Int) {
    var width = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { width[i] = max(width[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: width[i] - c.count)
            return i == 0 ? c + pad : pad + c
        }.joined(separator: "  ")
    }
    let rule = width.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    print(line(header))
    print(rule)
    for (i, r) in rows.enumerated() {
        if i == footerFrom { print(rule) }
        print(line(r))
    }
}
