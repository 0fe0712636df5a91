#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The mounts of one sandboxed plugin process, turned into bubblewrap arguments.
///
/// Paths are mounted at the place the plugin knows them by (absolute, standardised), so no path
/// in a message needs translating. See ``SandboxPolicy`` for what is mounted and why.
struct SandboxMounts {
    /// System directories mounted read-only (or recreated as the symbolic links they are).
    static let systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"]

    var readOnly: [String] = []
    var writable: [String] = []
    var hidden: [String] = []
    var workingDirectory: String

    /// Namespaces, the system directories, `/dev`, `/proc` and a `/tmp` of `tmpfsBytes`.
    static func baseArguments(tmpfsBytes: Int) -> [String] {
        var args = ["--unshare-all", "--die-with-parent", "--new-session"]
        for dir in systemDirectories {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: dir) {
                args += ["--symlink", target, dir]
            } else if PathLookup.isDirectory(dir) {
                args += ["--ro-bind", dir, dir]
            }
        }
        args += ["--dev", "/dev", "--proc", "/proc", "--size", String(tmpfsBytes), "--tmpfs", "/tmp"]
        return args
    }

    /// The home directories of the harness's user (`$HOME` and the password database's), as
    /// given and resolved: never mounted whole, nor any directory above them.
    static var homeDirectories: [String] {
        var homes: [String] = []
        if let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/") { homes.append(home) }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { homes.append(String(cString: dir)) }
        var all: [String] = []
        for home in homes {
            for path in [PathLookup.absolute(home, in: "/"), PathLookup.resolved(home)].compactMap({ $0 })
                where !all.contains(path) {
                all.append(path)
            }
        }
        return all
    }

    /// Whether mounting `path` would expose a whole home directory: it is `/`, a home
    /// directory, or lies above one.
    static func exposesHome(_ path: String, homes: [String] = homeDirectories) -> Bool {
        let candidates = [path, PathLookup.resolved(path)].compactMap { $0 }
        return candidates.contains { p in p == "/" || homes.contains { PathLookup.isWithin($0, p) } }
    }

    /// The installation prefixes of the `PATH` directories outside the system directories; a
    /// `bin` directory whose prefix would be a home directory (`$HOME/bin`) or lie above one is
    /// mounted alone.
    static func runtimeRoots() -> [String] {
        var roots: [String] = []
        let homes = homeDirectories
        for dir in PathLookup.searchPath where PathLookup.isDirectory(dir) {
            let standard = PathLookup.absolute(dir, in: "/")
            if systemDirectories.contains(where: { PathLookup.isWithin(standard, $0) }) { continue }
            if standard.hasPrefix("/usr/") || standard == "/usr" { continue }
            let last = (standard as NSString).lastPathComponent
            var root = ["bin", "sbin", "shims"].contains(last) ? (standard as NSString).deletingLastPathComponent : standard
            if exposesHome(root, homes: homes) { root = standard }
            if exposesHome(root, homes: homes) { continue }
            if !roots.contains(root) { roots.append(root) }
        }
        return roots
    }

    /// The paths a plugin program names: for an executable its directory, for a shell command
    /// every existing path among its words (and in `VAR=a:b` values), a file as its directory
    /// (or as the prefix above it when that directory is called `bin`); never a home directory
    /// or one above it (a file there is mounted alone).
    static func pluginPaths(of program: ProcessEstimator.Program, workingDirectory: String) -> [String] {
        var words: [String] = []
        switch program {
        case let .executable(path, arguments):
            words = [path] + arguments
        case let .shell(command):
            words = command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        var candidates: [String] = []
        for word in words {
            let unquoted = word.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if let eq = unquoted.firstIndex(of: "="), !unquoted[..<eq].contains("/") {
                candidates += unquoted[unquoted.index(after: eq)...].split(separator: ":").map(String.init)
            } else {
                candidates.append(unquoted)
            }
        }
        var paths: [String] = []
        let homes = homeDirectories
        for candidate in candidates where !candidate.isEmpty && !candidate.hasPrefix("-") {
            // Bare names (python3, sh) are looked up on PATH at run time: they are runtime, not plugin files.
            guard candidate.contains("/") || candidate == "." else { continue }
            let absolute = PathLookup.absolute(candidate, in: workingDirectory)
            guard PathLookup.exists(absolute) else { continue }
            var path = PathLookup.isDirectory(absolute) ? absolute : (absolute as NSString).deletingLastPathComponent
            // An interpreter named by its path (/opt/python/bin/python3) needs its whole prefix.
            if path != absolute, (path as NSString).lastPathComponent == "bin",
               !exposesHome((path as NSString).deletingLastPathComponent, homes: homes) {
                path = (path as NSString).deletingLastPathComponent
            }
            if systemDirectories.contains(where: { PathLookup.isWithin(path, $0) }) { continue }
            // Never a whole home directory: a file directly in it is mounted alone, the
            // directory itself (or one above it) not at all.
            if exposesHome(path, homes: homes) {
                guard path != absolute else { continue }
                path = absolute
            }
            if !paths.contains(path) { paths.append(path) }
        }
        return paths
    }

    /// The bubblewrap arguments, up to and including `--`; throws
    /// ``PluginError/sandboxConflict(path:hidden:)`` when a mounted path lies in a hidden one.
    func arguments(tmpfsBytes: Int) throws -> [String] {
        let hiddenResolved = hidden.compactMap { h -> (given: String, real: String)? in
            PathLookup.resolved(h).map { (h, $0) }
        }
        var mounts: [(path: String, real: String, writable: Bool)] = []
        for (path, isWritable) in readOnly.map({ ($0, false) }) + writable.map({ ($0, true) }) {
            guard let real = PathLookup.resolved(path) else { continue }
            if let h = hiddenResolved.first(where: { PathLookup.isWithin(real, $0.real) }) {
                throw PluginError.sandboxConflict(path: path, hidden: h.given)
            }
            if let i = mounts.firstIndex(where: { $0.path == path }) {
                mounts[i].writable = mounts[i].writable || isWritable
            } else {
                mounts.append((path, real, isWritable))
            }
        }
        // Parents before children, so that a writable directory inside a read-only one wins.
        mounts.sort { depth($0.path) < depth($1.path) || (depth($0.path) == depth($1.path) && $0.path < $1.path) }
        var args = SandboxMounts.baseArguments(tmpfsBytes: tmpfsBytes)
        for m in mounts {
            args += [m.writable ? "--bind" : "--ro-bind", m.real, m.path]
        }
        // Mask every hidden path that a mount (or a system directory) makes visible.
        let visible = mounts.map { ($0.path, $0.real) } + SandboxMounts.systemDirectories.compactMap { d in
            PathLookup.resolved(d).map { (d, $0) }
        }
        var masked: [String] = []
        for h in hiddenResolved {
            for (path, real) in visible where PathLookup.isWithin(h.real, real) {
                let inside = path + String(h.real.dropFirst(real == "/" ? 0 : real.count))
                if masked.contains(inside) { continue }
                masked.append(inside)
                if PathLookup.isDirectory(h.real) {
                    args += ["--tmpfs", inside, "--remount-ro", inside]
                } else {
                    args += ["--ro-bind", "/dev/null", inside]
                }
            }
        }
        if !mounts.contains(where: { PathLookup.isWithin(workingDirectory, $0.path) }) {
            args += ["--dir", workingDirectory]
        }
        args += ["--chdir", workingDirectory, "--"]
        return args
    }

    private func depth(_ path: String) -> Int { path.split(separator: "/").count }
}
