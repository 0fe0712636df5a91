import Foundation

/// Expected counts from per-process templates with normalisation factors and log-linear shape
/// responses, with exact first and second derivatives.
///
/// ```
/// nu_i(theta) = sum_p N_p(theta) T_pi exp( sum_r s_ri (theta_k(r) - c_r) )
/// N_p(theta)  = prod_{a in norm(p)} theta_a               (1 if norm(p) is empty)
/// ```
/// T_pi is process p's expected count in bin i at the nominal parameters, norm(p) the indices
/// of the parameters that scale the whole process (mu for the signal; a background scale for a
/// background), and each shape response r of process p moves bin i by the logarithmic slope
/// s_ri per unit of parameter k(r) away from its nominal value c_r (s_ri = d ln T_pi / d theta
/// measured from templates made at shifted nuisances, e.g. ln(T_up / T_nominal) / delta).
///
/// The exponential form keeps every nu_i positive and smooth for any theta (a linear
/// interpolation can go negative), and agrees with the linear one to first order. Derivatives:
/// ```
/// A = N T E,   L_j = sum_{r: k(r) = j} s_ri,   N_j = dN/dtheta_j,   N_jk = d2N/dtheta_j dtheta_k
/// dA/dtheta_j             = T E (N_j + N L_j)
/// d2A/dtheta_j dtheta_k   = T E (N_jk + N_j L_k + N_k L_j + N L_j L_k)
/// ```
public struct TemplateExpectation: BinnedExpectation, Sendable {
    /// One process: its nominal template, the parameters that scale it and its shape responses.
    public struct Process: Equatable, Sendable {
        public var name: String
        /// Expected counts per bin at the nominal parameters (>= 0).
        public var template: [Double]
        /// Indices of the parameters whose product scales the process (each at most once).
        public var normalisations: [Int]
        /// Log-linear shape responses to parameters.
        public var responses: [Response]

        public init(name: String, template: [Double], normalisations: [Int] = [], responses: [Response] = []) {
            self.name = name
            self.template = template
            self.normalisations = normalisations
            self.responses = responses
        }
    }

    /// The response of a process's template to one parameter: ln T_i changes by
    /// `logSlopes[i] * (theta - nominal)`.
    public struct Response: Equatable, Sendable {
        public var parameter: Int
        public var nominal: Double
        public var logSlopes: [Double]

        public init(parameter: Int, nominal: Double, logSlopes: [Double]) {
            self.parameter = parameter
            self.nominal = nominal
            self.logSlopes = logSlopes
        }
    }

    public let processes: [Process]
    public let binCount: Int
    public let parameterCount: Int

    /// Per process: the parameters it depends on, which of them normalise it, and the summed
    /// log slope of each of them per bin (`slopes[i * involved.count + a]`).
    private struct Compiled: Sendable {
        var involved: [Int]
        var normalises: [Bool]
        var slopes: [Double]
        var responses: [Response]
    }
    private let compiled: [Compiled]

