import PseudoExperiments

/// The bins of one feature: every row falls into one of ``BinEdges``' bins.
public struct FeatureBinning: EventBinning, Equatable, Codable {
    public let feature: Feature
    public let edges: BinEdges

    public init(feature: Feature, edges: BinEdges) {
        self.feature = feature
        self.edges = edges
    }

    public var binCount: Int { edges.binCount }
    public var features: [Feature] { [feature] }

    public func bins(of events: some FeatureColumns) -> [Int32] {
        events.column(feature).map { Int32(edges.bin($0)) }
    }
}

/// A selection by a box of feature ranges: one bin holding the rows inside every range.
///
/// A row is selected when `lower < x <= upper` for each cut (either end may be infinite).
public struct BoxSelection: EventBinning, Equatable, Codable {
    /// One range of one feature.
    public struct Cut: Sendable, Equatable, Codable, CustomStringConvertible {
        public var feature: Feature
        public var lower: Float
        public var upper: Float

        public init(_ feature: Feature, lower: Float = -.infinity, upper: Float = .infinity) {
            self.feature = feature
            self.lower = lower
            self.upper = upper
        }

        public var description: String {
            switch (lower.isFinite, upper.isFinite) {
            case (true, true): return "\(lower) < \(feature.rawValue) <= \(upper)"
            case (true, false): return "\(feature.rawValue) > \(lower)"
            case (false, true): return "\(feature.rawValue) <= \(upper)"
            case (false, false): return "any \(feature.rawValue)"
            }
        }
    }

    public let cuts: [Cut]

    public init(cuts: [Cut]) {
        self.cuts = cuts
    }

    public var binCount: Int { 1 }
    public var features: [Feature] { cuts.map(\.feature) }

    public func bins(of events: some FeatureColumns) -> [Int32] {
        var selected = [Bool](repeating: true, count: events.count)
        for cut in cuts {
            let column = events.column(cut.feature)
            var k = 0
            for x in column {
                if !(x > cut.lower && x <= cut.upper) { selected[k] = false }
                k += 1
            }
        }
        return selected.map { $0 ? 0 : -1 }
    }
}
