import Foundation

/// Writes event tables to one CSV file chunk by chunk (FAIR Universe columns, the header once),
/// under a temporary name beside the target that is renamed to it by ``finish()``.
final class CSVStreamWriter {
    let url: URL
    private let temporaryURL: URL
    private var handle: FileHandle?
    private var wroteHeader = false

    init(url: URL) throws {
        self.url = url
        temporaryURL = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporaryURL) else {
            throw SimulationError.unwritable(file: url.path, reason: "cannot create a file in '\(url.deletingLastPathComponent().path)'")
        }
        self.handle = handle
    }

    deinit { if handle != nil { cancel() } }

    /// Appends the rows of `table`.
    func append(_ table: EventTable) throws {
        guard let handle else { preconditionFailure("append after finish or cancel") }
        var bytes = table.csvBytes()
        if wroteHeader {
            // csvBytes starts every chunk with the header line; the file has it once.
            if let newline = bytes.firstIndex(of: 10) { bytes.removeSubrange(...newline) }
        }
        wroteHeader = true
        do { try handle.write(contentsOf: bytes) } catch {
            throw SimulationError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Closes the file and moves it into place.
    func finish() throws {
        guard let handle else { preconditionFailure("finish after finish or cancel") }
        if !wroteHeader { try append(EventTable()) }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            cancel()
            throw SimulationError.unwritable(file: url.path, reason: error.localizedDescription)
        }
        self.handle = nil
        guard rename(temporaryURL.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporaryURL)
            throw SimulationError.unwritable(file: url.path, reason: reason)
        }
    }

    /// Abandons the file; the target is untouched.
    func cancel() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(at: temporaryURL)
    }
}
