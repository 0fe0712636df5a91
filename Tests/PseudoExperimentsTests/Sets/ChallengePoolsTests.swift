import XCTest
@testable import PseudoExperiments

final class ChallengePoolsTests: XCTestCase {
    /// The effective ratio of a simulated pool, from its plan (every row of a process has the
    /// weight yield / rows), against one pseudo-experiment of `spec` at nominal values.
    func adequacy(_ pool: ChallengeSpec.Pool, _ spec: ChallengeSpec) throws -> PoolAdequacy {
        let plan = ChallengePools.plan(pool, spec: spec)
        var sum = 0.0, squares = 0.0
        for p in PhysicsProcess.allCases {
            let w = Double(plan.weight(of: p)), n = Double(plan.rows[p])
            sum += w * n
            squares += w * w * n
        }
        return try PoolAdequacy(poolRows: plan.rows.total, sumWeights: sum, sumSquaredWeights: squares,
                                expectedEvents: sum * spec.luminosity / spec.yields.referenceLuminosity)
    }

    /// The default challenge's evaluation pool holds >= 50 pseudo-experiments' worth of rows
    /// (effective, Kish), so the pool's own fluctuation costs < 0.005 of coverage; the training
    /// pool is simulated from another seed.
    func testDefaultChallengePoolsMeetTheRecommendation() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
        let a = try adequacy(spec.pools.evaluation!, spec)
        XCTAssertTrue(a.meetsRecommendation, "\(a)")
        XCTAssertGreaterThan(a.effectiveRatio, 50)
        XCTAssertLessThan(a.coverageLossBound, 0.005)
        XCTAssertEqual(spec.pools.evaluation!.totalRows, 54_155_000)
        XCTAssertNotEqual(spec.pools.evaluation!.simulatorSeed, spec.pools.training!.simulatorSeed)
        // The scaled-down challenge: small pools, not for ranking.
        let mini = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        let m = try adequacy(mini.pools.evaluation!, mini)
        XCTAssertEqual(m.effectiveRatio, 17.4, accuracy: 0.1)
        XCTAssertFalse(m.meetsRecommendation)
    }

    /// The plans carry the spec's yields at the yields' luminosity, so that a pseudo-experiment
    /// at the spec's luminosity expects the spec's events.
    func testPlansCarryTheYields() throws {
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        let plan = ChallengePools.plan(spec.pools.training!, spec: spec)
        XCTAssertEqual(plan.seed, spec.pools.training!.simulatorSeed)
        for p in PhysicsProcess.allCases {
            XCTAssertEqual(plan.rows[p], spec.pools.training!.rows[p])
            XCTAssertEqual(Double(plan.weight(of: p)) * Double(plan.rows[p]), spec.yields.expectedEvents[p]!,
                           accuracy: 1e-3 * spec.yields.expectedEvents[p]!)
        }
        XCTAssertEqual(plan.yieldLuminosity, spec.yields.referenceLuminosity)
    }
}
