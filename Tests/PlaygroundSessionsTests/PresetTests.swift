import Foundation
import Testing
import Backprop
import Playground
@testable import PlaygroundSessions

/// The page's presets are the sheet's experiments: each with a file in `Examples/` builds
/// exactly that experiment, and every one is accepted whole by a live session.
@Suite struct PresetTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Examples")

    @Test(arguments: Preset.all.map(\.name))
    func aPresetIsAcceptedWhole(name: String) throws {
        let preset = try #require(Preset.all.first { $0.name == name })
        let live = LiveSession(limits: .playground)
        #expect(try live.configure(preset.settings).isEmpty)
        let settings = try #require(live.snapshot()).settings
        for (key, value) in preset.settings { #expect(settings[key] == value, "\(key)") }
    }

    @Test(arguments: Preset.all.compactMap(\.example))
    func aPresetIsItsExample(file: String) throws {
        let preset = try #require(Preset.all.first { $0.example == file })
        let live = LiveSession(limits: .playground)
        let page = try live.experiment(from: LiveSession.defaults.merging(preset.settings) { $1 })
        let example = try Experiment(json: Data(contentsOf: Self.examples.appendingPathComponent(file)))
        #expect(page == example)
    }
}
