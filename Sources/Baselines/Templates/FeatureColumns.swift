import Foundation
import PseudoExperiments

/// Events as columns of the 28 features: what a binning reads, whether the events are a
/// pseudo-experiment's sealed view or a transformed training pool.
public protocol FeatureColumns {
    /// The number of rows.
    var count: Int { get }
    /// The values of `feature`, one per row.
    func column(_ feature: Feature) -> ArraySlice<Float>
}

extension SealedView: FeatureColumns {}
extension TransformedEvents: FeatureColumns {}

extension EventTable: FeatureColumns {
    public func column(_ feature: Feature) -> ArraySlice<Float> { columns[feature.index][...] }
}

extension FeatureColumns {
    /// The first row and feature whose value is NaN or infinite, if any.
    public func firstNonFinite() -> (row: Int, feature: Feature, value: Float)? {
        for feature in Feature.allCases {
            let column = self.column(feature)
            if let i = column.firstIndex(where: { !$0.isFinite }) {
                return (i - column.startIndex, feature, column[i])
            }
        }
        return nil
    }
}
