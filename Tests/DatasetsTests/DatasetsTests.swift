import Foundation
import Testing
import TestFixtures
import Backprop
import Datasets

@Suite struct GeneratorTests {
    @Test func moonsAndSplitAreScikitLearnsExactly() throws {
        // make_moons(500, noise=0.2, random_state=42) + train_test_split(test_size=0.3, random_state=42)
        let g = try Golden.load("w1_moons")
        let all = try Generators.generate(.moons, count: 500, noise: 0.2, seed: 42)
        let (train, test) = try all.split(trainRatio: 0.7, seed: 42, style: .sklearn)
        #expect(train.count == 350 && test.count == 150)
        let dx = zip(train.x.flatMap { $0 }, g.x_train.flatMap { $0 }).map { abs($0 - $1) }.max() ?? 1
        #expect(dx < 1e-12, "largest coordinate difference \(dx)")
        #expect(train.target == g.y_train)
        #expect(test.target == g.y_test)
        let dt = zip(test.x.flatMap { $0 }, g.x_test.flatMap { $0 }).map { abs($0 - $1) }.max() ?? 1
        #expect(dt < 1e-12)
    }

    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    func sd(_ v: [Double]) -> Double { let m = mean(v); return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot() }

    @Test func moonsAndCirclesFollowTheirFormulas() throws {
        let m = try Generators.generate(.moons, count: 4000, noise: 0, seed: 1)
        for (p, y) in zip(m.x, m.target) {
            // outer arc: |p| = 1, y ≥ 0; inner arc: |p − (1, 0.5)| = 1, y ≤ 0.5
            let r = y == 0 ? hypot(p[0], p[1]) : hypot(p[0] - 1, p[1] - 0.5)
            #expect(abs(r - 1) < 1e-12)
        }
        #expect(m.target.filter { $0 == 0 }.count == 2000)
        // Noise: the radial deviation has the requested standard deviation.
        let noisy = try Generators.generate(.circles, count: 20_000, noise: 0.1, seed: 2)
        let outer = zip(noisy.x, noisy.target).filter { $0.1 == 0 }.map { hypot($0.0[0], $0.0[1]) }
        let inner = zip(noisy.x, noisy.target).filter { $0.1 == 1 }.map { hypot($0.0[0], $0.0[1]) }
        #expect(abs(mean(outer) - 1.005) < 0.01)   // E|p| ≈ r + σ²/(2r)
        #expect(abs(mean(inner) - 0.806) < 0.01)
        #expect(abs(sd(outer) - 0.1) < 0.01)
    }

    @Test func playgroundSetsFollowTheirFormulas() throws {
        let n = 10_000
        let circle = try Generators.generate(.circle, count: n, noise: 0, seed: 3)
        let r = circle.x.map { hypot($0[0], $0[1]) }
        #expect(zip(r, circle.target).allSatisfy { ($1 == 1) == ($0 < 2.5) })   // no noise: labels by radius
        #expect(abs(mean(r.filter { $0 < 2.5 }) - 1.25) < 0.05)                // r ~ U(0, 2.5)
        #expect(abs(mean(r.filter { $0 > 2.5 }) - 4.25) < 0.05)                // r ~ U(3.5, 5)

        let xor = try Generators.generate(.xor, count: n, noise: 0, seed: 4)
        #expect(xor.x.allSatisfy { abs($0[0]) >= 0.3 && abs($0[1]) >= 0.3 && abs($0[0]) <= 5.3 })
        #expect(zip(xor.x, xor.target).allSatisfy { ($1 == 1) == ($0[0] * $0[1] >= 0) })

        let gauss = try Generators.generate(.gauss, count: n, noise: 0.2, seed: 5)
        let pos = zip(gauss.x, gauss.target).filter { $0.1 == 1 }.map(\.0)
        #expect(abs(mean(pos.map { $0[0] }) - 2) < 0.08)
        #expect(abs(sd(pos.map { $0[1] }) - (0.5 + 7 * 0.2).squareRoot()) < 0.06)   // variance 0.5 + 7·noise
        #expect(pos.count == n / 2)

        let spiral = try Generators.generate(.spiral, count: 500, noise: 0, seed: 6)
        #expect(spiral.x.allSatisfy { hypot($0[0], $0[1]) < 5 + 1e-9 })
        // The first point of each arm sits at the origin; the +1 arm's 126th point at r = 2.5, t = 1.75π.
        let arm = zip(spiral.x, spiral.target).filter { $0.1 == 1 }.map(\.0)
        #expect(abs(arm[125][0] - 2.5 * sin(1.75 * .pi)) < 1e-12)

        let plane = try Generators.generate(.plane, count: n, noise: 0, seed: 7)
        #expect(zip(plane.x, plane.target).allSatisfy { abs($1 - ($0[0] + $0[1]) / 10) < 1e-12 })
        #expect(plane.task == .regression)

        let mg = try Generators.generate(.multigauss, count: n, noise: 0, seed: 8)
        #expect(mg.target.allSatisfy { abs($0) <= 1 })
        let atCentre = zip(mg.x, mg.target).filter { hypot($0.0[0] + 4, $0.0[1] - 2.5) < 0.05 }
        #expect(atCentre.allSatisfy { $0.1 > 0.97 })
    }

