extension PhysicsProcess {
    /// Expected events of this process in one pseudo-experiment of the challenge (10 fb^-1,
    /// mu = 1, nominal nuisances), from the FAIR Universe dataset record: htautau 1,015;
    /// ztautau 1,002,395; diboson 3,783; ttbar 44,192.
    ///
    /// The one place these numbers live in code: a pool's weights of process `p` sum to
    /// `p.challengeYield`.
    public var challengeYield: Double {
        switch self {
        case .htautau: return 1_015
        case .ztautau: return 1_002_395
        case .ttbar: return 44_192
        case .diboson: return 3_783
        }
    }
}
