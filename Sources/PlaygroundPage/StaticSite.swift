import Foundation
import Backprop
import Datasets
import PlaygroundSessions

/// The playground page as a folder of static files that trains in the browser: the page the
/// server serves, its vocabulary, presets, palette and thumbnails as files at the same paths,
/// the engine as WebAssembly (`scripts/build-wasm.sh`), and `engine.json`, which tells the page
/// to train in a worker of its tab instead of opening a WebSocket. Any static file server
/// serves it (`python3 -m http.server`, a university's web space, GitHub Pages).
public enum StaticSite {
    /// What `engine.json` says; also the mark of a folder this wrote, which it may write again.
    static let engineFile = "engine.json"
    static let engineJSON = #"{"engine":"browser"}"#

    /// Writes the site into `directory` (made if missing; otherwise it must be empty or a site
    /// written before: nothing else is ever replaced) with the module read from `wasm` and, when
    /// `lessons` names a folder, a teacher's own lessons beside the shipped ones. Everything is
    /// read and checked before anything is written. Returns the paths written, relative to `directory`.
    @discardableResult
    public static func write(to directory: String, wasm: String, lessons folder: String? = nil) throws(BackpropError) -> [String] {
        let module = try FileAccess.read(wasm, what: "the WebAssembly module", limit: 64 << 20)
        guard module.starts(with: [0x00, 0x61, 0x73, 0x6D]) else {
            throw .invalidSetting("\(quoted(wasm)) is not a WebAssembly module; build it with scripts/build-wasm.sh")
        }
        let page: Page
        do { page = try Page() } catch { throw .invalidSetting("the page's files: \(error)") }
        let lessons = try LessonFiles.json(page: page, folder: folder)
        switch FileAccess.kind(directory) {
        case .missing, .directory: break
        case let k: throw .invalidSetting("\(quoted(directory)) is \(k.words), not a directory")
        }
        let root = try DirectoryHandle(directory, create: true)
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
        if !entries.isEmpty, root.kind(engineFile) != .regular {
            throw .invalidSetting("\(quoted(directory)) holds other files (\(entries.sorted().prefix(3).joined(separator: ", "))…) and is not a Backprop site; give a new or empty directory")
        }
        var files: [(path: String, data: Data)] = page.files.keys.sorted().map { ($0, Data(page.files[$0]!.body.utf8)) }
        files.append(("lessons.json", Data(lessons.utf8)))
        files += [("palette.json", Data(PageData.paletteJSON.utf8)),
                  ("presets.json", Data(PageData.presetsJSON.utf8)),
                  ("api/settings", Data(LiveSession.vocabularyJSON.utf8)),
                  ("backprop.wasm", module)]
        for name in DatasetName.allCases.map(\.rawValue) {
            if let png = Thumbnails.png(name) { files.append(("thumbnail/\(name).png", Data(png))) }
        }
        // engine.json last: a folder interrupted before it is not yet a site, and says so.
        files.append((engineFile, Data(engineJSON.utf8)))
        var folders: [String: DirectoryHandle] = ["": root]
        for (path, data) in files {
            let parts = path.split(separator: "/").map(String.init)
            var dir = root, prefix = ""
            for part in parts.dropLast() {
                prefix += part + "/"
                if let known = folders[prefix] { dir = known } else {
                    dir = try dir.subdirectory(part, create: true)
                    folders[prefix] = dir
                }
            }
            try dir.write(data, to: parts.last ?? path)
        }
        return files.map(\.path)
    }
}