    /// - Throws: ``FitError/emptyInput(what:)``, ``FitError/dimensionMismatch(what:expected:actual:)``
    ///   (templates or slopes of different lengths), ``FitError/invalidTemplate(process:bin:value:)``
    ///   (a negative or non-finite count or slope), ``FitError/invalidParameterIndex(process:index:parameterCount:)``.
    public init(processes: [Process], parameterCount: Int) throws {
        guard let first = processes.first else { throw FitError.emptyInput(what: "processes of the template model") }
        let bins = first.template.count
        guard bins > 0 else { throw FitError.emptyInput(what: "bins of the template of \(first.name)") }
        var compiled: [Compiled] = []
        for process in processes {
            guard process.template.count == bins else {
                throw FitError.dimensionMismatch(what: "bins of the template of \(process.name)",
                                                 expected: bins, actual: process.template.count)
            }
            if let i = process.template.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw FitError.invalidTemplate(process: process.name, bin: i, value: process.template[i])
            }
            for (k, a) in process.normalisations.enumerated()
            where !(0..<parameterCount).contains(a) || process.normalisations[..<k].contains(a) {
                throw FitError.invalidParameterIndex(process: process.name, index: a, parameterCount: parameterCount)
            }
            for r in process.responses {
                guard (0..<parameterCount).contains(r.parameter) else {
                    throw FitError.invalidParameterIndex(process: process.name, index: r.parameter,
                                                         parameterCount: parameterCount)
                }
                guard r.logSlopes.count == bins else {
                    throw FitError.dimensionMismatch(what: "log slopes of \(process.name) for parameter \(r.parameter)",
                                                     expected: bins, actual: r.logSlopes.count)
                }
                if let i = r.logSlopes.firstIndex(where: { !$0.isFinite }) {
                    throw FitError.invalidTemplate(process: "\(process.name) (log slope for parameter \(r.parameter))",
                                                   bin: i, value: r.logSlopes[i])
                }
                guard r.nominal.isFinite else {
                    throw FitError.invalidTemplate(process: "\(process.name) (nominal of parameter \(r.parameter))",
                                                   bin: 0, value: r.nominal)
                }
            }
            let involved = Array(Set(process.normalisations + process.responses.map(\.parameter))).sorted()
            let position = Dictionary(uniqueKeysWithValues: involved.enumerated().map { ($1, $0) })
            var slopes = [Double](repeating: 0, count: bins * involved.count)
            for r in process.responses {
                guard let a = position[r.parameter] else { continue }   // always present: involved lists it
                for i in 0..<bins { slopes[i * involved.count + a] += r.logSlopes[i] }
            }
            compiled.append(Compiled(involved: involved,
                                     normalises: involved.map { process.normalisations.contains($0) },
                                     slopes: slopes, responses: process.responses))
        }
        self.processes = processes
        self.binCount = bins
        self.parameterCount = parameterCount
        self.compiled = compiled
    }

    /// T_pi exp(sum_r s_ri (theta_k(r) - c_r)) for every bin of process p.
    @inline(__always)
    private func shaped(_ p: Int, _ theta: [Double]) -> [Double] {
        var exponent = [Double](repeating: 0, count: binCount)
        for r in compiled[p].responses {
            let shift = theta[r.parameter] - r.nominal
            if shift == 0 { continue }
            for i in 0..<binCount { exponent[i] += r.logSlopes[i] * shift }
        }
        let template = processes[p].template
        return (0..<binCount).map { template[$0] * exp(exponent[$0]) }
    }

    /// The product of theta over the normalisations of p, leaving out positions `skip1`, `skip2`
    /// of its involved list.
    @inline(__always)
    private func norm(_ p: Int, _ theta: [Double], skipping skip1: Int = -1, _ skip2: Int = -1) -> Double {
        var product = 1.0
        let c = compiled[p]
        for a in c.involved.indices where c.normalises[a] && a != skip1 && a != skip2 {
            product *= theta[c.involved[a]]
        }
        return product
    }

    public func expected(at theta: [Double]) -> [Double] {
        var nu = [Double](repeating: 0, count: binCount)
        for p in processes.indices {
            let n = norm(p, theta)
            let base = shaped(p, theta)
            for i in 0..<binCount { nu[i] += n * base[i] }
        }
        return nu
    }

    public func expectedWithJacobian(at theta: [Double]) -> (expected: [Double], jacobian: Matrix) {
        var nu = [Double](repeating: 0, count: binCount)
        var jacobian = Matrix(rows: binCount, columns: parameterCount)
        for p in processes.indices {
            let c = compiled[p], m = c.involved.count
            let n = norm(p, theta)
            let dn = (0..<m).map { c.normalises[$0] ? norm(p, theta, skipping: $0) : 0 }
            let base = shaped(p, theta)
            for i in 0..<binCount {
                nu[i] += n * base[i]
                for a in 0..<m {
                    jacobian[i, c.involved[a]] += base[i] * (dn[a] + n * c.slopes[i * m + a])
                }
            }
        }
        return (nu, jacobian)
    }

    public func weightedCurvature(at theta: [Double], weights: [Double]) -> Matrix {
        var curvature = Matrix(rows: parameterCount, columns: parameterCount)
        for p in processes.indices {
            let c = compiled[p], m = c.involved.count
            let n = norm(p, theta)
            let dn = (0..<m).map { c.normalises[$0] ? norm(p, theta, skipping: $0) : 0 }
            var ddn = [Double](repeating: 0, count: m * m)
            for a in 0..<m where c.normalises[a] {
                for b in 0..<m where b != a && c.normalises[b] { ddn[a * m + b] = norm(p, theta, skipping: a, b) }
            }
            let base = shaped(p, theta)
            var local = [Double](repeating: 0, count: m * m)
            for i in 0..<binCount {
                let wb = weights[i] * base[i]
                if wb == 0 { continue }
                let s = i * m
                for a in 0..<m {
                    let la = c.slopes[s + a]
                    for b in 0...a {
                        let lb = c.slopes[s + b]
                        local[a * m + b] += wb * (ddn[a * m + b] + dn[a] * lb + dn[b] * la + n * la * lb)
                    }
                }
            }
            for a in 0..<m {
                for b in 0...a {
                    let v = local[a * m + b]
                    curvature[c.involved[a], c.involved[b]] += v
                    if a != b { curvature[c.involved[b], c.involved[a]] += v }
                }
            }
        }
        return curvature
    }
}
