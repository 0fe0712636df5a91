import PseudoExperiments

/// The built-in baselines, in leaderboard order: one array anyone can read.
///
/// From simple to strong, each giving an honest 68.27% interval under all the challenge's
/// nuisances, then the two reference rows (shown without a rank): the oracle, told the true
/// nuisances, and the null row, which ignores the data. The runner's registry takes its
/// built-ins from here.
public enum BaselineCatalog {
    public static let all: [any Estimator] = [
        CountingEstimator(),                 // 2: one bin after a selection
        BinnedLikelihoodEstimator(),         // 3: binned profile likelihood in DER_mass_vis
        ClassifierLikelihoodEstimator(),     // 4: boosted-trees score in that likelihood
        CalibratedEstimator(),               // 5: 4 with its threshold calibrated on toys
        OracleBaseline(),                    // reference: told the true nuisances
        NullEstimator(),                     // reference: the prior's central interval
    ]

    /// The names of the reference rows (shown on the leaderboard without a rank).
    public static let referenceNames: Set<String> = ["oracle", "null"]

    /// One line per baseline, for help texts and the README.
    public static let summaries: [String: String] = [
        "counting": "one bin after a mass-window selection; yield responses to every nuisance, priors as constraints",
        "binned-likelihood": "profile likelihood of DER_mass_vis templates morphed in TES, JES, soft MET; Barlow-Beeston lite",
        "classifier-likelihood": "boosted-trees score (trained on nuisance-augmented events) in the binned profile likelihood",
        "calibrated": "classifier likelihood with its t(mu) threshold calibrated on toys from held-out training events",
        "oracle": "classifier likelihood told the true nuisance values: the floor on width the systematics allow",
        "null": "ignores the data: the central 68.27% of the mu prior",
    ]

    /// The baseline called `name`.
    public static func named(_ name: String) -> (any Estimator)? {
        all.first { $0.name == name }
    }
}
