#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PseudoExperiments

/// Copying and fingerprinting a plugin's model directory, so that a model fitted once can be
/// saved and loaded by every shard of an evaluation (`bench evaluate --save-fit` / `--fitted`).
///
/// The directory was written by the plugin, so nothing in it is trusted: entries are walked with
/// `lstat` and never followed; regular files and directories are copied, symbolic links are
/// copied as links (their targets are not read, exactly as the plugin's workers would see them),
/// anything else (a FIFO, a socket, a device) is refused.
///
/// The digest, recorded beside a saved model and checked before it is loaded:
/// ```
/// SHA256( for each entry, in byte order of its relative path:
///         "d " + path + "\n"                          a directory
///         "f " + path + " " + SHA256(content) + "\n"  a regular file
///         "l " + path + " " + link target + "\n" )    a symbolic link
/// ```
public enum ModelDirectory {
    public enum Entry: Equatable {
        case directory
        case file
        case link(target: String)
    }

    /// The entries under `root` by relative path (the root itself not included), never following links.
    public static func entries(of root: String) throws -> [(path: String, entry: Entry)] {
        var found: [(String, Entry)] = []
        func walk(_ relative: String) throws {
            let dir = relative.isEmpty ? root : root + "/" + relative
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
                throw PluginError.io(path: dir, action: "list", reason: error.localizedDescription)
            }
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let path = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + path, &info) == 0 else {
                    throw PluginError.io(path: root + "/" + path, action: "inspect", reason: String(cString: strerror(errno)))
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    found.append((path, .directory))
                    try walk(path)
                case S_IFREG:
                    found.append((path, .file))
                case S_IFLNK:
                    let target: String
                    do { target = try FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + path) } catch {
                        throw PluginError.io(path: root + "/" + path, action: "read the link", reason: error.localizedDescription)
                    }
                    found.append((path, .link(target: target)))
                default:
                    throw PluginError.io(path: root + "/" + path, action: "save",
                                         reason: "it is neither a file, a directory nor a link (a FIFO, socket or device)")
                }
            }
        }
        try walk("")
        return found.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
    }

    /// The digest of the tree (see the type's documentation), lowercase hex.
    public static func digest(of root: String) throws -> String {
        var text = ""
        for (path, entry) in try entries(of: root) {
            switch entry {
            case .directory: text += "d \(path)\n"
            case .file:
                let hash: String
                do { hash = try SHA256.hash(fileAt: URL(fileURLWithPath: root + "/" + path)).hex } catch {
                    throw PluginError.io(path: root + "/" + path, action: "read", reason: "\(error)")
                }
                text += "f \(path) \(hash)\n"
            case let .link(target): text += "l \(path) \(target)\n"
            }
        }
        return SHA256.hash(Array(text.utf8)).hex
    }

    /// Copies the tree under `source` into the existing, empty directory `destination`.
    public static func copy(from source: String, to destination: String) throws {
        let fm = FileManager.default
        for (path, entry) in try entries(of: source) {
            let target = destination + "/" + path
            do {
                switch entry {
                case .directory: try fm.createDirectory(atPath: target, withIntermediateDirectories: false)
                case .file: try fm.copyItem(atPath: source + "/" + path, toPath: target)
                case let .link(to): try fm.createSymbolicLink(atPath: target, withDestinationPath: to)
                }
            } catch {
                throw PluginError.io(path: target, action: "write", reason: error.localizedDescription)
            }
        }
    }
}
