#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Path helpers of the sandbox: `PATH` search, absolute and resolved paths, containment.
public enum PathLookup {
    /// The directories of `PATH` (absolute ones only: a relative entry depends on the directory).
    static var searchPath: [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            .split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
    }

    /// The first executable file `name` on `PATH`, or `name` itself when it contains a slash.
    public static func executable(named name: String) -> String? {
        if name.contains("/") {
            return FileManager.default.isExecutableFile(atPath: name) ? name : nil
        }
        for dir in searchPath {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `path` made absolute against `directory` and standardised (no `.`, `..` or `//`).
    static func absolute(_ path: String, in directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// `path` with every symbolic link resolved, or nil if it does not exist.
    static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether `path` is `ancestor` or lies inside it (both absolute and standardised).
    static func isWithin(_ path: String, _ ancestor: String) -> Bool {
        if ancestor == "/" { return true }
        return path == ancestor || path.hasPrefix(ancestor + "/")
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// The current working directory of the harness.
    static var currentDirectory: String { FileManager.default.currentDirectoryPath }
}
