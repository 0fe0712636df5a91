#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PluginHost
import PseudoExperiments
import Scoring

/// A FAIR Universe challenge submission (a directory holding `model.py`), run unmodified: as a
/// sandboxed plugin through the Python adapter `clients/python/fair_universe_adapter.py`, which
/// calls `Model(get_train_set, systematics)`, `fit()` and `predict(test_set)` as the challenge's
/// ingestion does (see `datasets-spec/plugin-protocol-v2.md`).
///
/// The adapter and the protocol client are carried inside the binary (``embeddedClient``,
/// generated from `clients/python/`) and written to a directory of this user's under the
/// temporary directory, so that a `bench` copied anywhere runs submissions.
///
/// The submission is recorded under its directory's name; its code hash covers every file in
/// it and the adapter:
/// ```
/// SHA256("fair-uq-bench fair-universe submission v1\n"
///        + "adapter " + SHA256(fair_universe_adapter.py) + "\n" + "client " + SHA256(fair_uq_plugin.py) + "\n"
///        + for each regular file below the directory, by relative path in byte order
///          (`__pycache__` and `.git` left out): path + " " + SHA256(file) + "\n",
///          and for each symbolic link: path + " -> " + its target + "\n")
/// ```
/// so that any change of the submission's code, helper modules or saved weights is a new version.
public struct FairUniverseSubmission: Sendable {
    /// The submission directory (holding `model.py`).
    public var directory: String
    /// The Python interpreter (a path, or a name looked up on `PATH`): a user's venv or conda
    /// environment brings its packages. Its installation prefix is mounted in the sandbox.
    public var python: String
    public var name: String?
    public var codeHash: String?
    public var sandbox: SandboxPolicy
    public var allowUnsandboxed: Bool
    /// The plugin host's limits (see ``PluginSubmission/limits``).
    public var limits: PluginLimits

    public init(directory: String, python: String = "python3", name: String? = nil, codeHash: String? = nil,
                sandbox: SandboxPolicy = SandboxPolicy(), allowUnsandboxed: Bool = false, limits: PluginLimits = PluginLimits()) {
        self.limits = limits
        self.directory = directory
        self.python = python
        self.name = name
        self.codeHash = codeHash
        self.sandbox = sandbox
        self.allowUnsandboxed = allowUnsandboxed
    }

    /// The names of the embedded client files (`clients/python/*.py`), sorted.
    public static var embeddedClientNames: [String] { embeddedClient.map(\.name) }

    /// The text of one embedded client file as the file holds it, or nil.
    public static func embeddedClientText(_ name: String) -> String? {
        embeddedClient.first { $0.name == name }.map { $0.text + "\n" }
    }

