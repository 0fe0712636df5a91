#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PseudoExperiments

/// The files a plugin must never read, found in the directories mounted for it: masked by the
/// sandbox wherever they lie, whatever the command line or the policy says.
///
/// A file is secret when its name says it holds truths or labels, or its content says it is a
/// database (a leaderboard database holds the truth table of every set it evaluated):
/// ```
/// *.truth.json            a set directory's truth file (or a copy under another name)
/// *.sqlite*               a leaderboard database, its copies and its -wal/-shm/-journal files
/// *.fuqpool               a labelled pool (the simulated pool cache holds them)
/// "SQLite format 3\0"...  any file starting with SQLite's header, whatever its name,
///                         with its X-wal, X-shm, X-journal beside it
/// pool magic...           a pool file under another name
/// "PAR1"... "PAR1"        a Parquet file whose footer names a column weights, labels or
///                         detailed_labels (the challenge's data, a converted pool)
/// a,b,weights,...         a text file whose first line names such a column (a CSV pool)
/// ```
/// The scan is bounded: at most ``entryLimit`` directory entries over all directories given
/// (links are not followed; a linked file is reachable in the sandbox only through the mount
/// of its target, which is scanned in turn when it is mounted). A directory with more entries
/// is refused rather than mounted half-checked: a plugin's files belong in a directory of
/// their own. Directories in `skipping` (already hidden) are not entered.
enum SecretFiles {
    /// Directory entries looked at, over all directories, before the scan gives up.
    static let entryLimit = 50_000

    static let sqliteHeader = Array("SQLite format 3\u{0}".utf8)

    /// Whether `name` alone marks a secret file.
    static func isSecretName(_ name: String) -> Bool {
        name.hasSuffix(".truth.json") || name.contains(".sqlite") || name.hasSuffix(".fuqpool")
    }

    /// The names of the columns that make a table of events labelled (truths for a plugin).
    static let labelColumns = ["weights", "labels", "detailed_labels"]

    /// Whether the file at `path` holds labelled events: a pool, a Parquet file with a label
    /// column, or a CSV file whose header names one.
    static func isLabelledData(_ path: String, size: Int) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: min(size, 4096))
        let n = read(fd, &head, head.count)
        guard n > 0 else { return false }
        head = Array(head.prefix(n))
        if head.starts(with: PoolFormat.magic) { return true }
        if head.starts(with: Array("PAR1".utf8)), size >= 12 {
            var tail = [UInt8](repeating: 0, count: 8)
            guard pread(fd, &tail, 8, off_t(size - 8)) == 8 else { return true }
            let length = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
            guard length > 0, length <= min(size - 12, 64 << 20) else { return true }   // damaged: keep it hidden
            var footer = [UInt8](repeating: 0, count: length)
            guard pread(fd, &footer, length, off_t(size - 8 - length)) == length else { return true }
            return labelColumns.contains { Data(footer).range(of: Data($0.utf8)) != nil }
        }
        // A text file: its first line split on commas, tabs, semicolons and spaces.
        let line = head.prefix { $0 != UInt8(ascii: "\n") }
        guard line.allSatisfy({ $0 >= 0x20 || $0 == 0x09 || $0 == 0x0D }) else { return false }
        let fields = String(decoding: line, as: UTF8.self)
            .split(whereSeparator: { ",;\t \r\"'".contains($0) }).map(String.init)
        return fields.contains(where: labelColumns.contains)
    }

    /// Whether the file at `path` starts with SQLite's header.
    static func isSQLite(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: sqliteHeader.count)
        return read(fd, &head, head.count) == head.count && head == sqliteHeader
    }

    /// Every secret file under `directories` (absolute paths, as the plugin sees them).
    ///
    /// - Throws: ``PluginError/tooManyFilesToScan(path:limit:)`` past ``entryLimit`` entries.
    static func find(in directories: [String], skipping hidden: [String] = []) throws -> [String] {
        var found: [String] = []
        var entries = 0
        var visited = Set<String>()
        var stack = directories.filter(PathLookup.isDirectory).reversed().map { $0 }
        while let dir = stack.popLast() {
            guard visited.insert(dir).inserted, !hidden.contains(where: { PathLookup.isWithin(dir, $0) }) else { continue }
            guard let handle = opendir(dir) else { continue }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                entries += 1
                if entries > entryLimit {
                    throw PluginError.tooManyFilesToScan(path: directories.joined(separator: ", "), limit: entryLimit)
                }
                let path = dir == "/" ? "/" + name : dir + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    stack.append(path)
                case S_IFREG:
                    if isSecretName(name) {
                        found.append(path)
                    } else if info.st_size >= sqliteHeader.count, isSQLite(path) {
                        found.append(path)
                        for suffix in ["-wal", "-shm", "-journal"] where PathLookup.exists(path + suffix) {
                            found.append(path + suffix)
                        }
                    } else if isLabelledData(path, size: Int(info.st_size)) {
                        found.append(path)
                    }
                default:
                    continue
                }
            }
        }
        return Array(Set(found)).sorted()
    }
}
