import Foundation

/// The output formats of `bench leaderboard`.
public enum LeaderboardFormat: String, CaseIterable, Sendable {
    /// Aligned plain text, one block per table.
    case table
    /// GitHub-flavoured markdown tables.
    case markdown
    /// RFC 4180 CSV, one row per submission and table (`challenge`, `set_manifest` columns).
    case csv
    /// A JSON array of objects with the same keys as the CSV; NaN and infinities are `null`.
    case json
}

/// Rendering leaderboards in each ``LeaderboardFormat``.
///
/// The machine formats (CSV, JSON) share one record per row with these keys, in order:
/// ```
/// rank submission kind version code_hash challenge set_manifest run score score_error
/// coverage interval failures pseudo_experiments runtime_s difference_to_next
/// difference_to_next_error difference_to_next_lower difference_to_next_upper significant_to_next
/// flags sealed coverage_95
/// ```
/// `coverage_95` is the coverage of the runs' 95% intervals (null when the run reports none).
/// JSON records end with `coverage_by_level`: the coverage at every level the run reports.
/// `sealed` is whether the table's set manifest is sealed (true) or open (false).
/// `flags` lists the run's flags as `kind: detail`, separated by `; ` (empty when none).
/// `rank` is null for reference rows and for runs with a disqualifying flag
/// (``RunFlag/excludesFromRanking``); the `*_to_next` keys are null where there is no next
/// ranked row. In CSV a null is an empty field.
extension LeaderboardTable {
    /// All tables in `format`.
    public static func render(_ tables: [LeaderboardTable], as format: LeaderboardFormat) -> String {
        switch format {
        case .table:
            return tables.map { $0.text(markdown: false) }.joined(separator: "\n")
        case .markdown:
            return tables.map { $0.text(markdown: true) }.joined(separator: "\n")
        case .csv:
            let records = tables.flatMap(\.records)
            return CSVText.text([Self.recordKeys] + records.map { $0.map { $0.1.csvField } })
        case .json:
            let array = JSONValue.array(tables.flatMap { table in
                zip(table.records, table.rows).map { record, row in
                    .object(record.map { ($0.0, $0.1.json) } + [("coverage_by_level", Self.levelsJSON(row.levels))])
                }
            })
            return array.serialized(indent: 2) + "\n"
        }
    }

    // MARK: - Machine records

    /// A row's coverage at every level (JSON only): level, n, covered, coverage, the +-3 sigma
    /// band and its status, how many results reported the level, the mean width.
    static func levelsJSON(_ levels: [LevelCoverage]) -> JSONValue {
        .array(levels.map { l in
            let c = l.coverage
            return .object([("level", .number(l.level)), ("n", .number(Double(c.n))), ("covered", .number(Double(c.covered))),
                            ("coverage", .number(c.coverage)), ("band_lower", .number(c.bandLower)),
                            ("band_upper", .number(c.bandUpper)), ("status", .string(c.status.rawValue)),
                            ("reported", .number(Double(l.reported))), ("interval", .number(l.meanWidth))])
        })
    }

    /// A cell of a machine record; nil is null.
    enum Cell {
        case int(Int?), number(Double?), text(String), bool(Bool?)

        var json: JSONValue {
            switch self {
            case .int(let x): return x.map { .number(Double($0)) } ?? .null
            case .number(let x): return JSONValue.optional(x)     // NaN, inf -> null when written
            case .text(let s): return .string(s)
            case .bool(let b): return b.map { .bool($0) } ?? .null
            }
        }

        var csvField: String {
            switch self {
            case .int(let x): return x.map(String.init) ?? ""
            case .number(let x): return x.map { $0.isFinite ? JSONValue.format($0) : "" } ?? ""
            case .text(let s): return s
            case .bool(let b): return b.map { $0 ? "true" : "false" } ?? ""
            }
        }
    }

    static let recordKeys = [
        "rank", "submission", "kind", "version", "code_hash", "challenge", "set_manifest", "run", "score",
        "score_error", "coverage", "interval", "failures", "pseudo_experiments", "runtime_s",
        "difference_to_next", "difference_to_next_error", "difference_to_next_lower",
        "difference_to_next_upper", "significant_to_next", "flags", "sealed", "coverage_95",
    ]

    var records: [[(String, Cell)]] {
        rows.map { row in
            let next = row.versusNext
            let cells: [Cell] = [
                .int(row.rank), .text(row.submission.name), .text(row.submission.kind.rawValue),
                .text(row.submission.version), .text(row.submission.codeHash), .text(challenge),
                .text(setManifestHash), .int(Int(row.run.rawValue)), .number(row.metrics.score),
                .number(row.scoreError), .number(row.metrics.coverage), .number(row.metrics.interval),
                .int(row.metrics.failures), .int(row.metrics.n), .number(row.runtimeSeconds),
                .number(next?.observed), .number(next?.standardError), .number(next?.lower),
                .number(next?.upper), .bool(next?.isSignificant),
                .text(row.flags.map(\.description).joined(separator: "; ")),
                .bool(sealed),
                .number(row.coverage(at: 0.95)?.coverage.coverage),
            ]
            return Array(zip(Self.recordKeys, cells))
        }
    }

