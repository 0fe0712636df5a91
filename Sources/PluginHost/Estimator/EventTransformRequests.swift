#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PseudoExperiments

/// The `transform_events` requests of one plugin process (protocol version 2): rows of the
/// plugin's own, sent through the harness's systematics transform, the very code that makes the
/// pseudo-experiments.
///
/// ```
/// plugin: {"type":"transform_events","id":3,"events":{"path":"<requests_dir>/rows.events","rows":N},
///          "nuisances":{"tes":1.02,"jes":0.99,"soft_met":1.5},"apply_cuts":true,"seed":31415}
/// host:   {"type":"transformed_events","id":3,"events":{"path":"<requests_dir>/reply-3.1.events","rows":M},
///          "source_rows":{"path":"<requests_dir>/reply-3.1.rows","rows":M}}
/// ```
/// The request's file is an event file (labelled or not: only its features are read) that the
/// plugin wrote in its own `requests_dir`; the reply is an unlabelled event file of the `M`
/// surviving rows and a file of `M` little-endian u32, each the 0-based row of the request's
/// file it came from (so the plugin carries its other columns along). Soft-MET noise comes from
/// `SeedDerivation.generator(seed, .softMet)`, one Gaussian pair per request row in file order:
/// the same rows and seed give what `bench systematics --seed` gives, byte for byte.
///
/// The directory is writable by the plugin, so nothing in it is trusted: the request's file must
/// be a regular file directly in the directory (links are not followed), is read with `pread`
/// (never mapped: a plugin truncating a mapped file would crash the harness with SIGBUS), must
/// hold what its header and the message say; replies are created anew (`O_EXCL`, never through a
/// link the plugin left) and written with `write`. A request the harness cannot serve is answered
/// with an `error` message naming the problem, and the plugin carries on.
final class EventTransformRequests {
    let directory: String
    /// The most bytes the directory may hold when a request arrives, its reply included (its
    /// files are on the host's tmpfs, outside the plugin's memory limit): ``PluginLimits/requestBytes``.
    let budgetBytes: Int
    private var served = 0

    /// The largest request (rows): what the transform takes (row numbers are Int32 there). A
    /// request's file must hold its rows, so the plugin's file-size limit (`RLIMIT_FSIZE`,
    /// ``PluginLimits/fileBytes``, 4 GiB by default: ~38 M rows) bounds the host memory it costs.
    static let maximumRows = Int(Int32.max) - 1024

    init(directory: String, budgetBytes: Int) {
        self.directory = directory
        self.budgetBytes = budgetBytes
    }

    /// The reply line to one `transform_events` message: `transformed_events`, or `error` with
    /// the reason when the request cannot be served.
    func reply(to message: PluginMessage, phase: PluginError.Phase) throws -> [UInt8] {
        guard let id = message.id else {
            throw PluginError.malformedMessage(phase: phase, type: message.type, detail: "it has no integer \"id\"")
        }
        do {
            let reply = try serve(message, id: id)
            return PluginProtocol.line(reply)
        } catch let RequestProblem.refused(reason) {
            return PluginProtocol.line(PluginProtocol.RequestError(id: id, message: "transform_events request \(id): \(reason)"))
        }
    }

    /// Removes everything in the directory (a worker's, after each pseudo-experiment: nothing
    /// the plugin left there is seen by the next one). The plugin may be running and swapping
    /// entries for links, so removal goes through directory descriptors (`openat` with
    /// `O_NOFOLLOW`, `unlinkat`): a link is removed, never followed, and nothing outside is touched.
    func clear() {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        EventTransformRequests.removeContents(of: fd, depth: 0)
        close(fd)
    }

