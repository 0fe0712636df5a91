import Foundation

/// Files and directories that appear complete or not at all: written under a temporary name
/// beside their target (same file system) and renamed into place when complete. A crash leaves
/// at most a `.NAME.partial-...` entry, which nothing takes for a finished file.
enum AtomicFile {
    /// A temporary name beside `url`.
    static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    }

    /// Writes `data` to `url`, replacing any file there only once the new one is complete.
    static func write(_ data: Data, to url: URL) throws {
        let temporary = temporaryURL(for: url)
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SetError.io(file: url.path, action: "write", reason: reason(error))
        }
        try moveIntoPlace(temporary, url, replacing: true)
    }

    /// Renames `temporary` to `url`. Without `replacing`, an existing `url` is an error (for
    /// directories, whose rename over a non-empty one fails anyway). The temporary is removed
    /// on failure.
    static func moveIntoPlace(_ temporary: URL, _ url: URL, replacing: Bool) throws {
        if !replacing && FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.removeItem(at: temporary)
            throw SetError.outputExists(path: url.path)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SetError.io(file: url.path, action: "move the finished result into place as", reason: why)
        }
    }

    /// A new empty temporary directory beside `url`.
    static func temporaryDirectory(for url: URL) throws -> URL {
        let temporary = temporaryURL(for: url)
        do {
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw SetError.io(file: url.path, action: "create",
                              reason: "cannot create a directory in '\(url.deletingLastPathComponent().path)' (\(reason(error)))")
        }
        return temporary
    }

    /// The system's reason for a file error, without Foundation's wrapping.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError { return underlying.localizedDescription }
        return ns.localizedDescription
    }
}
