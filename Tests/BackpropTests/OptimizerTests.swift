import Foundation
import Testing
import Backprop

/// Each optimiser, schedule and regulariser against a hand computation on a
/// one-weight model: y = w·x with ½(y − t)², x = 1, t = 0, so the gradient is w.
@Suite struct OptimizerTests {
    func trainer(w: Double, optimizer: Optimizer = .sgd, lr: LearningRateSchedule = .constant(0.1),
                 regularization: Regularization = .none) throws -> Trainer<Double> {
        let arch = Architecture(sizes: [1, 1], activation: .linear, head: .identitySquaredError)
        let net = try Network<Double>(arch, weights: [Matrix([[w]])!], biases: [[0]])
        let data = try Dataset<Double>(x: Matrix([[1]])!, labels: [0])
        return try Trainer(network: net, data: data, settings: TrainingSettings(
            epochs: 100, batchSize: 0, order: .stored, learningRate: lr, optimizer: optimizer, regularization: regularization))
    }

    func weight(_ t: Trainer<Double>) -> Double { t.network.parameters[0] }

    @Test func sgdMomentumNesterovAndAdamFollowTheirFormulas() throws {
        // Reference implementations of the same rules, written out by hand over
        // (w, b): the residual is r = w + b and both gradients equal r.
        let eta = 0.1, mu = 0.9
        func reference(_ kind: Optimizer.Kind, steps: Int) -> [Double] {
            var p = [2.0, 0.0], v = [0.0, 0.0], m = [0.0, 0.0], s = [0.0, 0.0]
            for t in 1...steps {
                let r = p[0] + p[1]
                for k in 0..<2 {
                    let g = r
                    switch kind {
                    case .sgd: p[k] -= eta * g
                    case .momentum: v[k] = mu * v[k] + g; p[k] -= eta * v[k]
                    case .nesterov: v[k] = mu * v[k] + g; p[k] -= eta * (g + mu * v[k])
                    case .adam:
                        m[k] = 0.9 * m[k] + 0.1 * g; s[k] = 0.999 * s[k] + 0.001 * g * g
                        p[k] -= eta * (m[k] / (1 - pow(0.9, Double(t)))) / ((s[k] / (1 - pow(0.999, Double(t)))).squareRoot() + 1e-8)
                    }
                }
            }
            return p
        }
        for kind in Optimizer.Kind.allCases {
            let t = try trainer(w: 2, optimizer: Optimizer(kind, momentum: mu))
            for step in 1...5 {
                try t.trainEpoch()
                let expected = reference(kind, steps: step)
                for k in 0..<2 {
                    #expect(abs(t.network.parameters[k] - expected[k]) < 1e-14, "\(kind) step \(step)")
                }
            }
        }
    }

    @Test func schedulesGiveTheSheetsAndTheTextbookRates() throws {
        let sheet = LearningRateSchedule.piecewise(0.003, [(4000, 0.001)])
        #expect(sheet.rate(epoch: 0) == 0.003)
        #expect(sheet.rate(epoch: 3999) == 0.003)
        #expect(sheet.rate(epoch: 4000) == 0.001)
        let exp = LearningRateSchedule.exponential(1, decay: 0.5)
        #expect(exp.rate(epoch: 3) == 0.125)
        let cos = LearningRateSchedule.cosine(1, final: 0, epochs: 100)
        #expect(cos.rate(epoch: 0) == 1)
        #expect(abs(cos.rate(epoch: 50) - 0.5) < 1e-12)
        #expect(cos.rate(epoch: 100) == 0)
        #expect(LearningRateSchedule.constant(0.3).rate(epoch: 123) == 0.3)
        // The trainer uses the rate of the epoch it is in.
        let t = try trainer(w: 1, lr: .piecewise(0.5, [(1, 0.25)]))
        try t.trainEpoch()
        #expect(t.network.parameters == [0.5, -0.5])    // r = 1: both step by 0.5
        try t.trainEpoch()
        #expect(t.network.parameters == [0.5, -0.5])    // r = 0 now: nothing moves
        let u = try trainer(w: 1, lr: .piecewise(0.25, [(1, 0.125)]))
        try u.trainEpoch()                                // r = 1 → (0.75, −0.25)
        try u.trainEpoch()                                // r = 0.5, rate 0.125 → (0.6875, −0.3125)
        #expect(u.network.parameters == [0.6875, -0.3125])
        #expect(throws: BackpropError.self) { try LearningRateSchedule.exponential(1, decay: 2).validate() }
    }

