import Foundation
import PseudoExperiments

/// Histograms of a binning for every process at the nominal nuisances and along each shape
/// nuisance's grid, and the response polynomials fitted to them.
///
/// For each nuisance that acts on features (``NuisanceLayout/ShapeNuisance``), the template
/// rows are transformed at each grid value with every other nuisance at its prior's centre;
/// `1 + grid values` transforms in all. The response of process p in bin i is then fitted to
/// the log-ratios (``ResponseFit``)
/// ```
/// y_g = ln( (T_pi(x_g) + eps_p) / (T_pi(c) + eps_p) )
/// ```
/// where `eps_p` is half the mean weight of a template row of p, a floor that keeps a bin that
/// a shift empties finite.
public struct TemplateScan: Sendable {
    /// One grid value and its histograms.
    public struct Point: Sendable {
        public var value: Double
        public var histograms: TemplateSource.Histograms
    }

    public let layout: NuisanceLayout
    /// The histograms at the nominal parameters.
    public let nominal: TemplateSource.Histograms
    /// Per shape nuisance (in ``NuisanceLayout/shapeNuisances`` order), its grid points.
    public let points: [[Point]]
    /// Per process code, the floor added before taking logarithms.
    public let floors: [Double]

    /// Transforms the source at the nominal values and along every grid, the transforms spread
    /// over the machine's cores.
    public init(source: TemplateSource, binning: some EventBinning, layout: NuisanceLayout, noiseSeed: UInt64) {
        self.layout = layout
        let centre = layout.nominal
        var shifts = [layout.shift(at: centre)]
        var owners: [(nuisance: Int, value: Double)] = []
        for (k, s) in layout.shapeNuisances.enumerated() {
            for value in s.grid {
                var x = centre
                x[s.index] = value
                shifts.append(layout.shift(at: x))
                owners.append((k, value))
            }
        }
        let results = ParallelMap.map(shifts) { source.histograms(of: binning, at: $0, noiseSeed: noiseSeed) }
        nominal = results[0]
        var points = [[Point]](repeating: [], count: layout.shapeNuisances.count)
        for (j, owner) in owners.enumerated() {
            points[owner.nuisance].append(Point(value: owner.value, histograms: results[j + 1]))
        }
        self.points = points
        var floors = [Double](repeating: 0, count: PhysicsProcess.allCases.count)
        var sums = floors
        for row in source.rows { sums[Int(source.processCodes[Int(row)])] += source.weights[Int(row)] }
        for code in floors.indices where source.rowCounts[code] > 0 {
            floors[code] = 0.5 * sums[code] / Double(source.rowCounts[code])
        }
        self.floors = floors
    }

    /// The fitted response of process `code` to shape nuisance `k` (position in the layout's list).
    public func response(process code: Int, nuisance k: Int, degree: Int = ResponseFit.defaultDegree) throws -> MorphedTemplates.Response {
        let s = layout.shapeNuisances[k]
        let base = nominal.sums[code], floor = floors[code]
        let ratios = points[k].map { point in
            zip(point.histograms.sums[code], base).map { log(($0 + floor) / ($1 + floor)) }
        }
        return try ResponseFit.fit(parameter: s.index, basis: s.basis, nominal: s.nominal,
                                   grid: points[k].map(\.value), logRatios: ratios, degree: degree)
    }

    /// Per bin, the relative variance of the total nominal expectation at mu = 1:
    /// `sum_p sum w^2 / (sum_p sum w)^2` (0 for an empty bin).
    public var relativeVariances: [Double] {
        let bins = nominal.sums[0].count
        return (0..<bins).map { i in
            var sum = 0.0, squares = 0.0
            for code in nominal.sums.indices { sum += nominal.sums[code][i]; squares += nominal.squares[code][i] }
            return sum > 0 ? squares / (sum * sum) : 0
        }
    }
}

/// Least-squares fit of a template's log-response polynomial (see ``MorphedTemplates``).
///
/// With grid values x_g, u_g the basis variable and y_gi the log-ratios of bin i:
/// ```
/// minimise_a  sum_g (y_gi - sum_{d=1..D} a_id u_g^d)^2       for every bin i
/// ```
/// one design matrix for all bins, solved by ``LeastSquares``. No constant term: the response is
/// 0 at the nominal by construction. The scale s makes `max |u_g| = 1`. The degree is lowered to
/// the number of distinct grid values when the grid is short (a tight clip range).
public enum ResponseFit {
    /// Cubic: follows the bend where a shift moves events across a selection threshold.
    public static let defaultDegree = 3

    public static func fit(parameter: Int, basis: MorphedTemplates.Basis, nominal: Double, grid: [Double],
                           logRatios: [[Double]], degree requested: Int = defaultDegree) throws -> MorphedTemplates.Response {
        guard !grid.isEmpty else { throw FitError.emptyInput(what: "grid values of parameter \(parameter)") }
        guard logRatios.count == grid.count else {
            throw FitError.dimensionMismatch(what: "log-ratio rows", expected: grid.count, actual: logRatios.count)
        }
        let bins = logRatios[0].count
        func raw(_ x: Double) -> Double { basis == .linear ? x - nominal : x * x - nominal * nominal }
        let scale = grid.map { abs(raw($0)) }.max() ?? 1
        guard scale > 0 else { throw FitError.emptyInput(what: "grid values of parameter \(parameter) away from the nominal") }
        let degree = max(1, min(requested, grid.count))
        let u = grid.map { raw($0) / scale }
        var design = Matrix(rows: grid.count, columns: degree)
        for g in grid.indices {
            var power = 1.0
            for d in 0..<degree { power *= u[g]; design[g, d] = power }
        }
        var coefficients = [Double](repeating: 0, count: bins * degree)
        for i in 0..<bins {
            let y = logRatios.map { $0[i] }
            if y.allSatisfy({ $0 == 0 }) { continue }
            let solution = try LeastSquares.solve(design, y)
            for d in 0..<degree { coefficients[i * degree + d] = solution.coefficients[d] }
        }
        return MorphedTemplates.Response(parameter: parameter, basis: basis, nominal: nominal, scale: scale,
                                         degree: degree, coefficients: coefficients)
    }
}
