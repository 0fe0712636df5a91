/// How a plugin is confined: whether to use the sandbox, and which paths it may or may not see.
///
/// With bubblewrap (`bwrap`, Debian package `bubblewrap`) a plugin runs in new namespaces
/// (no network, its own process tree, no IPC with the host) on an empty root where only these
/// are mounted, read-only unless stated:
/// - the system: `/usr`, `/bin`, `/sbin`, `/lib*`, `/etc`; `/dev` (minimal), `/proc` (its own),
///   an empty writable `/tmp` (tmpfs of ``PluginLimits/tmpBytes``);
/// - the runtime: every directory of `PATH` outside the system, as its installation prefix when
///   it is called `bin`, `sbin` or `shims` (`/opt/swift/usr/bin` -> `/opt/swift/usr`,
///   `~/.pyenv/shims` -> `~/.pyenv`), so interpreters and the Swift runtime work; never a home
///   directory or one above it (`$HOME/bin` is mounted alone);
/// - the plugin's own files: every existing path its command line names: a directory itself, a
///   file its directory (the prefix above, for a file in a `bin` directory), also the values of
///   `VAR=a:b` words, so `PYTHONPATH=clients/python python3 my/estimator.py` exposes both;
/// - ``readOnlyPaths``;
/// - the exchange files of its role: the training pool and transformed pools while fitting,
///   the model directory (writable while fitting), its own pseudo-experiment event file.
///
/// ``hiddenPaths`` (the database, the sets' truth files), the simulated pool cache
/// (`SimulatedPool.defaultDirectory`) and every secret file found in the plugin's directories
/// (``SecretFiles``: truth files, databases by name or content, pools) are then masked wherever
/// they fall under a mounted directory (an empty file or directory in their place); a plugin
/// path inside a hidden path is refused. Masking needs the path to exist when the plugin starts.
///
/// The modes fail closed: a run without a working sandbox is flagged unsandboxed by the runner
/// and not ranked unless the organiser opted out (`PluginSubmission.sandboxFlag(status:)`).
public struct SandboxPolicy: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Use bubblewrap when it works here; otherwise run unconfined, say so, and flag the run
        /// (not ranked without an explicit opt-out).
        case automatic
        /// Use bubblewrap or refuse to run the plugin.
        case required
        /// Run unconfined (trusted plugins, debugging): an explicit opt-out, still flagged.
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
