import Foundation

/// A moving particle's flight direction and boost, for daughters given in its rest frame by their
/// polar angle about that direction and an azimuth around it.
///
/// A daughter of rest-frame energy `e*` and momentum `p*`, at polar cosine `c` (sine `s`) about
/// the flight direction `n` and azimuth `psi` around it, has in the parent's frame (parent energy
/// `E`, momentum `P`, mass `M`)
/// ```
/// p_par  = (E p* c + P e*) / M                   along n
/// p_perp = p* s (cos psi e1 + sin psi e2)       e1 = (n_y, -n_x, 0) / n_T,  e2 = n x e1
/// E'     = (E e* + P p* c) / M
/// ```
/// (a boost along `n`; `n_T = pT / P` is the transverse length of `n`). With `c` uniform in
/// (-1, 1) and `psi` uniform this is the isotropic decay. Its value is the bound it gives before
/// `psi` is drawn: the daughter's transverse momentum is at most
/// ```
/// pT' <= |p_par| n_T + p* s
/// ```
/// so a candidate whose lepton or tau cannot pass the pt cut is rejected without the azimuth and
/// the vector arithmetic. The test multiplies through by `P M` (no division on the path to the
/// decision).
struct FlightFrame {
    /// The parent's four-momentum, mass, momentum `P` and transverse momentum `pT`.
    let parent: FourMomentum
    let mass: Double
    let p: Double, pt: Double

    @inline(__always)
    init(_ parent: FourMomentum, mass: Double) {
        self.parent = parent
        self.mass = mass
        let pt2 = parent.pt2
        p = (pt2 + parent.pz * parent.pz).squareRoot()
        pt = pt2.squareRoot()
    }

    /// Whether a daughter of rest energy `eStar`, momentum `pStar` and cosine `c` (sine `s`) can
    /// have a transverse momentum above `floor` (the bound of the type's documentation, with a
    /// relative margin of 1e-9 against rounding).
    @inline(__always)
    func mayExceed(_ floor: Double, eStar: Double, pStar: Double, c: Double, s: Double) -> Bool {
        let pm = p * mass
        guard pm > 0 else { return pStar * (1 + 1e-9) > floor }   // at rest: pT' <= p*
        return (abs(parent.e * pStar * c + p * eStar) * pt + pStar * s * pm) * (1 + 1e-9) > floor * pm
    }

    /// The daughter in the parent's frame, for azimuth `(cosPsi, sinPsi)` around `n`.
    @inline(__always)
    func daughter(eStar: Double, pStar: Double, c: Double, s: Double,
                  cosPsi: Double, sinPsi: Double) -> FourMomentum {
        let inverseMass = 1 / mass
        let along = (parent.e * pStar * c + p * eStar) * inverseMass
        let perp = pStar * s
        let energy = (parent.e * eStar + p * pStar * c) * inverseMass
        guard pt > 1e-12 * p else {
            // Along the beam or at rest: n = +-z, (e1, e2) = (x, +-y).
            let nz: Double = parent.pz < 0 ? -1 : 1
            return FourMomentum(e: energy, px: perp * cosPsi, py: perp * sinPsi * nz, pz: along * nz)
        }
        // n = P / |P|;  e1 = (n_y, -n_x, 0) / n_T,  e2 = (n_z n_x, n_z n_y, -n_T^2) / n_T.
        let inverseP = 1 / p
        let nx = parent.px * inverseP, ny = parent.py * inverseP, nz = parent.pz * inverseP
        let nT = pt * inverseP
        let inverseNT = p / pt
        let a = perp * cosPsi * inverseNT, b = perp * sinPsi * inverseNT
        return FourMomentum(e: energy,
                            px: along * nx + a * ny + b * nz * nx,
                            py: along * ny - a * nx + b * nz * ny,
                            pz: along * nz - b * nT * nT)
    }
}
