import Foundation

/// A small x-y chart drawn as inline SVG: axes with round ticks, labels, and the few marks the
/// report needs (lines, points, error bars, bars, shaded bands, horizontal segments).
///
/// Values outside the axis ranges are clamped to the plot area, so a wild interval shows as a
/// segment running into the frame instead of escaping it. Output is well-formed XML (every text
/// escaped), so the report parses as XHTML.
struct SVGChart {
    var width = 560.0
    var height = 300.0
    var title: String
    var xLabel: String
    var yLabel: String
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    private var marks: [String] = []
    private var legend: [(String, String)] = []

    let left = 62.0, right = 16.0, top = 44.0, bottom = 46.0

    init(title: String, xLabel: String, yLabel: String, x: ClosedRange<Double>, y: ClosedRange<Double>,
         width: Double = 560, height: Double = 300) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        xRange = SVGChart.widened(x)
        yRange = SVGChart.widened(y)
        self.width = width
        self.height = height
    }

    /// A range of positive length (a point becomes a small range around it).
    static func widened(_ r: ClosedRange<Double>) -> ClosedRange<Double> {
        guard r.lowerBound.isFinite, r.upperBound.isFinite else { return 0...1 }
        if r.upperBound > r.lowerBound { return r }
        let pad = max(abs(r.lowerBound) * 0.05, 0.5)
        return (r.lowerBound - pad)...(r.upperBound + pad)
    }

    /// The smallest and largest finite value, padded by `fraction` of the span.
    static func extent(_ values: [Double], padding fraction: Double = 0.05) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        let pad = (hi - lo) * fraction
        return widened((lo - pad)...(hi + pad))
    }

    // MARK: Coordinates

    var plotWidth: Double { width - left - right }
    var plotHeight: Double { height - top - bottom }

    func px(_ x: Double) -> Double {
        let t = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        return left + plotWidth * min(max(t.isNaN ? 0 : t, 0), 1)
    }

    func py(_ y: Double) -> Double {
        let t = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return top + plotHeight * (1 - min(max(t.isNaN ? 0 : t, 0), 1))
    }

    static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    // MARK: Marks

    /// A polyline through the finite points.
    mutating func line(_ points: [(Double, Double)], color: String, width: Double = 1.5, dashed: Bool = false) {
        let p = points.filter { $0.0.isFinite && $0.1.isFinite }.map { "\(SVGChart.n(px($0.0))),\(SVGChart.n(py($0.1)))" }
        guard p.count > 1 else { return }
        marks.append("<polyline points=\"\(p.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" "
                      + "stroke-width=\"\(width)\"\(dashed ? " stroke-dasharray=\"5,4\"" : "")/>")
    }

    /// A horizontal line across the plot at `y`.
    mutating func horizontalRule(_ y: Double, color: String, dashed: Bool = true) {
        line([(xRange.lowerBound, y), (xRange.upperBound, y)], color: color, width: 1.2, dashed: dashed)
    }

    /// A vertical line across the plot at `x`.
    mutating func verticalRule(_ x: Double, color: String, dashed: Bool = true) {
        line([(x, yRange.lowerBound), (x, yRange.upperBound)], color: color, width: 1.2, dashed: dashed)
    }

    /// Dots at the finite points.
    mutating func points(_ points: [(Double, Double)], color: String, radius: Double = 3, title: String? = nil) {
        for (x, y) in points where x.isFinite && y.isFinite {
            marks.append("<circle cx=\"\(SVGChart.n(px(x)))\" cy=\"\(SVGChart.n(py(y)))\" r=\"\(radius)\" fill=\"\(color)\">"
                         + (title.map { "<title>\(HTMLText.escape($0))</title>" } ?? "") + "</circle>")
        }
    }

    /// A segment from (x0, y0) to (x1, y1).
    mutating func segment(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, color: String,
                          width: Double = 1.2, dashed: Bool = false) {
        guard x0.isFinite || x1.isFinite, y0.isFinite || y1.isFinite else { return }
        let a = x0.isFinite ? x0 : (x0 < 0 ? xRange.lowerBound : xRange.upperBound)
        let b = x1.isFinite ? x1 : (x1 < 0 ? xRange.lowerBound : xRange.upperBound)
        marks.append("<line x1=\"\(SVGChart.n(px(a)))\" y1=\"\(SVGChart.n(py(y0)))\" x2=\"\(SVGChart.n(px(b)))\" "
                     + "y2=\"\(SVGChart.n(py(y1)))\" stroke=\"\(color)\" stroke-width=\"\(width)\""
                     + (dashed ? " stroke-dasharray=\"3,3\"" : "") + "/>")
    }

    /// A vertical error bar with caps at `x` from `low` to `high`.
    mutating func errorBar(x: Double, low: Double, high: Double, color: String) {
        guard low.isFinite, high.isFinite, x.isFinite else { return }
        segment(x, low, x, high, color: color)
        let cap = (xRange.upperBound - xRange.lowerBound) * 0.006
        segment(x - cap, low, x + cap, low, color: color)
        segment(x - cap, high, x + cap, high, color: color)
    }

    /// A filled rectangle between x0...x1 and y0...y1 (bars, bands).
    mutating func rect(x0: Double, x1: Double, y0: Double, y1: Double, fill: String, opacity: Double = 1) {
        guard [x0, x1, y0, y1].allSatisfy(\.isFinite) else { return }
        let a = px(min(x0, x1)), b = px(max(x0, x1)), c = py(max(y0, y1)), d = py(min(y0, y1))
        marks.append("<rect x=\"\(SVGChart.n(a))\" y=\"\(SVGChart.n(c))\" width=\"\(SVGChart.n(max(b - a, 0.5)))\" "
                     + "height=\"\(SVGChart.n(max(d - c, 0)))\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\"/>")
    }

    /// A histogram of `values` in `bins` equal bins over the x range, as bars of counts.
    mutating func histogram(_ edges: [Double], counts: [Int], fill: String) {
        for (i, c) in counts.enumerated() where c > 0 {
            rect(x0: edges[i], x1: edges[i + 1], y0: 0, y1: Double(c), fill: fill, opacity: 0.8)
        }
    }

    /// Adds an entry to the legend.
    mutating func key(_ label: String, color: String) { legend.append((label, color)) }

    // MARK: Rendering

    /// About `count` round tick values covering `range` (steps of 1, 2 or 5 times a power of 10).
    static func ticks(_ range: ClosedRange<Double>, count: Int = 5) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / Double(max(count, 1))
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var t = (range.lowerBound / step).rounded(.up) * step
        var out: [Double] = []
        while t <= range.upperBound + step * 1e-9, out.count < 50 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e6 { return String(Int(v)) }
        if abs(v) >= 0.01 && abs(v) < 1e5 {
            var s = String(format: "%.4f", v)
            while s.hasSuffix("0") { s.removeLast() }
            return s
        }
        return String(format: "%.2e", v)
    }

    /// The chart as an `<svg>` element.
    func render() -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
        s += "<title>\(HTMLText.escape(title))</title>"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#ffffff\"/>"
        s += "<text x=\"\(SVGChart.n(width / 2))\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">"
            + HTMLText.escape(title) + "</text>"
        let x0 = left, x1 = width - right, y0 = top, y1 = height - bottom
        for t in SVGChart.ticks(xRange) {
            let x = SVGChart.n(px(t))
            s += "<line x1=\"\(x)\" y1=\"\(SVGChart.n(y0))\" x2=\"\(x)\" y2=\"\(SVGChart.n(y1))\" stroke=\"#edf2f7\"/>"
            s += "<text x=\"\(x)\" y=\"\(SVGChart.n(y1 + 15))\" text-anchor=\"middle\">\(SVGChart.label(t))</text>"
        }
        for t in SVGChart.ticks(yRange) {
            let y = SVGChart.n(py(t))
            s += "<line x1=\"\(SVGChart.n(x0))\" y1=\"\(y)\" x2=\"\(SVGChart.n(x1))\" y2=\"\(y)\" stroke=\"#edf2f7\"/>"
            s += "<text x=\"\(SVGChart.n(x0 - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(SVGChart.label(t))</text>"
        }
        s += marks.joined()
        s += "<rect x=\"\(SVGChart.n(x0))\" y=\"\(SVGChart.n(y0))\" width=\"\(SVGChart.n(plotWidth))\" "
            + "height=\"\(SVGChart.n(plotHeight))\" fill=\"none\" stroke=\"#4a5568\"/>"
        s += "<text x=\"\(SVGChart.n((x0 + x1) / 2))\" y=\"\(SVGChart.n(height - 10))\" text-anchor=\"middle\">"
            + HTMLText.escape(xLabel) + "</text>"
        s += "<text x=\"14\" y=\"\(SVGChart.n((y0 + y1) / 2))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 14 \(SVGChart.n((y0 + y1) / 2)))\">" + HTMLText.escape(yLabel) + "</text>"
        // The legend sits in the band between the title and the plot, so it never hides data.
        var lx = x0
        for (label, color) in legend {
            s += "<rect x=\"\(SVGChart.n(lx))\" y=\"26\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            s += "<text x=\"\(SVGChart.n(lx + 14))\" y=\"35\">\(HTMLText.escape(label))</text>"
            lx += 24 + Double(label.count) * 6
        }
        return s + "</svg>"
    }
}

/// Escaping for text placed in the report's XHTML and SVG.
enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as entities XML knows; control characters dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(u)
            case _ where u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value): continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