    // MARK: - Human tables

    private static let headers = ["Rank", "Submission", "Kind", "Score", "± error", "Coverage", "Cov 95%",
                                  "Interval", "Failures", "Runtime (s)", "vs next"]
    /// Columns aligned left (text) or right (numbers).
    private static let leftAligned: Set<Int> = [1, 2, 10]

    /// The title line, the table, and the notes that explain it.
    func text(markdown: Bool) -> String {
        let title = "\(sealed ? "Sealed" : "OPEN") challenge \(challenge), set manifest \(setManifestHash): "
            + "\(pseudoExperiments) pseudo-experiments, \(rows.count) submission\(rows.count == 1 ? "" : "s")"
        let cells = rows.map(humanCells)
        var notes = ["Score: higher is better; ± error: bootstrap standard error "
            + "(\(bootstrap.replicates) replicates of sets and pseudo-experiments, seed \(bootstrap.seed))."]
        notes.append("vs next: score difference to the next rank on the same pseudo-experiments, ± its "
            + "paired-bootstrap standard error; n.s. = not significant (the \(Self.percent(confidence)) "
            + "interval of the difference contains 0).")
        notes.append(sealed
            ? "Sealed: the root seed of these pseudo-experiments derives from a secret kept only in the harness's truth file; no submission could compute a truth."
            : "OPEN: the root seed of these pseudo-experiments is public (given on the command line or a phase's published default), so anyone can recompute their truths: a practice table, never ranked together with a sealed one. A sealed ranking: bench generate of a sealed phase without --seed, then bench evaluate.")
        notes.append("Cov 95%: coverage of the 95% intervals (- when not reported; * outside 0.95 +- "
            + "\(Self.fixed(LevelCoverage.bandSigmas, 0)) sigma); every level: --levels.")
        if rows.contains(where: { $0.rank == nil && !$0.submission.kind.isRanked }) {
            notes.append("Rank -: a reference (e.g. oracle or null baseline), shown for comparison, not ranked.")
        }
        if rows.contains(where: { !$0.disqualifyingFlags.isEmpty && $0.submission.kind.isRanked }) {
            notes.append("Rank - (!): NOT RANKED: the run is flagged stateful (it gave other numbers when estimated again "
                + "in another order) or unsandboxed (the plugin ran unconfined and could read the truths, and nobody "
                + "passed --allow-unsandboxed or --sandbox disabled); shown apart and left out of the vs next comparisons.")
        }
        for row in rows where !row.flags.isEmpty {
            notes.append("Flagged (!): \(row.submission.name), run \(row.run): "
                + row.flags.map(\.description).joined(separator: "; ")
                + (row.disqualifyingFlags.isEmpty || !row.submission.kind.isRanked ? "" : " (NOT RANKED)"))
        }
        if markdown {
            func line(_ fields: [String]) -> String {
                "| " + fields.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
            }
            let rule = "|" + Self.headers.indices.map { Self.leftAligned.contains($0) ? ":---|" : "---:|" }.joined()
            return (["**\(title)**", "", line(Self.headers), rule] + cells.map(line) + [""]
                + notes.map { "_\($0)_  " }).joined(separator: "\n") + "\n"
        }
        let widths = Self.headers.indices.map { c in ([Self.headers] + cells).map { $0[c].count }.max() ?? 0 }
        func line(_ fields: [String]) -> String {
            fields.enumerated().map { c, s in
                let pad = String(repeating: " ", count: widths[c] - s.count)
                return Self.leftAligned.contains(c) ? s + pad : pad + s
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([title, line(Self.headers), rule] + cells.map(line) + notes).joined(separator: "\n") + "\n"
    }

    private func humanCells(_ row: LeaderboardRow) -> [String] {
        var versus = ""
        if let d = row.versusNext {
            versus = Self.signed(d.observed) + " ± " + Self.fixed(d.standardError, 4)
            if !d.isSignificant { versus += " n.s." }
        }
        return [row.rank.map(String.init) ?? "-", row.submission.name + (row.flags.isEmpty ? "" : " (!)"),
                row.submission.kind.rawValue,
                Self.fixed(row.metrics.score, 4), Self.fixed(row.scoreError, 4), Self.fixed(row.metrics.coverage, 3),
                row.coverage(at: 0.95).map { Self.fixed($0.coverage.coverage, 3) + ($0.coverage.status == .inside ? " " : "*") } ?? "-",
                Self.fixed(row.metrics.interval, 4), "\(row.metrics.failures)", Self.fixed(row.runtimeSeconds, 2),
                versus]
    }

    /// `x` with `digits` decimals; `nan`, `inf`, `-inf` spelled out.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)f", x)
    }

    private static func signed(_ x: Double) -> String {
        x.isFinite && x >= 0 ? "+" + fixed(x, 4) : fixed(x, 4)
    }

    static func percent(_ c: Double) -> String {
        let p = c * 100
        return (p == p.rounded() ? String(Int(p)) : String(format: "%.1f", p)) + "%"
    }
}
