/// Text from outside the harness (a plugin's error message or log, a submission's name, a
/// damaged stored value, a line of a bad input file) made safe to show on a terminal and
/// bounded in length.
///
/// A terminal obeys the control characters in what it prints: ESC starts sequences that move
/// the cursor, recolour, retitle the window or rewrite earlier lines; CR returns to the start
/// of the line and lets a later text overwrite a verdict; BEL rings. A submission could print
/// `\r\u{1B}[2K` followed by a forged "coverage 0.683" over the harness's own line. Every line
/// `bench` writes goes through ``escaped(_:)``: each character that a terminal could act on
/// becomes a visible `\uXXXX` escape:
/// ```
/// C0 controls  U+0000...U+001F except LF (U+000A)   (ESC, CR, BEL, TAB, BS, ...)
/// DEL          U+007F
/// C1 controls  U+0080...U+009F                     (CSI U+009B acts like ESC [ on some terminals)
/// line separators U+2028, U+2029
/// bidirectional overrides and isolates U+202A...U+202E, U+2066...U+2069, marks U+200E, U+200F,
///              U+061C (they reorder what a reader sees: "trojan source")
/// ```
/// The `\uXXXX` form is JSON's own escape, so an escaped JSON document is the same JSON (these
/// characters only ever occur inside its strings), and a table stays readable. LF is kept:
/// the harness's own multi-line output, and so is CR directly before LF (a CSV line end,
/// harmless: the line is ended either way); a single field (a name, a message quoted in a line)
/// uses ``escapedField(_:)``, which escapes LF too.
///
/// ```swift
/// TerminalText.escaped("ok\r\u{1B}[2Kforged")   // ok\u000D\u001B[2Kforged
/// TerminalText.quoted(String(repeating: "x", count: 10_000_000), limit: 40)
/// // 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' ... (9999960 more bytes)
/// ```
public enum TerminalText {
    /// Whether a terminal could act on `scalar` (the list above; LF excluded).
    @inlinable
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069,
             0x200E, 0x200F, 0x061C:
            return true
        default: return false
        }
    }

    /// `text` with every character a terminal could act on written as `\uXXXX`; LF and CR LF kept.
    public static func escaped(_ text: String) -> String {
        escape(text, lineFeeds: false)
    }

    /// `text` as one field of a line: like ``escaped(_:)``, and LF as `\u000A` too.
    public static func escapedField(_ text: String) -> String {
        escape(text, lineFeeds: true)
    }

    /// At most `limit` characters of `text` as one field, in single quotes, followed by how much
    /// was left out: the way an error message quotes bad input (a 10 MB line stays a line).
    public static func quoted(_ text: String, limit: Int = 200) -> String {
        var prefix = Substring(text)
        var rest = 0
        if text.utf8.count > limit {
            let end = text.index(text.startIndex, offsetBy: limit, limitedBy: text.endIndex) ?? text.endIndex
            prefix = text[..<end]
            rest = end == text.endIndex ? 0 : text.utf8.count - prefix.utf8.count
        }
        let quoted = "'" + escapedField(String(prefix)) + "'"
        return rest == 0 ? quoted : quoted + " ... (\(rest) more bytes)"
    }

    private static func escape(_ text: String, lineFeeds: Bool) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) || (lineFeeds && $0 == "\n") }) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            // CR LF ends a line (CSV's line end, RFC 4180); a CR alone returns over the line.
            let lineEnd = !lineFeeds && scalar == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n"
            if !lineEnd && (isUnsafe(scalar) || (lineFeeds && scalar == "\n")) {
                out.append(contentsOf: "\\u".unicodeScalars)
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: (String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
