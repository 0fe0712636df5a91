import Foundation

/// One value for each of the four processes (rows of a pool, yields, sums of weights, ...).
///
/// Encoded as a JSON object keyed by the process names (`{"htautau": 336, ...}`).
public struct PerProcess<Value> {
    public var htautau: Value
    public var ztautau: Value
    public var ttbar: Value
    public var diboson: Value

    public init(htautau: Value, ztautau: Value, ttbar: Value, diboson: Value) {
        self.htautau = htautau; self.ztautau = ztautau; self.ttbar = ttbar; self.diboson = diboson
    }

    /// The same value for every process.
    public init(repeating value: Value) {
        self.init(htautau: value, ztautau: value, ttbar: value, diboson: value)
    }

    /// The value of each process from `value(process)`.
    public init(_ value: (PhysicsProcess) throws -> Value) rethrows {
        self.init(htautau: try value(.htautau), ztautau: try value(.ztautau),
                  ttbar: try value(.ttbar), diboson: try value(.diboson))
    }

    public subscript(process: PhysicsProcess) -> Value {
        get {
            switch process {
            case .htautau: return htautau
            case .ztautau: return ztautau
            case .ttbar: return ttbar
            case .diboson: return diboson
            }
        }
        set {
            switch process {
            case .htautau: htautau = newValue
            case .ztautau: ztautau = newValue
            case .ttbar: ttbar = newValue
            case .diboson: diboson = newValue
            }
        }
    }

    /// The values transformed one by one.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> PerProcess<T> {
        try PerProcess<T> { try transform(self[$0]) }
    }
}

extension PerProcess: Sendable where Value: Sendable {}
extension PerProcess: Equatable where Value: Equatable {}
extension PerProcess: Hashable where Value: Hashable {}

extension PerProcess: Codable where Value: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        try self.init { try c.decode(Value.self, forKey: Key(stringValue: $0.rawValue)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for process in PhysicsProcess.allCases { try c.encode(self[process], forKey: Key(stringValue: process.rawValue)) }
    }
}

extension PerProcess where Value: AdditiveArithmetic {
    /// The sum over the processes.
    public var total: Value { htautau + ztautau + ttbar + diboson }
}