    /// The submission directory, absolute and standardised; throws when it holds no `model.py`.
    public func checkedDirectory() throws -> String {
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EvaluationError.invalidOptions("--fair-universe \(directory): no such directory (give the directory holding the submission's model.py)")
        }
        guard FileManager.default.fileExists(atPath: path + "/model.py") else {
            throw EvaluationError.invalidOptions("--fair-universe \(directory): the directory holds no model.py (a FAIR Universe submission defines class Model in model.py)")
        }
        return path
    }

    /// The plugin submission that runs it: `PYTHON ADAPTER DIR`, the interpreter's prefix read-only.
    public func pluginSubmission() throws -> PluginSubmission {
        let dir = try checkedDirectory()
        guard let interpreter = Self.resolve(python) else {
            throw EvaluationError.invalidOptions("--python \(python): no executable found (give the path of the interpreter, e.g. ~/venv/bin/python)")
        }
        let client = try Self.writeClient()
        var policy = sandbox
        policy.readOnlyPaths += Self.prefixes(of: interpreter)
        let hash = try codeHash ?? Self.codeHash(of: dir)
        let program = ProcessEstimator.Program.executable(path: interpreter, arguments: [client + "/fair_universe_adapter.py", dir])
        return PluginSubmission(program: program, name: name ?? (dir as NSString).lastPathComponent, codeHash: hash,
                                sandbox: policy, allowUnsandboxed: allowUnsandboxed, limits: limits)
    }

    /// The contestant (see ``PluginSubmission/contestant(options:)``).
    public func contestant(options: EvaluationOptions) throws -> Contestant {
        try pluginSubmission().contestant(options: options)
    }

    /// The code hash of a submission directory (see the type's documentation).
    public static func codeHash(of directory: String) throws -> String {
        var text = "fair-uq-bench fair-universe submission v1\n"
        for (name, body) in embeddedClient {
            text += (name == "fair_universe_adapter.py" ? "adapter " : "client ") + SHA256.hash(Array((body + "\n").utf8)).hex + "\n"
        }
        let root = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw EvaluationError.invalidOptions("--fair-universe \(directory): the directory cannot be read")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let last = (relative as NSString).lastPathComponent
            if last == "__pycache__" || last == ".git" { walker.skipDescendants(); continue }
            var info = stat()
            if lstat(directory + "/" + relative, &info) == 0,
               info.st_mode & S_IFMT == S_IFREG || info.st_mode & S_IFMT == S_IFLNK { files.append(relative) }
        }
        for relative in files.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = directory + "/" + relative
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                // The copy keeps links as links: where one points is part of the version.
                text += relative + " -> " + target + "\n"
            } else {
                text += relative + " " + (try SHA256.hash(fileAt: root.appendingPathComponent(relative))).hex + "\n"
            }
        }
        return SHA256.hash(Array(text.utf8)).hex
    }

    /// The interpreter's absolute path: `python` itself when it names a file, else looked up on `PATH`.
    static func resolve(_ python: String) -> String? {
        PathLookup.executable(named: python).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    /// The installation prefixes an interpreter needs besides the system: for `P/bin/python`
    /// (a venv, a conda environment, a pyenv version) `P`, and the same for the file its links
    /// end at; never a system directory (mounted anyway) or a home directory (never mounted).
    static func prefixes(of interpreter: String) -> [String] {
        var found: [String] = []
        let system = ["/", "/usr", "/usr/local", "/bin", "/lib", "/opt"]
        let homes = Set([NSHomeDirectory(), ProcessInfo.processInfo.environment["HOME"] ?? ""].filter { !$0.isEmpty })
        for path in [interpreter, URL(fileURLWithPath: interpreter).resolvingSymlinksInPath().path] {
            let bin = (path as NSString).deletingLastPathComponent
            guard (bin as NSString).lastPathComponent == "bin" else { continue }
            let prefix = (bin as NSString).deletingLastPathComponent
            if system.contains(prefix) || homes.contains(where: { $0 == prefix || $0.hasPrefix(prefix + "/") }) { continue }
            if !found.contains(prefix) { found.append(prefix) }
        }
        return found
    }

    /// Writes the embedded client to `<tmp>/fair-uq-python-client-<uid>-<hash>/` (once per
    /// content) and returns the directory. A directory of that name that is not this user's, is
    /// writable by others or holds other bytes is not used: a fresh one is made instead.
    static func writeClient() throws -> String {
        let digest = SHA256.hash(Array(embeddedClient.map { $0.name + "\n" + $0.text }.joined(separator: "\n").utf8)).hex
        let base = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        let target = base + "/fair-uq-python-client-\(getuid())-" + digest.prefix(16)
        if isTrustworthy(target) { return target }
        var template = Array((base + "/fair-uq-python-client-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw EvaluationError.invalidOptions("cannot create a directory in \(base) for the Python adapter: \(String(cString: strerror(errno)))")
        }
        let fresh = String(cString: made)
        chmod(fresh, 0o755)
        for (name, text) in embeddedClient {
            do {
                try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: fresh + "/" + name))
                chmod(fresh + "/" + name, 0o644)   // whatever the umask: isTrustworthy wants no group or other write
            } catch {
                throw EvaluationError.invalidOptions("cannot write the Python adapter to \(fresh): \(error.localizedDescription)")
            }
        }
        // Publish under the content name; if another process got there first, use theirs when sound.
        if rename(fresh, target) == 0 { return target }
        if isTrustworthy(target) {
            try? FileManager.default.removeItem(atPath: fresh)
            return target
        }
        return fresh
    }

    private static func isTrustworthy(_ dir: String) -> Bool {
        var info = stat()
        guard lstat(dir, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
              info.st_mode & 0o022 == 0 else { return false }
        for (name, text) in embeddedClient {
            var fileInfo = stat()
            let path = dir + "/" + name
            guard lstat(path, &fileInfo) == 0, fileInfo.st_mode & S_IFMT == S_IFREG, fileInfo.st_uid == getuid(),
                  fileInfo.st_mode & 0o022 == 0,
                  let data = FileManager.default.contents(atPath: path), data == Data((text + "\n").utf8) else { return false }
        }
        return true
    }
}