    @Test func multiClassSetsHaveBalancedClasses() throws {
        let blobs = try Generators.generate(.blobs, count: 900, noise: 0, seed: 9, classes: 3)
        #expect(blobs.classes == 3 && blobs.task == .multiclass)
        for c in 0..<3 {
            let pts = zip(blobs.x, blobs.target).filter { $0.1 == Double(c) }.map(\.0)
            #expect(pts.count == 300)
            let angle = 2 * Double.pi * Double(c) / 3
            #expect(abs(mean(pts.map { $0[0] }) - 3.5 * cos(angle)) < 0.1)
        }
        let spirals = try Generators.generate(.spirals, count: 400, noise: 0, seed: 9, classes: 4)
        #expect(Set(spirals.target) == [0, 1, 2, 3])
        #expect(throws: BackpropError.self) { try Generators.generate(.blobs, count: 10, noise: 0, seed: 1, classes: 1) }
        #expect(throws: BackpropError.self) { try Generators.generate(.moons, count: 10, noise: -1, seed: 1) }
    }

    @Test func featureCrosses() {
        let p = LabeledPoints(x: [[2, 3]], target: [1], task: .binary, classes: 2)
        let f = p.applying([.x1, .x2, .x1Squared, .x2Squared, .x1x2, .sinX1, .sinX2])
        #expect(f.x[0] == [2, 3, 4, 9, 6, sin(2), sin(3)])
        #expect(Feature(name: "x1*x2") == .x1x2)
        #expect(Feature(name: "sinx2") == .sinX2)
    }
}

@Suite struct CSVTests {
    func error(_ text: String, task: Task? = nil) -> String {
        do { _ = try CSV.parse(text, task: task); return "parsed" } catch { return "\(error)" }
    }

    @Test func readsAndWritesRoundTrip() throws {
        let p = LabeledPoints(x: [[0.5, -1.25], [3, 4e-7]], target: [0, 1], task: .binary, classes: 2)
        let back = try CSV.parse(CSV.format(p))
        #expect(back == p)
        let signed = try CSV.parse("a,b,label\n1,2,-1\n3,4,1\n")
        #expect(signed.target == [0, 1])
        let multi = try CSV.parse("a,b,c\n1,2,0\n3,4,2\n5,6,1\n")
        #expect(multi.task == .multiclass && multi.classes == 3)
        let reg = try CSV.parse("a,y\n1,0.25\n2,0.5\n")
        #expect(reg.task == .regression)
    }

    @Test func malformedFilesNameTheLineAndColumn() {
        #expect(error("").contains("empty"))
        #expect(error("x1,x2,label\n").contains("no data rows"))
        #expect(error("x1,x2,label\n1,2,0\n1,2\n").contains("line 3 has 2 columns"))
        #expect(error("x1,x2,label\n1,2,0\n1,abc,1\n").contains("line 3, column 2: \"abc\" is not a number"))
        #expect(error("x1,x2,label\n1,nan,0\n").contains("line 2, column 2"))
        #expect(error("x1,x2,label\n1,inf,0\n").contains("not a finite number"))
        #expect(error("x1,x2,label\n1,2,0\n1,2,5\n", task: .binary).contains("line 3, column 3: label 5.0 is out of range"))
        #expect(error("x1,x2,label\n1,2,0.5\n", task: .multiclass).contains("out of range"))
        #expect(error("x1,x2,label\n1,2,0\n\n3,4,1\n").contains("line 3 is empty"))
        #expect(error("x1,x2,test,label\n1,2,0,0\n3,4,2,1\n").contains("line 3, column 3: test is 2.0; it must be 1 (a test row) or 0"))
        #expect(error("x1,x2,test,label\n1,2,1,0\n").contains("no training points") || error("x1,x2,test,label\n1,2,1,0\n") == "parsed")
        #expect(error("test,label\n1,0\n").contains("need at least one input"))
    }

    /// A `test` column is not an input: it keeps each row's set through a file, whatever the
    /// ratio and seed, so own data written by the page splits the same way when read back.
    @Test func aTestColumnKeepsTheSets() throws {
        let train = LabeledPoints(x: [[0.5, -1.25], [3, 4e-7], [1, 1]], target: [0, 1, 1], task: .binary, classes: 2)
        let test = LabeledPoints(x: [[-2, 0.125]], target: [0], task: .binary, classes: 2)
        let text = CSV.format(train: train, test: test)
        #expect(text.hasPrefix("x1,x2,test,label\n0.5,-1.25,0,0\n"))
        let back = try CSV.parse(text)
        #expect(back.dimension == 2 && back.testRows == [false, false, false, true])
        for (ratio, seed) in [(0.5, 0 as UInt64), (0.9, 7)] {
            let split = try back.split(trainRatio: ratio, seed: seed)
            #expect(split.train == train && split.test == test)
        }
        #expect(throws: BackpropError.self) { try CSV.parse("x1,x2,test,label\n1,2,1,0\n").split(trainRatio: 0.5, seed: 0) }
    }
}
