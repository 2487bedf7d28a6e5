import Backprop
import Playground

/// A lesson step's check, judged on this session's numbers in every snapshot, so the page
/// shows each term with its value as training goes — the same judge in the server and in the
/// tab's WebAssembly engine.
extension LiveSession {
    /// A new check starts the by-hand count afresh: `by-hand>=1` is one solved in this step.
    func setCheck(_ expression: String) throws(BackpropError) {
        let text = trimmingSpaces(expression)
        let check = text.isEmpty ? nil : try LessonCheck(parsing: text)
        if check != lessonCheck { byHandSolved = 0 }
        lessonCheck = check
    }

    /// The value of one quantity now, or why there is none (`metrics`: the session's, made once
    /// for all the terms).
    func value(of q: LessonCheck.Quantity, metrics: (train: Metrics, test: Metrics)) -> Result<Double, BackpropError> {
        guard let session else { return .failure(.invalidSetting("no session yet")) }
        let net = session.network
        let weights = (0..<net.layout.layerCount).flatMap { l in net.weight(l).nested.joined() }
        func some(_ v: Double?, _ why: String) -> Result<Double, BackpropError> { v.map { .success($0) } ?? .failure(.invalidSetting(why)) }
        switch q {
        case .testLoss: return .success(metrics.test.loss)
        case .trainLoss: return .success(metrics.train.loss)
        case .testAccuracy: return some(metrics.test.accuracy, "no accuracy: this task is regression")
        case .trainAccuracy: return some(metrics.train.accuracy, "no accuracy: this task is regression")
        case .r2: return some(metrics.test.r2 ?? metrics.train.r2, "no R²: this task is classification")
        case .epoch: return .success(Double(session.epoch))
        case .learningRate: return .success(session.experiment.training.learningRate.rate(epoch: session.epoch))
        case .maxWeight: return .success(weights.map(abs).max() ?? 0)
        case .meanWeight: return .success(weights.isEmpty ? 0 : weights.map(abs).reduce(0, +) / Double(weights.count))
        case .zeroWeights: return .success(Double(weights.filter { $0 == 0 }.count))
        case .zeroFraction: return .success(weights.isEmpty ? 0 : Double(weights.filter { $0 == 0 }.count) / Double(weights.count))
        case .seedsRun, .seedSuccess:
            // Seeds count for the setup shown only: a tally of another setup's seeds is no answer.
            guard let job = seedJob, job.base == session.experiment else { return .failure(.invalidSetting("run seeds for this setup first")) }
            if q == .seedsRun { return .success(Double(job.results.count)) }
            guard job.done, !job.results.isEmpty else { return .failure(.invalidSetting("the seeds are still training")) }
            let wins = job.results.filter { $0.verdict?.success == true }.count
            return .success(Double(wins) / Double(job.results.count))
        case .byHand: return .success(Double(byHandSolved))
        case .weight(let l, let j, let i):
            guard l <= net.layout.layerCount, j <= net.layout.sizes[l], i <= net.layout.sizes[l - 1] else {
                return .failure(.invalidSetting("this network has no weight w(\(l),\(j),\(i))"))
            }
            return .success(net.weight(l - 1)[j - 1, i - 1])
        case .bias(let l, let j):
            guard l <= net.layout.layerCount, j <= net.layout.sizes[l] else { return .failure(.invalidSetting("this network has no bias b(\(l),\(j))")) }
            return .success(net.bias(l - 1)[j - 1])
        }
    }

    /// The check's state for a snapshot: the expression, whether it holds, and each term (`metrics`:
    /// the snapshot's, when it has made them).
    func checkReply(metrics given: (train: Metrics, test: Metrics)? = nil) -> JSON? {
        guard let check = lessonCheck, let session else { return nil }
        let metrics = given ?? session.metrics()
        let outcomes = check.evaluate { value(of: $0, metrics: metrics) }
        let terms: [JSON] = outcomes.map { o in
            var f: [(key: String, value: JSON)] = [("text", JSON(o.term.text)), ("holds", .bool(o.holds))]
            if let v = o.value { f.append(("value", JSON(v))) }
            if let m = o.missing { f.append(("missing", JSON(m))) }
            return .object(f)
        }
        return .object([("expression", JSON(check.text)), ("passed", .bool(outcomes.allSatisfy { $0.holds })), ("terms", .array(terms))])
    }
}
