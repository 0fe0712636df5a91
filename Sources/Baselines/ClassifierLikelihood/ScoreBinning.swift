import PseudoExperiments

/// The bins of a classifier's score: each row is scored by the boosted trees and binned.
public struct ScoreBinning: EventBinning, Equatable, Codable {
    public let classifier: BoostedTrees
    public let edges: BinEdges

    public init(classifier: BoostedTrees, edges: BinEdges) {
        self.classifier = classifier
        self.edges = edges
    }

    public var binCount: Int { edges.binCount }
    public var features: [Feature] { Feature.allCases }

    public func bins(of events: some FeatureColumns) -> [Int32] {
        classifier.scores(events).map { Int32(edges.bin($0)) }
    }
}
