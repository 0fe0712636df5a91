import Foundation

/// Formatting of benchmark figures for `bench benchmark`.
public enum BenchmarkReport {
    /// One flat JSON object, keys in the order of `figures`, numbers as JSON numbers.
    public static func json(_ figures: [BenchmarkFigure]) -> String {
        let body = figures.map { f -> String in
            let v = f.value.isFinite ? (f.value == f.value.rounded() && abs(f.value) < 1e15
                                        ? String(Int64(f.value)) : String(f.value)) : "null"
            return "  \"\(f.key)\": \(v)"
        }
        return "{\n" + body.joined(separator: ",\n") + "\n}"
    }

    /// A human-readable table: label, value with unit, key.
    public static func table(_ figures: [BenchmarkFigure]) -> String {
        let labelWidth = figures.map(\.label.count).max() ?? 0
        return figures.map { f in
            let value = f.value >= 1e5 ? String(format: "%.3g", f.value)
                : (f.value == f.value.rounded() ? String(Int64(f.value)) : String(format: "%.3f", f.value))
            return f.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  "
                + (value + " " + f.unit).padding(toLength: 20, withPad: " ", startingAt: 0) + "  " + f.key
        }.joined(separator: "\n")
    }
}
