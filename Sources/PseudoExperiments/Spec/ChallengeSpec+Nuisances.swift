extension ChallengeSpec {
    /// A nuisance parameter the harness implements: its name in specs, the kind of effect a
    /// spec must declare for it, and the ``NuisanceValues`` field it fills.
    ///
    /// This is the registry of what the code can do, not of any challenge's constants: priors,
    /// clip ranges and which processes a scale multiplies come from the spec. A nuisance a spec
    /// leaves out stays at its ``NuisanceValues/nominal`` value.
    public struct KnownNuisance: Sendable {
        public enum Kind: Sendable, Equatable {
            /// Acts through this effect of the systematics transform.
            case feature(FeatureEffect)
            /// Multiplies the normalisation of background processes.
            case normalisation
        }

        public var name: String
        public var kind: Kind
        /// Lower bound of a sensible clip range (a scale or a width cannot be negative; an
        /// energy scale of 0 would erase the object).
        var lowestSensibleValue: Double
        var lowestIsExclusive: Bool
    }

    /// Every nuisance parameter the harness implements, in ``NuisanceValues`` order.
    public static let knownNuisances: [KnownNuisance] = [
        .init(name: "tes", kind: .feature(.hadronicTauEnergyScale), lowestSensibleValue: 0, lowestIsExclusive: true),
        .init(name: "jes", kind: .feature(.jetEnergyScale), lowestSensibleValue: 0, lowestIsExclusive: true),
        .init(name: "soft_met", kind: .feature(.softMetSmearing), lowestSensibleValue: 0, lowestIsExclusive: false),
        .init(name: "ttbar_scale", kind: .normalisation, lowestSensibleValue: 0, lowestIsExclusive: false),
        .init(name: "diboson_scale", kind: .normalisation, lowestSensibleValue: 0, lowestIsExclusive: false),
        .init(name: "bkg_scale", kind: .normalisation, lowestSensibleValue: 0, lowestIsExclusive: false),
    ]

    /// The value of the nuisance `name` in `values`, or nil for an unknown name.
    public static func value(of name: String, in values: NuisanceValues) -> Double? {
        switch name {
        case "tes": return values.tes
        case "jes": return values.jes
        case "soft_met": return values.softMet
        case "ttbar_scale": return values.ttbarScale
        case "diboson_scale": return values.dibosonScale
        case "bkg_scale": return values.bkgScale
        default: return nil
        }
    }

    /// Sets the nuisance `name` in `values`; false for an unknown name.
    @discardableResult
    public static func set(_ name: String, to value: Double, in values: inout NuisanceValues) -> Bool {
        switch name {
        case "tes": values.tes = value
        case "jes": values.jes = value
        case "soft_met": values.softMet = value
        case "ttbar_scale": values.ttbarScale = value
        case "diboson_scale": values.dibosonScale = value
        case "bkg_scale": values.bkgScale = value
        default: return false
        }
        return true
    }
}

extension ChallengeSpec.Nuisance {
    /// One draw from the prior, clamped into the clip range (one standard normal `z` from
    /// `rng.nextGaussian()`):
    /// ```
    /// normal:     x = clamp(mean + sigma z)
    /// lognormal:  x = clamp(exp(logMean + logSigma z))
    /// ```
    /// Clamping (not redrawing) is what the reference does (`np.clip`): the clip edges carry
    /// the prior's tail mass.
    public func draw(using rng: inout SeededGenerator) -> Double {
        let z = rng.nextGaussian()
        switch prior {
        case let .normal(mean, sigma): return clip.clamp(mean + sigma * z)
        case let .lognormal(logMean, logSigma): return clip.clamp(Foundation.exp(logMean + logSigma * z))
        }
    }
}

extension ChallengeSpec {
    /// The nuisance values of one pseudo-experiment: each nuisance of the spec drawn in
    /// document order from `rng`; those the spec leaves out stay nominal.
    public func drawNuisances(using rng: inout SeededGenerator) -> NuisanceValues {
        var values = NuisanceValues.nominal
        for nuisance in nuisances {
            let drawn = nuisance.draw(using: &rng)
            // Names were checked against knownNuisances when the spec was loaded.
            ChallengeSpec.set(nuisance.name, to: drawn, in: &values)
        }
        return values
    }

    /// A true signal strength from the mu prior: `min + (max - min) u`, u uniform in [0, 1).
    public func drawMu(using rng: inout SeededGenerator) -> Double {
        rng.nextDouble(in: muPrior.min, muPrior.max)
    }

    /// Expected events of `process` in one pseudo-experiment at mu = 1 and nominal nuisances:
    /// ```
    /// expected = expected_events[process] * luminosity / yields.luminosity
    /// ```
    public func expectedEvents(_ process: PhysicsProcess) -> Double {
        (yields.expectedEvents[process] ?? 0) * luminosity / yields.referenceLuminosity
    }

    /// The normalisation factor of `process` at signal strength `mu` and nuisance values
    /// `nuisances`, as the spec's `acts_on` lists state it:
    /// ```
    /// signal:      mu
    /// background:  product of the values of every scale whose normalisation list names it
    /// ```
    public func normalisation(of process: PhysicsProcess, mu: Double, nuisances values: NuisanceValues) -> Double {
        if process.isSignal { return mu }
        var factor = 1.0
        for nuisance in nuisances {
            if case let .normalisation(processes) = nuisance.actsOn, processes.contains(process),
               let value = ChallengeSpec.value(of: nuisance.name, in: values) {
                factor *= value
            }
        }
        return factor
    }

    /// The phase named `name`, if any.
    public func phase(named name: String) -> Phase? {
        phases.first { $0.name == name }
    }

    /// The nuisance named `name`, if the spec has it.
    public func nuisance(named name: String) -> Nuisance? {
        nuisances.first { $0.name == name }
    }
}

import Foundation
