import Foundation

/// A resonance line shape: the (non-relativistic) Breit-Wigner distribution of a mass, truncated
/// to a window.
///
/// Sampled by inverting its cumulative distribution:
/// ```
/// m = M + (G/2) tan(a + u (b - a)),   a = atan((lo - M) / (G/2)),  b = atan((hi - M) / (G/2))
/// ```
/// with `u` uniform in [0, 1). The window keeps masses physical (a rho above two pions and below
/// the tau mass, a W below its top) and cuts the Cauchy tails, which have no mean.
public struct BreitWigner: Sendable, Equatable {
    /// Pole mass `M` (GeV).
    public let mass: Double
    /// Full width `G` (GeV).
    public let width: Double
    /// The window `[lo, hi]`.
    public let lower: Double, upper: Double
    private let a: Double, span: Double

    public init(mass: Double, width: Double, lower: Double, upper: Double) {
        precondition(width > 0 && lower < upper && lower <= mass && mass <= upper,
                     "invalid Breit-Wigner: mass \(mass), width \(width), window [\(lower), \(upper)]")
        self.mass = mass; self.width = width; self.lower = lower; self.upper = upper
        a = atan((lower - mass) / (width / 2))
        span = atan((upper - mass) / (width / 2)) - a
    }

    /// A window of `halfWidths` widths on each side of the pole, cut at `floor` from below.
    public init(mass: Double, width: Double, halfWidths: Double, floor: Double = 0) {
        self.init(mass: mass, width: width,
                  lower: max(floor, mass - halfWidths * width), upper: mass + halfWidths * width)
    }

    /// One mass.
    @inline(__always)
    public func sample(_ rng: inout SeededGenerator) -> Double {
        mass + width / 2 * tan(a + span * rng.nextUnitDouble())
    }
}
