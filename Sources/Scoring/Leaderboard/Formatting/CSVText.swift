import Foundation

/// Reading and writing CSV as RFC 4180 defines it: fields separated by commas, records by CRLF
/// (LF accepted on input), a field holding a comma, quote or line break enclosed in double
/// quotes with inner quotes doubled.
///
/// ```
/// name,error            ->  ["name", "error"]
/// alpha,"fit ""A"", 2"  ->  ["alpha", "fit \"A\", 2"]
/// ```
public enum CSVText {
    /// One record with the 1-based line on which it starts (a quoted field may span lines).
    public struct Record: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// A quote that is never closed, or text after a closing quote, at `line`.
    public struct SyntaxError: Error, Equatable, Sendable {
        public var line: Int
        public var message: String
    }

    /// The records of `text`; blank lines (outside quotes) are skipped.
    public static func records(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false, afterQuote = false
        var chars = Array(text.unicodeScalars)[...]

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []; field = ""; wasQuoted = false; afterQuote = false
        }

        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append(c) }
                    else { inQuotes = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field); field = ""; wasQuoted = false; afterQuote = false
            case "\r" where chars.first == "\n":
                break   // the LF ends the record
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true; wasQuoted = true
            default:
                if afterQuote {
                    throw SyntaxError(line: line, message: "text after a closing quote (a quote inside a quoted "
                                      + "field must be doubled: \"\")")
                }
                if c == "\"" {
                    throw SyntaxError(line: line, message: "a quote inside an unquoted field (enclose the field in "
                                      + "double quotes and double the inner quote)")
                }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes {
            throw SyntaxError(line: recordLine, message: "a quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }

    /// One field as written: quoted when it holds a comma, quote, CR or LF (or leading/trailing
    /// spaces, which some readers would trim).
    public static func field(_ s: String) -> String {
        let needsQuotes = s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || s.first == " " || s.last == " "
        return needsQuotes ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Records as CSV text, each ended by CRLF.
    public static func text(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}
