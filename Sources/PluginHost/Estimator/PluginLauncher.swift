import CChildProcess
import Foundation
import PseudoExperiments

/// Starts processes of one plugin: its command, environment, limits and sandbox mounts.
struct PluginLauncher: Sendable {
    let program: ProcessEstimator.Program
    let workingDirectory: String
    let environment: [String: String]
    let limits: PluginLimits
    let status: SandboxStatus
    /// Read-only for every process: the runtime, the plugin's files, the policy's extra paths.
    let sharedReadOnly: [String]
    let hidden: [String]

    init(estimator: ProcessEstimator) throws {
        program = estimator.program
        let cwd = PathLookup.absolute(estimator.workingDirectory, in: PathLookup.currentDirectory)
        workingDirectory = cwd
        limits = estimator.limits
        if case let .executable(path, _) = program {
            let resolved = path.contains("/") ? PathLookup.absolute(path, in: cwd) : PathLookup.executable(named: path)
            guard let resolved, FileManager.default.isExecutableFile(atPath: resolved), !PathLookup.isDirectory(resolved) else {
                throw PluginError.cannotStart(command: path, reason: "no executable file at that path (from \(cwd))")
            }
        }
        status = estimator.sandboxStatus
        if estimator.sandbox.mode == .required, case let .unavailable(reason) = status {
            throw PluginError.sandboxUnavailable(reason: reason)
        }
        var shared = SandboxMounts.runtimeRoots()
        let runtimeCount = shared.count
        shared += SandboxMounts.pluginPaths(of: estimator.program, workingDirectory: cwd)
        for path in estimator.sandbox.readOnlyPaths.map({ PathLookup.absolute($0, in: cwd) }) {
            guard PathLookup.exists(path) else { throw PluginError.missingPath(path) }
            shared.append(path)
        }
        sharedReadOnly = shared
        // A database comes with its journal files.
        var hidden: [String] = []
        for h in estimator.sandbox.hiddenPaths.map({ PathLookup.absolute($0, in: cwd) }) {
            hidden.append(h)
            for suffix in ["-wal", "-shm", "-journal"] where PathLookup.exists(h + suffix) { hidden.append(h + suffix) }
        }
        // The simulated pool cache holds labelled pools, wherever FAIR_UQ_CACHE puts it.
        let poolCache = SimulatedPool.defaultDirectory.standardizedFileURL.path
        if PathLookup.exists(poolCache) { hidden.append(poolCache) }
        // Whatever the policy names, every truth file, database and pool in the plugin's own
        // directories (and the extra read-only ones) is masked too.
        if status.isConfined {
            let pluginDirectories = Array(shared.dropFirst(runtimeCount)).filter(PathLookup.isDirectory)
            hidden += try SecretFiles.find(in: pluginDirectories, skipping: hidden).filter { !hidden.contains($0) }
        }
        self.hidden = hidden

        var env: [String: String] = [
            "PATH": PathLookup.searchPath.joined(separator: ":"),
            "LANG": "C.UTF-8",
            "TMPDIR": "/tmp",
            // Workers run one per core: libraries must not start a thread per core each.
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "FAIR_UQ_PLUGIN_PROTOCOL": String(PluginProtocol.version),   // the newest the host speaks
        ]
        env["HOME"] = status.isConfined ? "/tmp" : (ProcessInfo.processInfo.environment["HOME"] ?? "/tmp")
        env.merge(estimator.environment) { _, new in new }
        environment = env
    }

    /// The plugin's own command line (before any sandbox wrapper).
    var programArguments: [String] {
        switch program {
        case let .shell(command):
            return ["/bin/sh", "-c", command]
        case let .executable(path, arguments):
            let resolved = path.contains("/") ? PathLookup.absolute(path, in: workingDirectory)
                                              : (PathLookup.executable(named: path) ?? path)
            return [resolved] + arguments
        }
    }

    /// Starts one process that may read `readOnly` and write `writable` besides the shared paths.
    func launch(readOnly: [String], writable: [String], log: URL) throws -> ChildProcess {
        var arguments = programArguments
        var executable = arguments[0]
        if case let .bubblewrap(bwrap) = status {
            let mounts = SandboxMounts(readOnly: sharedReadOnly + readOnly, writable: writable,
                                       hidden: hidden, workingDirectory: workingDirectory)
            arguments = [bwrap] + (try mounts.arguments(tmpfsBytes: limits.tmpBytes)) + arguments
            executable = bwrap
        }
        var childLimits = fuq_child_limits()
        childLimits.address_space_bytes = UInt64(limits.addressSpaceBytes ?? 0)
        childLimits.cpu_seconds = UInt64(limits.cpuSeconds ?? 0)
        childLimits.file_size_bytes = UInt64(limits.fileBytes ?? 0)
        childLimits.no_core_files = 1
        childLimits.kill_with_parent_thread = 1
        return try ChildProcess.spawn(.init(executable: executable, arguments: arguments, environment: environment,
                                            workingDirectory: workingDirectory, limits: childLimits,
                                            stderrLog: log, maximumLineBytes: PluginProtocol.maximumLineBytes,
                                            memoryLimitBytes: limits.memoryBytes))
    }
}
