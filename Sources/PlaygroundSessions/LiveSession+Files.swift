import Foundation
import Backprop
import Playground

// The page's downloads: the model (safetensors, JSON) and experiment.json, through the engine's
// Foundation writers — the same bytes `backprop train --out` writes.
extension LiveSession {
    func file(_ format: String) throws(BackpropError) -> FileMessage {
        guard let session else { throw .invalidSetting("no session yet") }
        switch format {
        case "safetensors":
            return FileMessage(name: "model.safetensors", mime: "application/octet-stream", base64: session.network.safetensorsData().base64EncodedString())
        case "json":
            return FileMessage(name: "model.json", mime: "application/json", base64: session.network.jsonData().base64EncodedString())
        case "experiment":
            var e = session.experiment
            e.training.epochs = session.epoch
            return FileMessage(name: "experiment.json", mime: "application/json", base64: e.jsonData().base64EncodedString())
        default:
            throw .invalidSetting("unknown download format \"\(format)\"; use safetensors, json or experiment")
        }
    }
}
