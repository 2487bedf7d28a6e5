import Foundation
import Backprop

/// A run's output directory, replaced as a whole.
///
/// Writing each file atomically is not enough: a run stopped between two renames left a new
/// model beside an old `experiment.json`, which `--config` would then pair wrongly. So the new
/// set is written into a hidden sibling directory (same file system) and exchanged with the old
/// one in one `renameat2(RENAME_EXCHANGE)`; the old set, now under the sibling's name, is then
/// removed. A reader sees the old set or the new one, never a mix. Where the exchange is not
/// available (another kernel or file system), files are renamed in one by one and files of the
/// old set that the new one lacks are removed — each file still whole.
///
/// A directory holding anything but a run's files is refused rather than replaced: `--out
/// ~/Desktop` must not lose the desktop. A sibling left by a killed run is removed by the next.
public enum ResultDirectory {
    /// Every name a run may write; a directory holding only these is a run's.
    public static let names: Set<String> = [
        "model.safetensors", "model.json", "experiment.json", "metrics.json",
        "loss.png", "loss.svg", "boundary.png", "boundary.svg", "network.png", "network.svg", "gradients.png", "gradients.svg",
    ]

    /// Fails before training when `path` cannot become a run's directory.
    public static func check(_ path: String) throws(BackpropError) {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidSetting("--out needs a directory name (it is empty)")
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard url.path != "/", ![".", ".."].contains((path as NSString).lastPathComponent) else {
            throw .invalidSetting("--out \(quoted(path)) names no directory of its own; give a new or a previous run's directory")
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw .invalidSetting("--out \(quoted(path)) is a file, not a directory") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            if let foreign = entries.sorted().first(where: { !names.contains($0) }) {
                throw .invalidSetting("--out \(quoted(path)) holds \(quoted(foreign)), which is not a run's file; choose a new directory or a previous run's")
            }
        }
        let parent = url.deletingLastPathComponent().path
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw .invalidSetting("cannot create \(quoted(parent)): \(FileAccess.words(error))")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw .invalidSetting("--out \(quoted(path)): the directory \(quoted(parent)) is not writable")
        }
        // Permission bits do not tell (root writes anywhere, but not into /proc or a read-only
        // mount): make and remove the staging directory now, before hours of training.
        let probe = "\(parent)/.\(url.lastPathComponent).partial-\(getpid())"
        guard mkdir(probe, 0o700) == 0 || errno == EEXIST else {
            throw .invalidSetting("--out \(quoted(path)): cannot write into \(quoted(parent)): \(FileAccess.errnoWords)")
        }
        rmdir(probe)
    }

    /// Writes `files` (name, bytes) as the whole content of `directory`.
    public static func replace(_ directory: URL, with files: [(name: String, data: Data)]) throws(BackpropError) {
        try check(directory.path)
        let fm = FileManager.default
        let target = directory.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent).partial-"
        removeStaleSiblings(in: parent, prefix: prefix)
        let staging = parent.appendingPathComponent("\(prefix)\(getpid())")
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for f in files { try f.data.write(to: staging.appendingPathComponent(f.name)) }
        } catch {
            try? fm.removeItem(at: staging)
            throw .invalidSetting("cannot write into \(quoted(parent.path)): \(FileAccess.words(error))")
        }
        if !fm.fileExists(atPath: target.path), rename(staging.path, target.path) == 0 { return }
        if exchange(staging.path, target.path) {
            try? fm.removeItem(at: staging)   // the old set, now under the staging name
            return
        }
        // Fallback: one file at a time, each rename atomic; then drop what the new set lacks.
        for f in files where rename(staging.appendingPathComponent(f.name).path, target.appendingPathComponent(f.name).path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: staging)
            throw .invalidSetting("cannot move \(f.name) into \(quoted(target.path)): \(reason)")
        }
        let new = Set(files.map(\.name))
        for old in names.subtracting(new) { try? fm.removeItem(at: target.appendingPathComponent(old)) }
        try? fm.removeItem(at: staging)
    }

    /// Swaps two paths atomically (Linux `renameat2(…, RENAME_EXCHANGE)`, looked up at run
    /// time: glibc exports it since 2.28 but the Swift Glibc module does not declare it).
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }

    /// Staging directories of runs that were killed (their process is gone).
    static func removeStaleSiblings(in parent: URL, prefix: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for e in entries where e.hasPrefix(prefix) {
            guard let pid = Int32(e.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(at: parent.appendingPathComponent(e)) }
        }
    }
}
