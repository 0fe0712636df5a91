import Foundation

/// Expected counts from per-process templates whose logarithms move with the nuisances as
/// polynomials, with exact first and second derivatives.
///
/// ```
/// nu_i(theta) = sum_p N_p(theta) T_pi exp( sum_r f_ri(theta_k(r)) )
/// N_p(theta)  = prod_{a in norm(p)} theta_a
/// f_ri(x)     = sum_{d=1..D} a_rid u^d,    u = (x - c) / s        (linear basis)
///                                          u = (x^2 - c^2) / s    (square basis)
/// ```
/// T_pi is process p's template at the nominal parameters, c the nominal value of the response's
/// parameter and s a scale that keeps u of order one over the template grid. The coefficients
/// come from least-squares fits of ln(T(x) / T(c)) measured on templates made at grid values of
/// the parameter (``ResponseFit``). The exponential keeps every nu_i positive and smooth; the
/// polynomial follows curved responses (a selection threshold crossed by an energy scale) that a
/// log-linear model would miss. The square basis suits a smearing width: a Gaussian smearing of
/// width x changes a histogram by terms in x^2, x^4, ... .
///
/// Derivatives, with `A = N T e^E`, `L_j = dE/dtheta_j`, `M_j = d2E/dtheta_j^2`, `N_j = dN/dtheta_j`:
/// ```
/// dA/dtheta_j            = T e^E (N_j + N L_j)
/// d2A/dtheta_j dtheta_k  = T e^E (N_jk + N_j L_k + N_k L_j + N (L_j L_k + delta_jk M_j))
/// f'(x)  = sum d a_d u^(d-1) u'(x),   f''(x) = sum d (d-1) a_d u^(d-2) u'(x)^2 + sum d a_d u^(d-1) u''(x)
/// ```
/// Outside the grid the polynomial is extrapolated; keep the parameter bounds near the grid.
public struct MorphedTemplates: BinnedExpectation, Sendable, Equatable, Codable {
    /// The variable a response polynomial is written in.
    public enum Basis: String, Sendable, Equatable, Codable {
        /// u = (x - c) / s.
        case linear
        /// u = (x^2 - c^2) / s.
        case square
    }

    /// The response of one process's template to one parameter.
    public struct Response: Sendable, Equatable, Codable {
        public var parameter: Int
        public var basis: Basis
        public var nominal: Double
        public var scale: Double
        /// The polynomial degree D.
        public var degree: Int
        /// `coefficients[i * degree + d - 1]` = a_id.
        public var coefficients: [Double]

        public init(parameter: Int, basis: Basis, nominal: Double, scale: Double, degree: Int, coefficients: [Double]) {
            self.parameter = parameter
            self.basis = basis
            self.nominal = nominal
            self.scale = scale
            self.degree = degree
            self.coefficients = coefficients
        }

        /// u, u' and u'' at x.
        @inline(__always)
        func variable(_ x: Double) -> (u: Double, du: Double, d2u: Double) {
            switch basis {
            case .linear: return ((x - nominal) / scale, 1 / scale, 0)
            case .square: return ((x * x - nominal * nominal) / scale, 2 * x / scale, 2 / scale)
            }
        }
    }

    /// One process: its nominal template, the parameters that scale it and its responses.
    public struct Process: Sendable, Equatable, Codable {
        public var name: String
        public var template: [Double]
        public var normalisations: [Int]
        public var responses: [Response]

        public init(name: String, template: [Double], normalisations: [Int], responses: [Response]) {
            self.name = name
            self.template = template
            self.normalisations = normalisations
            self.responses = responses
        }
    }

    public let processes: [Process]
    public let binCount: Int
    public let parameterCount: Int
    /// Per process: the parameters it depends on (sorted) and which of them normalise it.
    private let involved: [[Int]]
    private let normalises: [[Bool]]

