import ArgumentParser
import Foundation
import PseudoExperiments

/// Every line `bench` writes: to standard output through this module's ``print(_:separator:terminator:)``
/// (which shadows the standard library's in this module), to standard error through
/// ``Terminal/error(_:)``, and an error that ends a command through ``Bench/main()``. Each
/// escapes the characters a terminal would act on (``TerminalText/escaped(_:)``): a plugin's
/// error message, log or name, a stored value or a line of a bad input file can reach a
/// terminal only as visible text, never as a cursor move, an overwrite or a bell.
enum Terminal {
    /// Writes `text` and a line feed to standard error, escaped.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.escaped(text) + "\n").utf8))
    }
}

/// The standard library's `print`, escaped for a terminal (``TerminalText/escaped(_:)``; line
/// feeds kept). JSON stays the same JSON: the escapes are JSON's own `\uXXXX`.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(TerminalText.escaped(text), terminator: TerminalText.escaped(terminator))
}

extension Bench {
    /// ArgumentParser's `main`, with the message of an error that ends a command escaped.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success {
                    print(message)
                } else {
                    Terminal.error(message)
                }
            }
            exit(withError: ExitCode(code.rawValue))
        }
    }
}
