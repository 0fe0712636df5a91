import Foundation

extension FourMomentum {
    /// Momentum of either daughter in the rest frame of a two-body decay `M -> m1 m2`:
    /// ```
    /// p* = sqrt((M^2 - (m1 + m2)^2) (M^2 - (m1 - m2)^2)) / (2 M)
    /// ```
    /// Zero below threshold.
    @inline(__always)
    public static func twoBodyMomentum(_ m: Double, _ m1: Double, _ m2: Double) -> Double {
        let s = m * m
        let a = s - (m1 + m2) * (m1 + m2), b = s - (m1 - m2) * (m1 - m2)
        return a <= 0 ? 0 : (a * b).squareRoot() / (2 * m)
    }

    /// The daughters of a two-body decay of this particle (of mass `mass`) into masses `m1` and
    /// `m2`, the first flying along the unit vector `n` in the rest frame, both in this
    /// particle's frame (the first boosted, the second `self - first`).
    @inline(__always)
    public func twoBodyDecay(mass: Double, into m1: Double, _ m2: Double,
                             direction n: (x: Double, y: Double, z: Double)) -> (FourMomentum, FourMomentum) {
        let p = FourMomentum.twoBodyMomentum(mass, m1, m2)
        let d1 = FourMomentum(e: (p * p + m1 * m1).squareRoot(), px: p * n.x, py: p * n.y, pz: p * n.z)
            .boosted(fromRestFrameOf: self, parentMass: mass)
        return (d1, self - d1)
    }
}