    /// - Throws: ``FitError/emptyInput(what:)``, ``FitError/dimensionMismatch(what:expected:actual:)``,
    ///   ``FitError/invalidTemplate(process:bin:value:)`` (a negative or non-finite count or
    ///   coefficient, or a non-positive scale), ``FitError/invalidParameterIndex(process:index:parameterCount:)``
    ///   (out of range, or used twice as a normalisation or twice as a response).
    public init(processes: [Process], parameterCount: Int) throws {
        guard let first = processes.first else { throw FitError.emptyInput(what: "processes of the template model") }
        let bins = first.template.count
        guard bins > 0 else { throw FitError.emptyInput(what: "bins of the template of \(first.name)") }
        var involved: [[Int]] = [], normalises: [[Bool]] = []
        for p in processes {
            guard p.template.count == bins else {
                throw FitError.dimensionMismatch(what: "bins of the template of \(p.name)", expected: bins, actual: p.template.count)
            }
            if let i = p.template.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw FitError.invalidTemplate(process: p.name, bin: i, value: p.template[i])
            }
            for (k, a) in p.normalisations.enumerated() where !(0..<parameterCount).contains(a) || p.normalisations[..<k].contains(a) {
                throw FitError.invalidParameterIndex(process: p.name, index: a, parameterCount: parameterCount)
            }
            for (k, r) in p.responses.enumerated() {
                guard (0..<parameterCount).contains(r.parameter), !p.responses[..<k].contains(where: { $0.parameter == r.parameter }) else {
                    throw FitError.invalidParameterIndex(process: p.name, index: r.parameter, parameterCount: parameterCount)
                }
                guard r.degree >= 1, r.coefficients.count == bins * r.degree else {
                    throw FitError.dimensionMismatch(what: "response coefficients of \(p.name) for parameter \(r.parameter)",
                                                     expected: bins * max(r.degree, 1), actual: r.coefficients.count)
                }
                if let i = r.coefficients.firstIndex(where: { !$0.isFinite }) {
                    throw FitError.invalidTemplate(process: "\(p.name) (response to parameter \(r.parameter))",
                                                   bin: i / r.degree, value: r.coefficients[i])
                }
                guard r.scale.isFinite, r.scale > 0, r.nominal.isFinite else {
                    throw FitError.invalidTemplate(process: "\(p.name) (scale of the response to parameter \(r.parameter))",
                                                   bin: 0, value: r.scale)
                }
            }
            let all = Array(Set(p.normalisations + p.responses.map(\.parameter))).sorted()
            involved.append(all)
            normalises.append(all.map { p.normalisations.contains($0) })
        }
        self.processes = processes
        self.binCount = bins
        self.parameterCount = parameterCount
        self.involved = involved
        self.normalises = normalises
    }

    /// Per bin of process p: T e^E, and for each involved parameter L and M (`[i * m + a]`).
    private func shape(_ p: Int, _ theta: [Double], derivatives: Bool) -> (base: [Double], l: [Double], m: [Double]) {
        let process = processes[p], inv = involved[p], count = inv.count
        var exponent = [Double](repeating: 0, count: binCount)
        var l = [Double](repeating: 0, count: derivatives ? binCount * count : 0)
        var m = l
        for r in process.responses {
            let (u, du, d2u) = r.variable(theta[r.parameter])
            let a = derivatives ? inv.firstIndex(of: r.parameter)! : 0
            let degree = r.degree
            r.coefficients.withUnsafeBufferPointer { c in
                for i in 0..<binCount {
                    // Horner for f, f' (in u) and f'' (in u).
                    var f = 0.0, fu = 0.0, fuu = 0.0
                    for d in stride(from: degree, through: 1, by: -1) {
                        let coefficient = c[i * degree + d - 1]
                        fuu = fuu * u + fu * 2
                        fu = fu * u + f
                        f = f * u + coefficient
                    }
                    // f, fu, fuu above are the polynomial q(u) = f / u without the constant, so
                    // f(u) = u q(u), f' = q + u q', f'' = 2 q' + u q''.
                    exponent[i] += u * f
                    if derivatives {
                        let first = f + u * fu, second = 2 * fu + u * fuu
                        l[i * count + a] += first * du
                        m[i * count + a] += second * du * du + first * d2u
                    }
                }
            }
        }
        let base = (0..<binCount).map { process.template[$0] * exp(exponent[$0]) }
        return (base, l, m)
    }

    /// The product of theta over p's normalisations, leaving out involved positions `skip1`, `skip2`.
    @inline(__always)
    private func norm(_ p: Int, _ theta: [Double], skipping skip1: Int = -1, _ skip2: Int = -1) -> Double {
        var product = 1.0
        for a in involved[p].indices where normalises[p][a] && a != skip1 && a != skip2 {
            product *= theta[involved[p][a]]
        }
        return product
    }

    public func expected(at theta: [Double]) -> [Double] {
        var nu = [Double](repeating: 0, count: binCount)
        for p in processes.indices {
            let n = norm(p, theta)
            if n == 0 { continue }
            let (base, _, _) = shape(p, theta, derivatives: false)
            for i in 0..<binCount { nu[i] += n * base[i] }
        }
        return nu
    }

    public func expectedWithJacobian(at theta: [Double]) -> (expected: [Double], jacobian: Matrix) {
        var nu = [Double](repeating: 0, count: binCount)
        var jacobian = Matrix(rows: binCount, columns: parameterCount)
        for p in processes.indices {
            let inv = involved[p], count = inv.count
            let n = norm(p, theta)
            let dn = (0..<count).map { normalises[p][$0] ? norm(p, theta, skipping: $0) : 0 }
            let (base, l, _) = shape(p, theta, derivatives: true)
            for i in 0..<binCount {
                nu[i] += n * base[i]
                for a in 0..<count {
                    jacobian[i, inv[a]] += base[i] * (dn[a] + n * l[i * count + a])
                }
            }
        }
        return (nu, jacobian)
    }

    public func weightedCurvature(at theta: [Double], weights: [Double]) -> Matrix {
        var curvature = Matrix(rows: parameterCount, columns: parameterCount)
        for p in processes.indices {
            let inv = involved[p], count = inv.count
            let n = norm(p, theta)
            let dn = (0..<count).map { normalises[p][$0] ? norm(p, theta, skipping: $0) : 0 }
            var ddn = [Double](repeating: 0, count: count * count)
            for a in 0..<count where normalises[p][a] {
                for b in 0..<count where b != a && normalises[p][b] { ddn[a * count + b] = norm(p, theta, skipping: a, b) }
            }
            let (base, l, m) = shape(p, theta, derivatives: true)
            var local = [Double](repeating: 0, count: count * count)
            for i in 0..<binCount {
                let wb = weights[i] * base[i]
                if wb == 0 { continue }
                let s = i * count
                for a in 0..<count {
                    let la = l[s + a]
                    for b in 0...a {
                        let lb = l[s + b]
                        var v = ddn[a * count + b] + dn[a] * lb + dn[b] * la + n * la * lb
                        if a == b { v += n * m[s + a] }
                        local[a * count + b] += wb * v
                    }
                }
            }
            for a in 0..<count {
                for b in 0...a {
                    let v = local[a * count + b]
                    curvature[inv[a], inv[b]] += v
                    if a != b { curvature[inv[b], inv[a]] += v }
                }
            }
        }
        return curvature
    }
}
