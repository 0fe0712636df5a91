import Foundation

/// What `fit` gets: the challenge spec, the training pool, the systematics transform on
/// request, a seed and the directory to save the model in.
public struct FitContext {
    public let spec: ChallengeDocument
    /// The spec's canonical JSON, for what ``ChallengeDocument`` leaves out.
    public let specJSON: Data
    /// The feature columns of every event file, in order.
    public let features: [String]
    /// The training pool: features, weights (expected events per row) and process codes.
    public let training: EventFile
    /// Where the model must be saved; workers load it from here.
    public let modelDirectory: URL
    /// Seed for the fit's own randomness.
    public let seed: UInt64

    let channel: Channel
    private var nextID = 1

    init(spec: ChallengeDocument, specJSON: Data, features: [String], training: EventFile,
         modelDirectory: URL, seed: UInt64, channel: Channel) {
        self.spec = spec
        self.specJSON = specJSON
        self.features = features
        self.training = training
        self.modelDirectory = modelDirectory
        self.seed = seed
        self.channel = channel
    }

    /// The training pool after the systematics transform at these nuisance values, as a new
    /// labelled event file. Soft-MET noise comes from `seed` if given, else from the harness's
    /// training generator. Normalisation nuisances do not change events: scale the weights.
    public mutating func transform(tes: Double = 1, jes: Double = 1, softMet: Double = 0,
                                   applyCuts: Bool = true, seed: UInt64? = nil) throws -> EventFile {
        let id = nextID
        nextID += 1
        var fields = [
            "\"type\":\"transform\"", "\"id\":\(id)",
            "\"nuisances\":{\"tes\":\(Channel.number(tes)),\"jes\":\(Channel.number(jes)),\"soft_met\":\(Channel.number(softMet))}",
            "\"apply_cuts\":\(applyCuts)",
        ]
        if let seed { fields.append("\"seed\":\(seed)") }
        let reply = try channel.request("{" + fields.joined(separator: ",") + "}", id: id, expecting: "transformed")
        guard let events = reply.events else { throw PluginFailure("the harness's transformed reply names no file") }
        var file = try channel.openEvents(events.path, rows: events.rows)
        file.requestID = id
        return file
    }

    /// Lets the harness delete a transformed pool that is no longer needed.
    public mutating func discard(_ file: EventFile) throws {
        guard let id = file.requestID else { return }
        channel.forget(file.path)
        _ = try channel.request("{\"type\":\"discard\",\"id\":\(id)}", id: id, expecting: "discarded")
    }
}
