import Foundation
import PseudoExperiments

/// A synthetic binned fit shaped like the challenge's: a signal strength mu and six nuisances
/// over 30 bins and about a million events, with templates drawn from a seeded generator.
///
/// Processes and yields follow one pseudo-experiment at mu = 1 (htautau 1,015; ztautau
/// 1,002,395; ttbar 44,192; diboson 3,783), binned in a score-like variable on [0, 1] where the
/// signal rises and the backgrounds fall. Parameters and constraints:
/// ```
/// mu             [0, 10]                     free                 normalises htautau
/// tes, jes       [0.9, 1.1]                  gaussian(1, 0.01)    log-linear shapes of every process
/// soft_met       [0.01, 5]                   logNormal(1, 1)      log-linear shapes (weak)
/// ttbar_scale    [0.8, 1.2]                  gaussian(1, 0.02)    normalises ttbar
/// diboson_scale  [0, 2]                      gaussian(1, 0.25)    normalises diboson
/// bkg_scale      [0.99, 1.01]                gaussian(1, 0.001)   normalises every background
/// ```
/// Templates are histograms of 20,000 draws x = u^a per process (a < 1 rises, a > 1 falls),
/// scaled to the yield; shape slopes are smooth in x with seeded amplitudes. The observed counts
/// are drawn at `truth` with the normal approximation n = round(nu + sqrt(nu) z), exact enough
/// for bins of hundreds of events or more (the smallest here hold ~10^3). It is a timing and
/// regression fixture, not a physics model: the priors shown are only the challenge's shape.
public struct SyntheticTemplateProblem: Sendable {
    /// The parameters in fit order, with nominal starts and bounds.
    public let parameters: [Parameter]
    /// The expected-count model.
    public let model: TemplateExpectation
    /// One constraint per parameter.
    public let constraints: [ParameterConstraint]
    /// The parameter values the observed counts were drawn at.
    public let truth: [Double]
    /// The observed counts.
    public let observed: [Double]

    /// The default truth: mu = 1.3 and nuisances a little off nominal.
    public static let defaultTruth = [1.3, 1.005, 0.995, 1.2, 1.01, 0.9, 1.0005]

    /// Builds the problem from `seed`; `asimov` makes the observed counts equal the expectation
    /// at the truth (no fluctuation).
    public init(seed: UInt64 = 2024, bins: Int = 30, truth: [Double] = defaultTruth, asimov: Bool = false) throws {
        precondition(bins > 0, "the problem needs at least one bin, got \(bins)")
        precondition(truth.count == 7, "the truth has 7 parameters, got \(truth.count)")
        var rng = SeededGenerator(seed: seed)
        parameters = [
            Parameter("mu", start: 1, lower: 0, upper: 10),
            Parameter("tes", start: 1, lower: 0.9, upper: 1.1),
            Parameter("jes", start: 1, lower: 0.9, upper: 1.1),
            Parameter("soft_met", start: 1, lower: 0.01, upper: 5),
            Parameter("ttbar_scale", start: 1, lower: 0.8, upper: 1.2),
            Parameter("diboson_scale", start: 1, lower: 0, upper: 2),
            Parameter("bkg_scale", start: 1, lower: 0.99, upper: 1.01),
        ]
        constraints = [.none, .gaussian(mean: 1, sigma: 0.01), .gaussian(mean: 1, sigma: 0.01),
                       .logNormal(median: 1, sigma: 1), .gaussian(mean: 1, sigma: 0.02),
                       .gaussian(mean: 1, sigma: 0.25), .gaussian(mean: 1, sigma: 0.001)]
        // (name, yield, exponent a of x = u^a, normalisation parameter indices)
        let specs: [(String, Double, Double, [Int])] = [
            ("htautau", 1_015, 0.08, [0]), ("ztautau", 1_002_395, 4, [6]),
            ("ttbar", 44_192, 1.2, [4, 6]), ("diboson", 3_783, 1.0, [5, 6]),
        ]
        let centres = (0..<bins).map { (Double($0) + 0.5) / Double(bins) }
        var processes: [TemplateExpectation.Process] = []
        for (name, yield, a, norms) in specs {
            var histogram = [Double](repeating: 1, count: bins)   // one pseudo-count: no empty bin
            let draws = 20_000
            for _ in 0..<draws {
                let x = pow(rng.nextOpenUnitDouble(), a)
                histogram[min(Int(x * Double(bins)), bins - 1)] += 1
            }
            let total = histogram.reduce(0, +)
            let template = histogram.map { $0 / total * yield }
            // Smooth slopes: ln T moves by amp * (x - 1/2) per unit parameter (plus a constant part).
            func slopes(_ amplitude: Double) -> [Double] {
                let amp = amplitude * (0.5 + rng.nextUnitDouble()), offset = 0.2 * amplitude * rng.nextGaussian()
                return centres.map { amp * ($0 - 0.5) + offset }
            }
            let responses = [
                TemplateExpectation.Response(parameter: 1, nominal: 1, logSlopes: slopes(4)),
                TemplateExpectation.Response(parameter: 2, nominal: 1, logSlopes: slopes(3)),
                TemplateExpectation.Response(parameter: 3, nominal: 1, logSlopes: slopes(0.02)),
            ]
            processes.append(.init(name: name, template: template, normalisations: norms, responses: responses))
        }
        model = try TemplateExpectation(processes: processes, parameterCount: parameters.count)
        self.truth = truth
        let expected = model.expected(at: truth)
        observed = asimov ? expected : expected.map { nu in
            max(0, (nu + nu.squareRoot() * rng.nextGaussian()).rounded())
        }
    }

    /// The deviance objective of the problem.
    public func likelihood() throws -> BinnedPoissonLikelihood<TemplateExpectation> {
        try BinnedPoissonLikelihood(model: model, observed: observed, names: parameters.map(\.name),
                                    constraints: constraints)
    }

    /// The profile likelihood of mu.
    public func profile() throws -> ProfileLikelihood<BinnedPoissonLikelihood<TemplateExpectation>> {
        try ProfileLikelihood(objective: likelihood(), parameters: parameters, parameterOfInterest: "mu")
    }
}
