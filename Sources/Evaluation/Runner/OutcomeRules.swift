import Foundation
import PseudoExperiments
import Scoring

/// How the runner turns what an estimate call did into the outcome it records: the estimate as
/// returned, plus a failure reason when the call broke the protocol.
///
/// | what happened                           | estimate recorded | failure reason                                   |
/// |-----------------------------------------|-------------------|--------------------------------------------------|
/// | threw an error                          | none              | `the estimator threw an error: <description>`     |
/// | took longer than the limit              | as returned       | `took 75.3 s, over the limit of 60 s ...`          |
/// | p16 or p84 NaN or infinite              | as returned       | `p16 is NaN` (each bad end named)                  |
/// | p16 > p84 (swapped bounds)              | as returned       | `swapped bounds: p16 = 1.2 > p84 = 0.8`            |
///
/// The scoring policy prices every recorded failure alike (the full mu range as width, never
/// covered). A swapped interval is thus a failure here, harsher than the challenge's scorer
/// (which counts its absolute width): an estimator of this harness states `lower <= upper` by
/// contract, and breaking it is a bug to show, not a width to score. Results imported from the
/// challenge's own files keep the challenge's rule. Only the scored 68% interval is checked:
/// `mu_hat`, its uncertainty and the 95% interval are recorded as returned.
enum OutcomeRules {
    /// The longest failure reason kept (an error's description may be a whole log).
    static let maximumReasonLength = 500

    /// The outcome of one estimate call that returned `result` after `seconds`.
    static func outcome(_ key: PseudoExperimentKey, _ result: Result<Estimate, any Error>, seconds: Double,
                        timeLimit: Double) -> PseudoExperimentOutcome {
        let runtime = seconds.isFinite ? max(0, seconds) : 0
        switch result {
        case .failure(let error):
            return PseudoExperimentOutcome(key: key, estimate: nil,
                                           failure: reason("the estimator threw an error: \(describe(error))"),
                                           runtimeSeconds: runtime)
        case .success(let estimate):
            var problems: [String] = []
            if runtime > timeLimit {
                problems.append("took \(format(runtime)) s, over the limit of \(format(timeLimit)) s per pseudo-experiment")
            }
            problems += intervalProblems(estimate.interval68)
            return PseudoExperimentOutcome(key: key, estimate: estimate,
                                           failure: problems.isEmpty ? nil : reason(problems.joined(separator: "; ")),
                                           runtimeSeconds: runtime)
        }
    }

    /// What is wrong with a 68% interval: non-finite ends, then swapped bounds.
    static func intervalProblems(_ interval: ConfidenceInterval) -> [String] {
        var problems: [String] = []
        for (name, value) in [("p16", interval.lower), ("p84", interval.upper)] where !value.isFinite {
            problems.append("\(name) is \(value.isNaN ? "NaN" : (value > 0 ? "+infinity" : "-infinity"))")
        }
        if problems.isEmpty, interval.isSwapped {
            problems.append("swapped bounds: p16 = \(format(interval.lower)) > p84 = \(format(interval.upper))")
        }
        return problems
    }

    /// Whether a recorded failure came from the time limit (the statefulness check does not
    /// compare those: timing is not state).
    static func isTimeLimitFailure(_ failure: String?) -> Bool {
        failure?.contains("over the limit of") ?? false
    }

    /// Whether a failure may come from a stop request rather than from the estimator: a plugin
    /// process killed by SIGINT, SIGTERM or SIGHUP. Ctrl-C signals the terminal's whole process
    /// group and `scancel` (or a cluster's time limit) every process of the job, plugins
    /// included, so such a failure during an interruption is the interruption's, not the
    /// estimator's: it is not recorded, and the pseudo-experiment is estimated again on resume.
    static func mayBeStopSignal(_ failure: String?) -> Bool {
        guard let failure else { return false }
        // "killed by signal 15 (SIGTERM)", or through the sandbox "status 143 (= 128 + 15: ..., SIGTERM)".
        return ["SIGINT)", "SIGTERM)", "SIGHUP)"].contains { failure.contains($0) }
    }

    /// Whether `failure` is to be dropped because the evaluation is being stopped: the
    /// interruption is raised, or the failure looks like a stop signal and the harness's own
    /// signal arrives within `grace` seconds (the plugin may see it first).
    static func isInterruption(_ failure: String?, _ interruption: InterruptFlag, grace: Double = 1) -> Bool {
        guard failure != nil else { return false }
        if interruption.isRaised { return true }
        guard mayBeStopSignal(failure) else { return false }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if interruption.isRaised { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return interruption.isRaised
    }

    /// An error's own words: its `errorDescription` when it is a `LocalizedError` that has one,
    /// else its `description` (or, failing that, its reflection).
    static func describe(_ error: any Error) -> String {
        if let localized = error as? LocalizedError, let text = localized.errorDescription { return text }
        return String(describing: error)
    }

    static func reason(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard flat.count > maximumReasonLength else { return flat }
        return String(flat.prefix(maximumReasonLength - 1)) + "…"
    }

    /// A number with up to 4 significant decimals, shortest form.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let text = String(format: "%.4g", x)
        return text
    }
}
