import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open directory whose contents are reached without following a symbolic link.
///
/// A sweep directory may live on a shared volume where others can plant files. Every name
/// inside it is opened relative to its parent's descriptor with `O_NOFOLLOW`, so a link planted
/// as `trials`, `trials/000017` or `result.json` is refused (or, for a file we write, replaced
/// as a name in our directory) and never lets a run write or read where it points. Only the
/// directory the person named is opened by path, links and all: it is theirs to point anywhere.
public final class DirectoryHandle: Sendable {
    public let path: String
    let fd: Int32

    /// Opens `path` (creating it when `create` and it is missing).
    public init(_ path: String, create: Bool) throws(BackpropError) {
        if create && FileAccess.kind(path) == .missing {
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw .invalidSetting("cannot create \(quoted(path)): \(FileAccess.words(error))")
            }
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .invalidSetting("cannot open the directory \(quoted(path)): \(FileAccess.errnoWords)") }
        self.path = path
        self.fd = fd
    }

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    deinit { close(fd) }

    func child(_ name: String) -> String { "\(path)/\(name)" }

    /// What `name` is, a link being a link.
    public func kind(_ name: String) -> FileAccess.Kind {
        var st = stat()
        return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? FileAccess.Kind(mode: st.st_mode) : .missing
    }

    /// The subdirectory `name`, made when `create` and missing; anything but a real directory
    /// there (a link above all) is refused.
    public func subdirectory(_ name: String, create: Bool) throws(BackpropError) -> DirectoryHandle {
        if create && mkdirat(fd, name, 0o777) != 0 && errno != EEXIST {
            throw .invalidSetting("cannot create \(quoted(child(name))): \(FileAccess.errnoWords)")
        }
        let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard sub >= 0 else {
            let k = kind(name)
            if k != .directory && k != .missing {
                throw .invalidSetting("\(quoted(child(name))) is \(k.words), not a directory; Backprop never follows links in a directory it writes — remove it and run again")
            }
            throw .invalidSetting("cannot open \(quoted(child(name))): \(FileAccess.errnoWords)")
        }
        return DirectoryHandle(fd: sub, path: child(name))
    }

    /// Whether the regular file `name` exists; anything else under that name is refused.
    public func hasFile(_ name: String) throws(BackpropError) -> Bool {
        switch kind(name) {
        case .missing: return false
        case .regular: return true
        case let k: throw .invalidSetting("\(quoted(child(name))) is \(k.words), not a file; Backprop never follows links in a directory it writes — remove it and run again")
        }
    }

    /// The regular file `name`'s bytes, at most `limit`.
    public func read(_ name: String, what: String, limit: Int = Limits.standard.fileBytes) throws(BackpropError) -> Data {
        guard try hasFile(name) else { throw .invalidSetting("cannot read \(what) \(quoted(child(name))): no such file") }
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard file >= 0 else { throw .invalidSetting("cannot read \(what) \(quoted(child(name))): \(FileAccess.errnoWords)") }
        defer { close(file) }
        var st = stat()
        guard fstat(file, &st) == 0, FileAccess.Kind(mode: st.st_mode) == .regular else {
            throw .invalidSetting("cannot read \(what) \(quoted(child(name))): it is not a regular file")
        }
        return try FileAccess.readAll(file, path: child(name), what: what, limit: limit)
    }

    /// Writes `data` as the whole file `name`: a temporary file made with `O_EXCL | O_NOFOLLOW`,
    /// renamed over the name (a link there is replaced as a name, never followed).
    public func write(_ data: Data, to name: String) throws(BackpropError) {
        if kind(name) == .directory { throw .invalidSetting("cannot write \(quoted(child(name))): it is a directory") }
        var temporary = ""
        var file: Int32 = -1
        for _ in 0..<16 where file < 0 {
            temporary = ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
            file = openat(fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if file < 0 && errno != EEXIST { break }
        }
        guard file >= 0 else { throw .invalidSetting("cannot write into \(quoted(path)): \(FileAccess.errnoWords)") }
        do throws(BackpropError) { try FileAccess.writeAll(data, to: file, path: child(name)) } catch {
            close(file); unlinkat(fd, temporary, 0)
            throw error
        }
        close(file)
        guard renameat(fd, temporary, fd, name) == 0 else {
            let why = FileAccess.errnoWords
            unlinkat(fd, temporary, 0)
            throw .invalidSetting("cannot write \(quoted(child(name))): \(why)")
        }
    }
}
