/// A simulated physics process of the challenge: the signal and the three backgrounds.
///
/// The raw value is the FAIR Universe `detailed_labels` string; ``code`` is the stable byte
/// stored in binary pool files.
public enum PhysicsProcess: String, CaseIterable, Codable, Sendable, Comparable {
    case htautau
    case ztautau
    case ttbar
    case diboson

    /// Stable numeric code (file formats): htautau 0, ztautau 1, ttbar 2, diboson 3.
    public var code: UInt8 {
        switch self {
        case .htautau: return 0
        case .ztautau: return 1
        case .ttbar: return 2
        case .diboson: return 3
        }
    }

    public init?(code: UInt8) {
        switch code {
        case 0: self = .htautau
        case 1: self = .ztautau
        case 2: self = .ttbar
        case 3: self = .diboson
        default: return nil
        }
    }

    /// The FAIR Universe `labels` value: 1 for the signal, 0 for backgrounds.
    public var label: Int { self == .htautau ? 1 : 0 }

    public var isSignal: Bool { self == .htautau }

    public static func < (a: PhysicsProcess, b: PhysicsProcess) -> Bool { a.code < b.code }
}