    /// Unlinks every entry of the directory `fd` (consumed by neither), subdirectories first
    /// emptied the same way (at most 16 deep; deeper ones stay and fail their parent's removal).
    private static func removeContents(of fd: Int32, depth: Int) {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else { if copy >= 0 { close(copy) }; return }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            if unlinkat(fd, name, 0) == 0 { continue }
            guard depth < 16 else { continue }
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { continue }
            removeContents(of: child, depth: depth + 1)
            close(child)
            _ = unlinkat(fd, name, AT_REMOVEDIR)
        }
    }

    /// Bytes held by the regular files directly in the directory (what a plugin leaves there).
    private func bytesHeld() -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var total = 0
        for name in names {
            var info = stat()
            if lstat(directory + "/" + name, &info) == 0 { total += Int(info.st_blocks) * 512 }
        }
        return total
    }

    private enum RequestProblem: Error {
        case refused(String)
    }

    private func serve(_ message: PluginMessage, id: Int) throws -> PluginProtocol.TransformedEvents {
        guard let events = message.events else { throw RequestProblem.refused("it names no \"events\" file") }
        guard let seed = message.seed else {
            throw RequestProblem.refused("it has no \"seed\" (an integer below 2^64 for the soft-MET noise)")
        }
        let shift: SystematicShift
        do {
            shift = try TransformRequest.shift(nuisances: message.nuisances ?? [:], applyCuts: message.applyCuts ?? true)
        } catch let TransformRequest.Problem.refused(reason) {
            throw RequestProblem.refused(reason)
        }
        let table = try read(events)
        var noise = SeedDerivation.generator(seed, .softMet)
        let result = table.applyingSystematics(shift, noise: &noise)
        served += 1
        let stem = directory + "/reply-\(id).\(served)"
        try writeEvents(result.table, to: stem + ".events")
        try writeRows(result.sourceRows, to: stem + ".rows")
        return .init(id: id, events: .init(path: stem + ".events", rows: result.table.count),
                     sourceRows: .init(path: stem + ".rows", rows: result.sourceRows.count))
    }

    /// The features of the request's file as a table (weights 0, process codes 0: the transform
    /// does not read them).
    private func read(_ events: PluginMessage.FileReference) throws -> EventTable {
        let path = events.path
        let name = (path as NSString).lastPathComponent
        guard (path as NSString).deletingLastPathComponent == directory, !name.isEmpty, name != ".", name != ".." else {
            throw RequestProblem.refused("its file \(path) is not in the process's requests_dir \(directory)")
        }
        guard events.rows >= 0, events.rows <= EventTransformRequests.maximumRows else {
            throw RequestProblem.refused("\(events.rows) rows; a request holds 0 to \(EventTransformRequests.maximumRows)")
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw RequestProblem.refused("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw RequestProblem.refused("\(path) is not a regular file")
        }
        // Before any allocation: the file must hold what it announces.
        let needed = PluginEventFile.byteCount(rows: events.rows, labelled: false)
        guard Int(info.st_size) >= needed else {
            throw RequestProblem.refused("\(path) is shorter than the features of its \(events.rows) rows (\(info.st_size) of \(needed) bytes)")
        }
        let held = bytesHeld()
        let reply = Int64(PluginEventFile.byteCount(rows: events.rows, labelled: false) + 4 * events.rows)
        guard Int64(held) + reply <= Int64(budgetBytes) else {
            throw RequestProblem.refused("requests_dir holds \(held) bytes and the reply could take \(reply) more, over its budget of \(budgetBytes) (PluginLimits.requestBytes); delete request and reply files once read")
        }
        var bytes = [UInt8](repeating: 0, count: PluginEventFile.headerBytes)
        _ = try readFully(fd, into: &bytes, at: 0)   // a short file fails the header check
        let header: PluginEventFile.Header
        switch PluginEventFile.Header.parse(bytes) {
        case let .success(parsed): header = parsed
        case let .failure(problem): throw RequestProblem.refused("\(path): \(problem.reason)")
        }
        guard header.rows == events.rows else {
            throw RequestProblem.refused("the message says \(events.rows) rows, the file's header \(header.rows)")
        }
        let c = Feature.allCases.count
        let rows = events.rows
        var columns: [[Float]] = []
        columns.reserveCapacity(c)
        for f in 0..<c {
            var column = [Float](repeating: 0, count: rows)
            let complete = try column.withUnsafeMutableBytes { raw in
                try readFully(fd, into: raw, at: PluginEventFile.headerBytes + 4 * rows * f)
            }
            guard complete else {
                throw RequestProblem.refused("\(path) is shorter than the features of its \(rows) rows (\(PluginEventFile.byteCount(rows: rows, labelled: false)) bytes)")
            }
            #if _endian(big)
            column = column.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
            columns.append(column)
        }
        return EventTable(columns: columns, weights: [Float](repeating: 0, count: rows),
                          processCodes: [UInt8](repeating: 0, count: rows))
    }

    private func readFully(_ fd: Int32, into buffer: inout [UInt8], at offset: Int) throws -> Bool {
        try buffer.withUnsafeMutableBytes { try readFully(fd, into: $0, at: offset) }
    }

    /// Fills `buffer` from `offset`; false if the file ends first.
    private func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Bool {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw RequestProblem.refused("cannot read the request's file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return false }
            done += n
        }
        return true
    }

    private func writeEvents(_ table: EventTable, to path: String) throws {
        var header = [UInt8](repeating: 0, count: PluginEventFile.headerBytes)
        header.withUnsafeMutableBytes { PluginEventFile.writeHeader(rows: table.count, labelled: false, to: $0.baseAddress!) }
        try write(to: path) { emit in
            try header.withUnsafeBytes { try emit($0) }
            for column in table.columns { try column.withUnsafeBytes { try emit($0) } }
        }
    }

    private func writeRows(_ rows: [Int], to path: String) throws {
        let values = rows.map { UInt32(truncatingIfNeeded: $0).littleEndian }
        try write(to: path) { emit in try values.withUnsafeBytes { try emit($0) } }
    }

    /// Creates `path` (never through an existing file or link) and writes what `body` emits.
    private func write(to path: String,
                       _ body: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RequestProblem.refused("cannot create the reply \(path): \(String(cString: strerror(errno))) (leave reply-* names to the harness)")
        }
        defer { close(fd) }
        try body { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PluginError.io(path: path, action: "write", reason: String(cString: strerror(errno)))
                }
                done += n
            }
        }
    }
}

/// What a transform request (`transform` or `transform_events`) may ask for.
enum TransformRequest {
    enum Problem: Error {
        case refused(String)
    }

    /// The systematic shift of a request's nuisances: only the feature nuisances (`tes`, `jes`,
    /// `soft_met`; missing ones nominal), with usable values. Normalisations do not change
    /// events: the plugin applies them to the weights itself.
    static func shift(nuisances: [String: Double], applyCuts: Bool) throws -> SystematicShift {
        var values = NuisanceValues.nominal
        for (name, value) in nuisances.sorted(by: { $0.key < $1.key }) {
            guard let known = ChallengeSpec.knownNuisances.first(where: { $0.name == name }) else {
                throw Problem.refused("it names the nuisance \"\(name)\", which is none of tes, jes, soft_met")
            }
            guard case .feature = known.kind else {
                throw Problem.refused("it sets \"\(name)\", a normalisation: it does not change events; scale the weights of the processes it acts on instead")
            }
            ChallengeSpec.set(name, to: value, in: &values)
        }
        let shift = SystematicShift(values, applyCuts: applyCuts)
        if let problem = shift.problem { throw Problem.refused(problem) }
        return shift
    }
}
