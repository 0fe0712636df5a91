import Foundation

/// A resonance line shape: the (non-relativistic) Breit-Wigner distribution of a mass, truncated
/// to a window.
///
/// ```
/// m = M + (G/2) t,   t ~ Cauchy(0, 1) truncated to [(lo - M) / (G/2), (hi - M) / (G/2)]
/// ```
/// `t` is drawn without trigonometric functions (``SeededGenerator``'s `nextCauchy`) and
/// redrawn outside the window. The window keeps masses physical (a rho above two pions and
/// below the tau mass, a W below its top) and cuts the Cauchy tails, which have no mean.
public struct BreitWigner: Sendable, Equatable {
    /// Pole mass `M` (GeV).
    public let mass: Double
    /// Full width `G` (GeV).
    public let width: Double
    /// The window `[lo, hi]`.
    public let lower: Double, upper: Double
    private let tLower: Double, tUpper: Double

    public init(mass: Double, width: Double, lower: Double, upper: Double) {
        precondition(width > 0 && lower < upper && lower <= mass && mass <= upper,
                     "invalid Breit-Wigner: mass \(mass), width \(width), window [\(lower), \(upper)]")
        self.mass = mass; self.width = width; self.lower = lower; self.upper = upper
        tLower = (lower - mass) / (width / 2)
        tUpper = (upper - mass) / (width / 2)
    }

    /// A window of `halfWidths` widths on each side of the pole, cut at `floor` from below.
    public init(mass: Double, width: Double, halfWidths: Double, floor: Double = 0) {
        self.init(mass: mass, width: width,
                  lower: max(floor, mass - halfWidths * width), upper: mass + halfWidths * width)
    }

    /// One mass.
    @inline(__always)
    public func sample(_ rng: inout SeededGenerator) -> Double {
        while true {
            let t = rng.nextCauchy()
            if t >= tLower, t <= tUpper { return mass + width / 2 * t }
        }
    }
}
