import Foundation

/// Runs the built `bench` executable as a real process, for end-to-end command-line tests.
public enum BenchProcess {
    /// The result of one run.
    public struct Output {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `bench` binary beside the test bundle (both live in the build products directory).
    public static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["BENCH_EXECUTABLE"] {
            return URL(fileURLWithPath: path)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // swift test runs `<products>/<package>PackageTests.xctest`; walk up to the products dir.
        while !dir.path.isEmpty, dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return ReferenceData.packageRoot.appendingPathComponent(".build/debug/bench")
    }

    /// Runs `bench args...` in `directory` (default: the test's) and waits; `environment`
    /// overrides variables of the test's environment (e.g. `PATH`, `HOME`).
    public static func run(_ args: [String], in directory: URL? = nil,
                           stdin: Data? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        if let stdin { inPipe.fileHandleForWriting.write(stdin) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a large stderr cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let err = Box()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            err.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        let errData = err.data
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
