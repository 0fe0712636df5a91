import ArgumentParser
import Foundation
import PluginHost

/// `--memory-limit` and `--address-space-limit` of `bench evaluate`: the memory limits of a
/// plugin's processes (``PluginLimits/memoryBytes``, ``PluginLimits/addressSpaceBytes``).
///
/// Sizes are a number and a unit: binary `KiB MiB GiB TiB` (also `K M G T`), decimal
/// `kB MB GB TB`, `B` or none for bytes; `none` for no limit. Case does not matter.
struct PluginLimitOptions: ParsableArguments {
    @Option(name: .customLong("memory-limit"), help: ArgumentHelp(
        "Memory a plugin's processes may use together (the sum of their proportional set sizes; the fit and each "
            + "worker have their own): above it they are killed and the pseudo-experiment fails saying so. "
            + "A size such as 4GiB or 512MiB, or none (default: \(PluginLimitOptions.text(PluginLimits().memoryBytes))).",
        valueName: "size"))
    var memoryLimit: String?

    @Option(name: .customLong("address-space-limit"), help: ArgumentHelp(
        "Address space of each plugin process (RLIMIT_AS: allocations beyond fail). Off by default: torch, TensorFlow "
            + "and JAX reserve tens of GB at import. A size such as 8GiB, or none (default: none).",
        valueName: "size"))
    var addressSpaceLimit: String?

    func validate() throws {
        _ = try limits()
    }

    /// `base` with the limits given on the command line.
    func limits(_ base: PluginLimits = PluginLimits()) throws -> PluginLimits {
        var limits = base
        if let memoryLimit { limits.memoryBytes = try Self.bytes(memoryLimit, option: "--memory-limit") }
        if let addressSpaceLimit { limits.addressSpaceBytes = try Self.bytes(addressSpaceLimit, option: "--address-space-limit") }
        return limits
    }

    /// The bytes `text` names (nil for `none`), or an error naming `option` and the value.
    static func bytes(_ text: String, option: String) throws -> Int? {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if word == "none" || word == "unlimited" { return nil }
        let number = word.prefix { $0.isNumber || $0 == "." }
        let unit = word.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        let units: [String: Double] = [
            "": 1, "b": 1,
            "k": 0x1p10, "kib": 0x1p10, "m": 0x1p20, "mib": 0x1p20, "g": 0x1p30, "gib": 0x1p30, "t": 0x1p40, "tib": 0x1p40,
            "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
        ]
        guard let value = Double(number), let scale = units[unit], value > 0, value * scale < 0x1p62 else {
            throw ValidationError("\(option) takes a size such as 4GiB, 512MiB or 1.5GB, or none for no limit; got '\(text)'.")
        }
        let bytes = Int(value * scale)
        guard bytes >= 16 << 20 else {
            throw ValidationError("\(option) \(text) is too small: a plugin needs at least 16 MiB to start (pass none for no limit).")
        }
        return bytes
    }

    /// "4GiB", "512MiB", "none": how a default is shown in the help.
    static func text(_ bytes: Int?) -> String {
        guard let bytes else { return "none" }
        for (unit, shift) in [("GiB", 30), ("MiB", 20)] where bytes % (1 << shift) == 0 { return "\(bytes >> shift)\(unit)" }
        return "\(bytes)"
    }
}
