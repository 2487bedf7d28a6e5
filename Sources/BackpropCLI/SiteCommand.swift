import ArgumentParser
import Backprop
import PlaygroundPage

struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Write the playground page as a static site that trains in the browser.",
        discussion: """
        Writes DIR: the page, its settings, presets and thumbnails as files, and the engine as \
        WebAssembly (build it first: scripts/build-wasm.sh; scripts/build-site.sh does both). Any \
        static file server serves the folder, e.g. python3 -m http.server -d DIR; once loaded the \
        page needs no network. Browsers do not run it from file:// (modules and workers need http). \
        DIR is made if missing; an existing one must be empty or a site written before. \
        --lessons adds a folder of your own lessons (NAME.md files, docs/lessons.md), listed first; \
        one named as a shipped lesson replaces it.
        """)

    @Argument(help: ArgumentHelp("The folder to write.", valueName: "dir")) var directory: String
    @Option(help: ArgumentHelp("The engine's WebAssembly module.", valueName: "file.wasm")) var wasm = ".build-wasm/backprop.wasm"
    @Option(help: ArgumentHelp("A folder of your own lessons (NAME.md), checked before anything is written.", valueName: "dir")) var lessons: String?

    func run() throws {
        if FileAccess.kind(wasm) == .missing {
            throw BackpropError.invalidSetting("no WebAssembly module at \(quoted(wasm)); build it with scripts/build-wasm.sh (or give --wasm)")
        }
        let written = try StaticSite.write(to: directory, wasm: wasm, lessons: lessons)
        print("Wrote \(written.count) files to \(directory); serve it with: python3 -m http.server -d \(quoted(directory))")
    }
}
