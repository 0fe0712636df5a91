/// How a plugin is confined: whether to use the sandbox, and which paths it may or may not see.
///
/// With bubblewrap (`bwrap`, Debian package `bubblewrap`) a plugin runs in new namespaces
/// (no network, its own process tree, no IPC with the host) on an empty root where only these
/// are mounted, read-only unless stated:
/// - the system: `/usr`, `/bin`, `/sbin`, `/lib*`, `/etc`; `/dev` (minimal), `/proc` (its own),
///   an empty writable `/tmp` (tmpfs, as large as the memory limit);
/// - the runtime: every directory of `PATH` outside the system, as its installation prefix when
///   it is called `bin`, `sbin` or `shims` (`/opt/swift/usr/bin` -> `/opt/swift/usr`,
///   `~/.pyenv/shims` -> `~/.pyenv`), so interpreters and the Swift runtime work;
/// - the plugin's own files: every existing path its command line names: a directory itself, a
///   file its directory (the prefix above, for a file in a `bin` directory), also the values of
///   `VAR=a:b` words, so `PYTHONPATH=clients/python python3 my/estimator.py` exposes both;
/// - ``readOnlyPaths``;
/// - the exchange files of its role: the training pool and transformed pools while fitting,
///   the model directory (writable while fitting), its own pseudo-experiment event file.
///
/// ``hiddenPaths`` (the database, the sets' truth files) are then masked wherever they fall
/// under a mounted directory (an empty file or directory in their place); a plugin path inside
/// a hidden path is refused. Masking needs the path to exist when the plugin starts.
public struct SandboxPolicy: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Use bubblewrap when it works here; otherwise run unconfined and say so.
        case automatic
        /// Use bubblewrap or refuse to run the plugin.
        case required
        /// Run unconfined (trusted plugins, debugging).
        case disabled
    }

    public var mode: Mode
    /// Further files and directories the plugin may read.
    public var readOnlyPaths: [String]
    /// Files and directories the plugin must never see.
    public var hiddenPaths: [String]

    public init(mode: Mode = .automatic, readOnlyPaths: [String] = [], hiddenPaths: [String] = []) {
        self.mode = mode
        self.readOnlyPaths = readOnlyPaths
        self.hiddenPaths = hiddenPaths
    }
}
