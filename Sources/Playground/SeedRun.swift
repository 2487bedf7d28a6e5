import Backprop

/// One setup trained from one seed and judged by a criterion: a sweep's trial, and the page's
/// "run seeds", are both this — the same experiment and the same verdict — so the success
/// rate a student sees in the page is the one `backprop sweep --seeds N` measures.
public enum SeedRun {
    /// The experiment trained for `seed`: it seeds the initial weights and the batch order both.
    public static func experiment(_ base: Experiment, seed: UInt64) -> Experiment {
        var e = base
        e.seed = seed
        e.training.seed = seed
        return e
    }

    public struct Verdict: Equatable, Sendable {
        public var success: Bool
        public var testLoss: Double
        public var testAccuracy: Double?
        public init(success: Bool, testLoss: Double, testAccuracy: Double?) {
            self.success = success; self.testLoss = testLoss; self.testAccuracy = testAccuracy
        }
    }

    /// After training: a success when the criterion holds at the last epoch (whatever it did
    /// before; no criterion, no success), and the test set's loss and accuracy there.
    public static func verdict(_ session: Session, criterion: Criterion?) -> Verdict {
        session.recordNow()
        let m = session.metrics().test
        let met = criterion.flatMap { c in session.history.last.map(c.isMet) } ?? false
        return Verdict(success: met, testLoss: m.loss, testAccuracy: m.accuracy)
    }
}
