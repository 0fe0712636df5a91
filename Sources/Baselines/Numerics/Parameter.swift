/// A fit parameter: its name, start value and box bounds.
///
/// Bounds may be infinite. A parameter with `lower == upper` is fixed at that value: the
/// minimiser leaves it alone, which is how a profile likelihood fixes the parameter of interest.
public struct Parameter: Equatable, Sendable, Codable {
    public var name: String
    public var start: Double
    public var lower: Double
    public var upper: Double

    public init(_ name: String, start: Double, lower: Double = -.infinity, upper: Double = .infinity) {
        self.name = name
        self.start = start
        self.lower = lower
        self.upper = upper
    }

    /// Whether the parameter is fixed (`lower == upper`).
    public var isFixed: Bool { lower == upper }

    /// The parameter fixed at `value` (start and both bounds).
    public func fixed(at value: Double) -> Parameter {
        Parameter(name, start: value, lower: value, upper: value)
    }

    /// `value` moved into [lower, upper].
    @inline(__always)
    public func clamp(_ value: Double) -> Double {
        min(max(value, lower), upper)
    }

    /// Checks that the bounds are ordered and not NaN and that `start` lies within them.
    ///
    /// - Throws: ``FitError/invalidBounds(parameter:lower:upper:)`` or
    ///   ``FitError/startOutsideBounds(parameter:value:lower:upper:)``.
    public func validate(start value: Double? = nil) throws {
        guard !lower.isNaN, !upper.isNaN, lower <= upper, lower < .infinity, upper > -.infinity else {
            throw FitError.invalidBounds(parameter: name, lower: lower, upper: upper)
        }
        let x = value ?? start
        guard x.isFinite, x >= lower, x <= upper else {
            throw FitError.startOutsideBounds(parameter: name, value: x, lower: lower, upper: upper)
        }
    }
}