    /// Whether two schedules gave the same rates so far: exact for step schedules at any epoch
    /// count (checked where they change), epoch by epoch for smooth ones up to the scan bound.
    @Test func schedulesAgreeOnTheEpochsTrainedOrNot() {
        let constant = LearningRateSchedule.constant(0.003)
        let lowered = LearningRateSchedule.piecewise(0.003, [(4000, 0.001)])
        #expect(lowered.agrees(with: constant, before: 4000))
        #expect(!lowered.agrees(with: constant, before: 4001))
        #expect(LearningRateSchedule.piecewise(0.003, [(0, 0.01)]).agrees(with: .constant(0.01), before: 1_000_000_000))
        #expect(!LearningRateSchedule.piecewise(0.003, [(999_999_999, 0.01)]).agrees(with: constant, before: 1_000_000_000))
        let short = LearningRateSchedule.cosine(0.1, epochs: 100), long = LearningRateSchedule.cosine(0.1, epochs: 200)
        #expect(short.agrees(with: long, before: 1) && !short.agrees(with: long, before: 2))
        #expect(LearningRateSchedule.exponential(0.1, decay: 1).agrees(with: .constant(0.1), before: 50))
        // Past the scan bound only an equal schedule agrees: the bound is on epochs a page names.
        #expect(!LearningRateSchedule.exponential(0.1, decay: 1).agrees(with: .constant(0.1), before: 100_001))
        #expect(short.agrees(with: short, before: 1_000_000_000))
    }

    @Test func l2AndL1InGradientStyleJoinTheGradient() throws {
        let l2 = try trainer(w: 2, regularization: .l2(0.5))
        try l2.trainEpoch()
        #expect(abs(weight(l2) - (2 - 0.1 * (2 + 0.5 * 2))) < 1e-15)
        let l1 = try trainer(w: 2, regularization: .l1(0.5))
        try l1.trainEpoch()
        #expect(abs(weight(l1) - (2 - 0.1 * (2 + 0.5))) < 1e-15)
        // Biases are never regularised.
        let arch = Architecture(sizes: [1, 1], activation: .linear, head: .identitySquaredError)
        let net = try Network<Double>(arch, weights: [Matrix([[0]])!], biases: [[1]])
        let t = try Trainer(network: net, data: try Dataset(x: Matrix([[0]])!, labels: [1]),
                            settings: TrainingSettings(epochs: 1, learningRate: .constant(0.1), regularization: .l2(100)))
        try t.trainEpoch()
        #expect(t.network.parameters == [0, 1])
    }

    @Test func playgroundL1IsASeparateStepClippedAtZeroAndTheLinkStaysDead() throws {
        // w = 0.05: gradient step → 0.045; L1 step of lr·rate = 0.1 would cross zero → 0, dead.
        let t = try trainer(w: 0.05, regularization: .l1(1, style: .playground))
        try t.trainEpoch()
        #expect(weight(t) == 0)
        // A dead link stays at zero although the data would move it (the bias is 0.045, so r ≠ 0).
        try t.trainEpoch()
        #expect(t.network.parameters[1] != 0)
        #expect(weight(t) == 0)
        // L2 playground style: w ← w − η g, then w ← w − η λ w_old.
        let l2 = try trainer(w: 2, regularization: .l2(0.5, style: .playground))
        try l2.trainEpoch()
        #expect(abs(weight(l2) - (2 - 0.1 * 2 - 0.1 * 0.5 * 2)) < 1e-15)
    }
}

@Suite struct RandomSourceTests {
    @Test func sameSeedSameStreamAndDifferentSeedsDiffer() {
        var a = RandomSource(seed: 1), b = RandomSource(seed: 1), c = RandomSource(seed: 2)
        let xa = (0..<5).map { _ in a.next() }, xb = (0..<5).map { _ in b.next() }, xc = (0..<5).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func xoshiroMatchesItsReferenceOutput() {
        // First outputs of xoshiro256** for seed 0 expanded by SplitMix64
        // (state e220a8397b1dcdaf 6e789e6aa1b965f4 06c45d188009454f f88bb8a8724c81ec).
        var r = RandomSource(seed: 0)
        #expect(r.next() == 0x99EC_5F36_CB75_F2B4)
    }

    @Test func moments() {
        var r = RandomSource(seed: 123)
        let n = 200_000
        let u = (0..<n).map { _ in r.uniform() }
        let z = (0..<n).map { _ in r.normal() }
        let meanU = u.reduce(0, +) / Double(n), meanZ = z.reduce(0, +) / Double(n)
        let varZ = z.reduce(0) { $0 + ($1 - meanZ) * ($1 - meanZ) } / Double(n)
        #expect(abs(meanU - 0.5) < 0.005)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(meanZ) < 0.01)
        #expect(abs(varZ - 1) < 0.01)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[r.int(below: 3)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
        #expect(r.permutation(10).sorted() == Array(0..<10))
    }
}
