import Backprop
import Datasets
import Playground

extension LiveSession {
    /// Brings back a session the page kept (in its tab, while the server was away or across a
    /// reload): the settings, own data, weights and epoch. The page holds these only because
    /// the server sent them, but they arrive as untrusted input like any message: settings are
    /// read as a link is (invalid ones dropped), the data is checked as an upload is, and the
    /// weights must fit the network the settings build. Returns what could not be restored; the
    /// rest is kept. The optimiser's state (momentum, Adam's moments) starts afresh.
    func restore(_ m: Command.Restore) throws(BackpropError) -> [String] {
        var problems: [String] = []
        var given = m.settings
        if given["dataset"] == "csv" {
            do {
                try restoreOwnData(train: m.trainPoints, test: m.testPoints, task: m.task, classes: m.classes)
                ownRegion = nil
                if let r = m.region, r.count == 4, r.allSatisfy({ $0.isFinite && abs($0) <= 1e6 }), r[0] < r[1], r[2] < r[3] {
                    ownRegion = (r[0], r[1], r[2], r[3])
                }
            } catch {
                problems.append("own data (\(error.message))")
                given["dataset"] = nil
            }
        }
        problems += try configure(given)
        guard let weights = m.weights, let biases = m.biases, let session else { return problems }
        do throws(BackpropError) {
            var matrices: [Matrix<Double>] = []
            for (l, w) in weights.enumerated() {
                guard let matrix = Matrix<Double>(w), matrix.elements.allSatisfy({ $0.isFinite }) else {
                    throw BackpropError.invalidArchitecture("layer \(l + 1)'s weights are not a table of finite numbers")
                }
                matrices.append(matrix)
            }
            guard biases.joined().allSatisfy({ $0.isFinite }) else { throw BackpropError.invalidArchitecture("a bias is not a finite number") }
            let epoch = m.epoch ?? 0
            guard epoch >= 0, epoch <= limits.epochs else {
                throw BackpropError.invalidSetting("epoch \(epoch) is not one of 0…\(limits.epochs)")
            }
            let network = try Network(session.architecture, weights: matrices, biases: biases)
            do throws(BackpropError) {
                try session.resume(from: network, epoch: epoch, history: try LiveSession.history(m.history, upTo: epoch))
            } catch {
                problems.append("the loss curve (\(error.message))")
                try session.resume(from: network, epoch: epoch)
            }
            if restartsState(session, at: epoch) { leftThePath("a reload (the optimiser's memory and the shuffle start again)", at: epoch) }
        } catch {
            problems.append("the weights (\(error.message)); training starts from the initial ones")
        }
        return problems
    }

    /// The page's loss curve as history points: at most `historyPoints` rows of [epoch,
    /// training loss, test loss], whole epochs rising to `epoch`, losses finite.
    static func history(_ rows: [[Double]], upTo epoch: Int) throws(BackpropError) -> [HistoryPoint] {
        guard rows.count <= historyPoints else { throw .invalidSetting("at most \(historyPoints) points") }
        var points: [HistoryPoint] = []
        for row in rows {
            guard row.count == 3, row.allSatisfy({ $0.isFinite }), row[0] == row[0].rounded(), row[0] >= 0, row[0] <= Double(epoch) else {
                throw .invalidSetting("a point is not [epoch, training loss, test loss] up to epoch \(epoch)")
            }
            points.append(HistoryPoint(epoch: Int(row[0]), trainLoss: row[1], testLoss: row[2], trainAccuracy: nil, testAccuracy: nil))
        }
        return points
    }

    /// Own data as rows of [x, y, label], checked like an uploaded CSV (sizes and labels).
    private func restoreOwnData(train: [[Double]], test: [[Double]], task: String?, classes: Int?) throws(BackpropError) {
        guard train.count + test.count <= limits.points else { throw .invalidData("more than \(limits.points) points") }
        guard !train.isEmpty else { throw .invalidData("no training points") }
        guard (train + test).allSatisfy({ $0.count == 3 }) else { throw .invalidData("each point needs x, y and a label") }
        let kind = task.flatMap(Task.init(rawValue:))
        let text = "x1,x2,label\n" + (train + test).map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
        let all = try CSV.parse(text, task: kind, classes: kind == .regression ? nil : classes, limits: limits)
        let n = train.count
        ownTrain = LabeledPoints(x: Array(all.x[..<n]), target: Array(all.target[..<n]), task: all.task, classes: all.classes)
        ownTest = LabeledPoints(x: Array(all.x[n...]), target: Array(all.target[n...]), task: all.task, classes: all.classes)
    }
}
