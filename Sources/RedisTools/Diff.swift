// A line diff for people: what `walk --check` prints when a run's trace differs from the golden.
//
// The longest common subsequence of the two line lists decides which lines are kept; the rest
// are printed as `-` (only in the golden trace) and `+` (only in this run), with three lines of
// context around each change, in the spirit of `diff -u`.
//
// SIMPLIFICATION: a plain dynamic-programming LCS after trimming the common head and tail
// (traces are hundreds of lines); `diff` uses Myers's O(ND) algorithm. A middle part too large
// for the table is shown as all removed, then all added.

/// One line of a diff.
public enum DiffLine: Equatable {
    /// In both.
    case same(String)
    /// Only in the old lines (the golden trace).
    case removed(String)
    /// Only in the new lines (this run).
    case added(String)
}

/// The edit script that turns `old` into `new`.
public func diffLines(_ old: [String], _ new: [String]) -> [DiffLine] {
    var head = 0
    while head < old.count && head < new.count && old[head] == new[head] { head += 1 }
    var tail = 0
    while tail < old.count - head && tail < new.count - head && old[old.count - 1 - tail] == new[new.count - 1 - tail] {
        tail += 1
    }
    let a = Array(old[head..<(old.count - tail)]), b = Array(new[head..<(new.count - tail)])
    var middle: [DiffLine] = []
    if a.count * b.count > 4_000_000 {
        middle = a.map { .removed($0) } + b.map { .added($0) }
    } else {
        // lcs[i][j]: the length of the LCS of a[i...] and b[j...].
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count && j < b.count && a[i] == b[j] {
                middle.append(.same(a[i])); i += 1; j += 1
            } else if i < a.count && (j == b.count || lcs[i + 1][j] >= lcs[i][j + 1]) {
                // On a tie, the removal first: `- old` above `+ new`, as diff prints them.
                middle.append(.removed(a[i])); i += 1
            } else {
                middle.append(.added(b[j])); j += 1
            }
        }
    }
    return old[..<head].map { .same($0) } + middle + old[(old.count - tail)...].map { .same($0) }
}

/// The diff as text: `@@` hunks with `context` lines around each change; empty when equal.
/// - Parameters:
///   - oldName: what the `-` side is (`golden`).
///   - newName: what the `+` side is (`this run`).
public func unifiedDiff(_ old: [String], _ new: [String], oldName: String, newName: String, context: Int = 3) -> [String] {
    let script = diffLines(old, new)
    let changed = script.indices.filter { if case .same = script[$0] { return false }; return true }
    guard !changed.isEmpty else { return [] }
    var out = ["--- \(oldName)", "+++ \(newName)"]
    // Group changes whose context overlaps into one hunk.
    var hunks: [ClosedRange<Int>] = []
    for c in changed {
        let r = max(0, c - context)...min(script.count - 1, c + context)
        if let last = hunks.last, r.lowerBound <= last.upperBound + 1 {
            hunks[hunks.count - 1] = last.lowerBound...r.upperBound
        } else {
            hunks.append(r)
        }
    }
    for h in hunks {
        // Line numbers (1-based) where the hunk starts on each side.
        var oldLine = 1, newLine = 1
        for k in 0..<h.lowerBound {
            switch script[k] {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        out.append("@@ \(oldName) line \(oldLine), \(newName) line \(newLine) @@")
        for k in h {
            switch script[k] {
            case .same(let s): out.append("  " + s)
            case .removed(let s): out.append("- " + s)
            case .added(let s): out.append("+ " + s)
            }
        }
    }
    return out
}
