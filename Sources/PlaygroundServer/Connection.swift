import Foundation
import HummingbirdWebSocket
import Logging
import Backprop

/// One WebSocket: reads commands, answers each, and streams snapshots while playing.
struct Connection: Sendable {
    let live: LiveSession
    let limits: Limits
    let outbound: WebSocketOutboundWriter
    let logger: Logger

    init(limits: Limits, outbound: WebSocketOutboundWriter, logger: Logger) {
        self.live = LiveSession(limits: limits)
        self.limits = limits
        self.outbound = outbound
        self.logger = logger
    }

    func send(_ value: some Encodable) async throws { try await outbound.write(.text(json(value))) }

    func serve(_ inbound: WebSocketInboundStream) async throws {
        try await live.configure([:])
        try await sendData()
        try await sendSnapshot()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await trainingLoop() }
            do {
                for try await message in inbound.messages(maxSize: limits.messageBytes) {
                    guard case .text(let text) = message else {
                        try await send(ErrorMessage(message: "send JSON text messages, not binary"))
                        continue
                    }
                    try await handle(text)
                }
            } catch is CancellationError {
            } catch {
                // A message over the size limit ends the stream; say so before closing.
                try? await send(ErrorMessage(message: "message refused: \(error); messages are limited to \(limits.messageBytes) bytes"))
            }
            group.cancelAll()
        }
    }

    /// While playing: train a chunk, send a snapshot; otherwise idle briefly.
    func trainingLoop() async throws {
        while !Task.isCancelled {
            if await live.playing {
                await live.trainChunk()
                try await sendSnapshot()
                await Task.yield()
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    func sendSnapshot() async throws {
        if let s = await live.snapshot() { try await send(s) }
    }

    func sendData() async throws {
        if let d = await live.dataMessage() { try await send(d) }
    }

    /// One command. Bad input gets an error reply; the session lives on.
    func handle(_ text: String) async throws {
        let message: ClientMessage
        do {
            message = try JSONDecoder().decode(ClientMessage.self, from: Data(text.utf8))
        } catch {
            try await send(ErrorMessage(message: "malformed message: expected JSON with a \"type\" field"))
            return
        }
        do {
            switch message.type {
            case "configure":
                try await live.configure(message.settings ?? [:])
                try await sendData()
            case "set":
                guard let key = message.key else { throw BackpropError.invalidSetting("set needs a key") }
                let value = message.text ?? message.value.map { "\($0)" } ?? ""
                let before = await live.settings
                try await live.set(key, value)
                let after = await live.settings
                if !LiveSession.trainingKeys.contains(key) || before["dataset"] != after["dataset"] { try await sendData() }
            case "play": await live.setPlaying(true)
            case "pause": await live.setPlaying(false)
            case "step":
                await live.setPlaying(false)
                await live.trainChunk(budget: 0, maxEpochs: 1)
            case "reset": try await live.reset()
            case "regenerate":
                try await live.regenerate()
                try await sendData()
            case "setWeight":
                guard let layer = message.layer, let to = message.to, let from = message.from, let value = message.value else {
                    throw BackpropError.invalidSetting("setWeight needs layer, to, from and a numeric value")
                }
                try await live.setWeight(layer: layer, to: to, from: from, value: value)
            case "setBias":
                guard let layer = message.layer, let neuron = message.neuron, let value = message.value else {
                    throw BackpropError.invalidSetting("setBias needs layer, neuron and a numeric value")
                }
                try await live.setBias(layer: layer, neuron: neuron, value: value)
            case "addPoint":
                guard let x = message.x, let y = message.y, let label = message.label else {
                    throw BackpropError.invalidData("addPoint needs x, y and label")
                }
                try await live.addPoint(x: x, y: y, label: label, test: message.test ?? false)
                try await sendData()
            case "uploadCSV":
                try await live.uploadCSV(message.text ?? "")
                try await sendData()
            case "download":
                try await send(try await live.file(message.format ?? "safetensors"))
                return
            default:
                throw BackpropError.invalidSetting("unknown message type \"\(message.type)\"")
            }
            try await sendSnapshot()
        } catch let error as BackpropError {
            try await send(ErrorMessage(message: "\(error)"))
            try await sendSnapshot()
        }
    }
}
