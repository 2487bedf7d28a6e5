import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How Backprop reads and writes the files a person names.
///
/// Writing replaces only what is ours to replace. A new file or a regular file is written under
/// a temporary name beside it and renamed into place, so a reader sees the old bytes or the new
/// ones, never half a file. Anything else at the path is not a file we may swap for another: a
/// character device (`/dev/null`), a named pipe or a socket is opened and written in place, as a
/// shell's `>` would; a directory and a block device are refused. `-`, `/dev/stdout`,
/// `/dev/stderr` and `/dev/fd/N` are the process's own descriptors and are written directly
/// (renaming over `/dev/stdout` would replace the link and print nothing). A symbolic link is
/// written where it points — the person named it — and a link to nothing is refused, since
/// creating a file through it would put one wherever the link says.
///
/// Reading takes only regular files, bounded by `Limits.fileBytes`: a named pipe as `--config`
/// would block for ever and `/dev/zero` would never end. A pipe is read when it is meant to be:
/// `-` (standard input), `/dev/stdin` or `/dev/fd/N` (a shell's `<(…)`).
public enum FileAccess {
    /// What lies at a path.
    public enum Kind: Sendable, Equatable {
        case missing, regular, directory, symlink, pipe, characterDevice, blockDevice, socket

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFLNK: self = .symlink
            case S_IFIFO: self = .pipe
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            default: self = .socket
            }
        }

        /// The kind in words, for messages.
        public var words: String {
            switch self {
            case .missing: "missing"
            case .regular: "a file"
            case .directory: "a directory"
            case .symlink: "a symbolic link"
            case .pipe: "a named pipe"
            case .characterDevice: "a device"
            case .blockDevice: "a block device"
            case .socket: "a socket"
            }
        }
    }

    /// What is at `path`; with `follow == false` a link is `.symlink`, not what it points to.
    public static func kind(_ path: String, follow: Bool = true) -> Kind {
        var st = stat()
        let r = follow ? stat(path, &st) : lstat(path, &st)
        return r == 0 ? Kind(mode: st.st_mode) : .missing
    }

    /// The descriptor a path names by design: `-` (the given default), `/dev/stdin`, `/dev/stdout`,
    /// `/dev/stderr`, `/dev/fd/N`.
    static func ownDescriptor(_ path: String, dash: Int32) -> Int32? {
        switch path {
        case "-": return dash
        case "/dev/stdin": return 0
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            guard path.hasPrefix("/dev/fd/"), let n = Int32(path.dropFirst(8)), n >= 0 else { return nil }
            return n
        }
    }

    /// The last system call's failure in words ("Permission denied").
    public static var errnoWords: String { lowered(String(cString: strerror(errno))) }

    /// The C library's reasons start with a capital ("Permission denied"); in the middle of our
    /// one-line messages they read as the rest of the sentence.
    static func lowered(_ reason: String) -> String { reason.prefix(1).lowercased() + reason.dropFirst() }

    /// A Foundation error in plain words: the system's reason where there is one, never
    /// "NSCocoaErrorDomain error 512".
    public static func words(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return lowered(String(cString: strerror(Int32(underlying.code))))
        }
        if ns.domain == NSPOSIXErrorDomain { return lowered(String(cString: strerror(Int32(ns.code)))) }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileWriteFileExists: return "a file of that name is in the way"
        default: return ns.localizedDescription
        }
    }

    // MARK: Reading

    /// The bytes of the file at `path`, at most `limit` of them; `what` names it in messages
    /// ("the config file").
    public static func read(_ path: String, what: String, limit: Int) throws(BackpropError) -> Data {
        if let fd = ownDescriptor(path, dash: 0) {
            return try readAll(fd, path: path, what: what, limit: limit)
        }
        let k = kind(path)
        switch k {
        case .regular: break
        case .missing:
            let dangling = kind(path, follow: false) == .symlink
            throw .invalidSetting("cannot read \(what) \(quoted(path)): \(dangling ? "it is a symbolic link to nothing" : "no such file")")
        default:
            throw .invalidSetting("cannot read \(what) \(quoted(path)): it is \(k.words), not a file\(k == .pipe || k == .characterDevice ? " (give - to read standard input)" : "")")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw .invalidSetting("cannot read \(what) \(quoted(path)): \(errnoWords)") }
        defer { close(fd) }
        // The path may have changed between stat and open: what was opened decides.
        var st = stat()
        guard fstat(fd, &st) == 0, Kind(mode: st.st_mode) == .regular else {
            throw .invalidSetting("cannot read \(what) \(quoted(path)): it is no longer a regular file")
        }
        return try readAll(fd, path: path, what: what, limit: limit)
    }

    /// Reads `fd` to its end, refusing past `limit` bytes.
    static func readAll(_ fd: Int32, path: String, what: String, limit: Int) throws(BackpropError) -> Data {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 && flags & O_NONBLOCK != 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .invalidSetting("cannot read \(what) \(quoted(path)): \(errnoWords)")
            }
            if n == 0 { return data }
            guard data.count + n <= limit else {
                throw .invalidSetting("\(what) \(quoted(path)) is larger than \(limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(limit >> 10) KB"); refusing to read it")
            }
            data.append(contentsOf: chunk[0..<n])
        }
    }

    // MARK: Writing

    /// Writes `data` as the whole content of `path` by the rules above.
    public static func write(_ data: Data, to path: String) throws(BackpropError) {
        guard !path.isEmpty else { throw .invalidSetting("the output file's name is empty") }
        if let fd = ownDescriptor(path, dash: 1) {
            return try writeAll(data, to: fd, path: path)
        }
        switch kind(path, follow: false) {
        case .missing, .regular:
            try replace(path, with: data)
        case .symlink:
            guard let target = realpath(path, nil) else {
                throw .invalidSetting("cannot write \(quoted(path)): it is a symbolic link to nothing; remove the link or name its target")
            }
            let resolved = String(cString: target)
            free(target)
            switch kind(resolved) {
            case .missing, .regular: try replace(resolved, with: data)
            case .pipe, .characterDevice, .socket: try writeInPlace(data, to: path)
            case let k: throw .invalidSetting("cannot write \(quoted(path)): it links to \(quoted(resolved)), \(k.words)")
            }
        case .pipe, .characterDevice, .socket:
            try writeInPlace(data, to: path)
        case let k:
            throw .invalidSetting("cannot write \(quoted(path)): it is \(k.words), not a file")
        }
    }

    /// Opens what is at `path` (a device, a pipe) without creating or truncating it, and writes.
    /// A named pipe with no reader is an error, not a wait without end (`O_NONBLOCK` makes the
    /// open fail with `ENXIO` then; the writes themselves block as usual).
    static func writeInPlace(_ data: Data, to path: String) throws(BackpropError) {
        let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENXIO { throw .invalidSetting("cannot write \(quoted(path)): nothing is reading that named pipe; start its reader first") }
            throw .invalidSetting("cannot write \(quoted(path)): \(errnoWords)")
        }
        defer { close(fd) }
        try writeAll(data, to: fd, path: path)
    }

    static func writeAll(_ data: Data, to fd: Int32, path: String) throws(BackpropError) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 && flags & O_NONBLOCK != 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        let failure: String? = data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = posixWrite(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errnoWords
                }
                done += n
            }
            return nil
        }
        if let failure { throw .invalidSetting("cannot write \(quoted(path)): \(failure)") }
    }

    /// A new file under a temporary name in `path`'s directory, renamed over `path`. An existing
    /// file keeps its permissions; a new one gets the usual 0666 less the umask.
    static func replace(_ path: String, with data: Data) throws(BackpropError) {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        guard kind(dir) == .directory else {
            throw .invalidSetting("cannot write \(quoted(path)): \(kind(dir) == .missing ? "its directory \(quoted(dir)) does not exist" : "\(quoted(dir)) is not a directory")")
        }
        var template = Array("\(dir)/.\(url.lastPathComponent).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .invalidSetting("cannot write into \(quoted(dir)): \(errnoWords)") }
        let temporary = String(cString: template)
        var st = stat()
        let mode: mode_t
        if stat(path, &st) == 0 { mode = st.st_mode & 0o7777 } else {
            let mask = umask(0); umask(mask)
            mode = 0o666 & ~mask
        }
        fchmod(fd, mode)
        do throws(BackpropError) {
            try writeAll(data, to: fd, path: path)
        } catch {
            close(fd); unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let why = errnoWords
            unlink(temporary)
            throw .invalidSetting("cannot write \(quoted(path)): \(why)")
        }
    }
}

// At file scope `read` and `write` are the C library's, not `FileAccess`'s.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, buffer, count) }

extension Limits {
    /// A file's bytes, refused past `fileBytes` (`FileAccess.read`: regular files only, or a
    /// pipe given as `-`, `/dev/stdin` or `/dev/fd/N`).
    public func readFile(_ path: String, what: String) throws(BackpropError) -> Data {
        try FileAccess.read(path, what: what, limit: fileBytes)
    }
}
