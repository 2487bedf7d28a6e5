// The page's session for a Web Worker (Sources/PlaygroundServer/Page/js/engine-worker.js): the
// same `LiveSession` the server runs behind its WebSocket, with the same messages in and the
// same JSON replies out. Text crosses as UTF-8 in the module's memory: the worker writes a
// message into a buffer from `bp_alloc`, and reads each answer from `bp_output` (its length is
// what the call returns) before the next call replaces it.
import Backprop
import Playground
import PlaygroundSessions

/// Sessions by handle (1-based: 0 means "none"). A worker holds one; more cost nothing.
nonisolated(unsafe) var sessions: [LiveSession?] = []
/// The last answer's bytes, for `bp_output`.
nonisolated(unsafe) var output: [UInt8] = []

/// Seconds of training in each of the worker's 30 ms frames (a step's reply trains at most this
/// long, the frames after it the rest). More than the server's 20 (`Connection.trainingBudget`):
/// there the rest of the frame is the snapshot, its JSON and the send on the same cores as the
/// other tabs; here the page draws on its own thread, and the worker's only other work is the
/// snapshot (3–4 ms in the module) and the last clock read's overshoot (at most 1/8 of this).
let frameBudget = 0.024

func answer(_ text: String) -> Int32 {
    output = Array(text.utf8)
    return Int32(output.count)
}

func session(_ handle: Int32) -> LiveSession? {
    handle >= 1 && Int(handle) <= sessions.count ? sessions[Int(handle) - 1] : nil
}

/// The bytes of the last answer (valid until the next call into the module).
@_cdecl("bp_output")
public func bpOutput() -> UnsafeRawPointer? {
    output.withUnsafeBytes { $0.baseAddress }
}

/// A new session with the page's limits (`Limits.playground`, as the server's) and its
/// defaults, before any message; returns its handle.
@_cdecl("bp_session_new")
public func bpSessionNew() -> Int32 {
    let live = LiveSession(limits: .playground)
    live.stepBudget = frameBudget
    sessions.append(live)
    return Int32(sessions.count)
}

/// Answers one message (`text`, `length` bytes of UTF-8): the replies, one JSON text per line.
@_cdecl("bp_session_respond")
public func bpSessionRespond(_ handle: Int32, _ text: UnsafePointer<UInt8>, _ length: Int32) -> Int32 {
    guard let live = session(handle) else { return answer(LiveSession.errorJSON("no session \(handle)")) }
    // The server's rule for one message (Connection.swift), so that a page cannot do here what
    // it could not do there.
    let limit = PageLimits().messageBytes
    guard length <= limit else {
        return answer(LiveSession.errorJSON("message refused: messages are limited to \(limit) bytes (this one has \(length))"))
    }
    let message = String(decoding: UnsafeBufferPointer(start: text, count: Int(max(length, 0))), as: UTF8.self)
    return answer(live.respond(to: message).joined(separator: "\n"))
}

/// One frame of training, if the session is playing or stepping, and its snapshot; 0 bytes
/// when there is nothing to train.
@_cdecl("bp_session_frame")
public func bpSessionFrame(_ handle: Int32) -> Int32 {
    guard let live = session(handle), live.isTraining else { return answer("") }
    live.trainFrame(budget: frameBudget)
    return answer(live.snapshotJSON() ?? "")
}

/// Whether frames have training to do.
@_cdecl("bp_session_is_training")
public func bpSessionIsTraining(_ handle: Int32) -> Int32 { session(handle)?.isTraining == true ? 1 : 0 }

/// "Run seeds" on every core: the next seed for a helper worker, as text ("" when none is
/// left, or the job's seeds must train in this session: own data).
@_cdecl("bp_session_seed_task")
public func bpSessionSeedTask(_ handle: Int32) -> Int32 { answer(session(handle)?.takeSeedTaskJSON() ?? "") }

/// The session's snapshot now (a helper's seed may end the job after the frames have stopped).
@_cdecl("bp_session_snapshot")
public func bpSessionSnapshot(_ handle: Int32) -> Int32 { answer(session(handle)?.snapshotJSON() ?? "") }

/// A helper's answer for a seed (its result, or its error: the seed goes back to the session).
@_cdecl("bp_session_seed_done")
public func bpSessionSeedDone(_ handle: Int32, _ text: UnsafePointer<UInt8>, _ length: Int32) {
    session(handle)?.finishSeedTask(json: String(decoding: UnsafeBufferPointer(start: text, count: Int(max(length, 0))), as: UTF8.self))
}

/// In a helper worker: one seed task trained to its end; its result as text.
@_cdecl("bp_seed_run")
public func bpSeedRun(_ text: UnsafePointer<UInt8>, _ length: Int32) -> Int32 {
    answer(LiveSession.runSeedTask(String(decoding: UnsafeBufferPointer(start: text, count: Int(max(length, 0))), as: UTF8.self)))
}

@_cdecl("bp_session_free")
public func bpSessionFree(_ handle: Int32) {
    if handle >= 1 && Int(handle) <= sessions.count { sessions[Int(handle) - 1] = nil }
}

/// The settings' vocabulary for the page's menus (the server's `GET /api/settings`).
@_cdecl("bp_vocabulary")
public func bpVocabulary() -> Int32 { answer(LiveSession.vocabularyJSON) }

/// The presets (the server's `GET /presets.json`).
@_cdecl("bp_presets")
public func bpPresets() -> Int32 { answer(Preset.allJSON) }
