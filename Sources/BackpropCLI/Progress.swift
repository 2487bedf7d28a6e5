import Foundation

/// Progress on standard error: a redrawn bar on a terminal, a plain line every
/// tenth of the run otherwise (logs and CI stay readable).
struct Progress {
    let total: Int
    let label: String
    let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastTenth = -1
    private var lastDraw = Date.distantPast

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    mutating func update(_ done: Int, _ detail: String) {
        let fraction = Double(done) / Double(total)
        if isTerminal {
            guard Date().timeIntervalSince(lastDraw) > 0.05 || done >= total else { return }
            lastDraw = Date()
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))% \(detail)\u{1B}[K".utf8))
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            FileHandle.standardError.write(Data("\(label) \(Int(fraction * 100))% \(detail)\n".utf8))
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
