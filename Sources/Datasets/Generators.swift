import Backprop

/// The data sets Backprop can generate.
public enum DatasetName: String, CaseIterable, Sendable {
    // scikit-learn's, as the sheet uses them (labels 0/1).
    case moons, circles
    // The TensorFlow playground's, with its exact formulas (labels 0/1 for its −1/+1).
    case circle, xor, gauss, spiral
    case plane, multigauss = "multi-gauss"
    // Multi-class.
    case blobs
    case spirals

    /// The order a chooser shows them in: the TensorFlow playground's four first, as its page
    /// does, then scikit-learn's, the multi-class sets and the regression sets.
    public static let playgroundOrder: [DatasetName] = [.circle, .xor, .gauss, .spiral, .moons, .circles, .blobs, .spirals, .plane, .multigauss]

    public var task: Task {
        switch self {
        case .plane, .multigauss: return .regression
        case .blobs, .spirals: return .multiclass
        default: return .binary
        }
    }

    /// scikit-learn's sets are split as `train_test_split` splits them (the sheet's exact
    /// points); the playground's as the playground does.
    public var splitStyle: LabeledPoints.SplitStyle {
        self == .moons || self == .circles ? .sklearn : .playground
    }

    /// The plane a set is drawn on: the TensorFlow playground shows all of its sets on
    /// [−6, 6]²; scikit-learn's have none (a plot frames their points).
    public var fixedPlane: (xMin: Double, xMax: Double, yMin: Double, yMax: Double)? {
        splitStyle == .sklearn ? nil : (-6, 6, -6, 6)
    }

    /// A fixed frame that holds the points at small noise, for thumbnails: the playground's
    /// plane, or a square around scikit-learn's shape (moons span x −1…2, y −0.5…1).
    public var thumbnailPlane: (xMin: Double, xMax: Double, yMin: Double, yMax: Double) {
        fixedPlane ?? (self == .moons ? (-1.5, 2.5, -1.75, 2.25) : (-2, 2, -2, 2))
    }

    public init?(name: String) {
        let key = nameKey(name)
        if key == "multigauss" { self = .multigauss; return }
        guard let d = DatasetName.allCases.first(where: { nameKey($0.rawValue) == key }) else { return nil }
        self = d
    }
}

/// Data set generators. Each draws from a `RandomSource` seeded by `seed`, so
/// the same arguments give the same points everywhere.
public enum Generators {
    /// Generates `count` points of `name`. `classes` is used by blobs and spirals.
    public static func generate(_ name: DatasetName, count: Int, noise: Double, seed: UInt64, classes: Int = 3) throws(BackpropError) -> LabeledPoints {
        guard count >= 2 else { throw .invalidSetting("a data set needs at least 2 points, got \(count)") }
        guard noise.isFinite, noise >= 0 else { throw .invalidSetting("noise must be 0 or more, got \(noise)") }
        // numpy's RandomState, which moons and circles reproduce, takes seeds below 2³²; a larger
        // one would be cut to its low 32 bits and silently repeat another seed's points.
        if name == .moons || name == .circles, seed > UInt64(UInt32.max) {
            throw .invalidSetting("data-seed: \(name.rawValue) draws with numpy's RandomState, whose seeds go up to \(UInt32.max); got \(seed)")
        }
        var r = RandomSource(seed: seed)
        switch name {
        case .moons: return moons(count, noise: noise, seed: seed)
        case .circles: return circles(count, noise: noise, factor: 0.8, seed: seed)
        case .circle: return circle(count, noise: noise, &r)
        case .xor: return xor(count, noise: noise, &r)
        case .gauss: return gauss(count, noise: noise, &r)
        case .spiral: return spirals(count, arms: 2, noise: noise, &r, playgroundLabels: true)
        case .plane: return plane(count, noise: noise, &r)
        case .multigauss: return multiGauss(count, noise: noise, &r)
        case .blobs:
            guard classes >= 2 else { throw .invalidSetting("blobs need at least 2 classes, got \(classes)") }
            return blobs(count, classes: classes, noise: noise, &r)
        case .spirals:
            guard classes >= 2 else { throw .invalidSetting("spirals need at least 2 arms, got \(classes)") }
            return spirals(count, arms: classes, noise: noise, &r, playgroundLabels: false)
        }
    }

    static func linspace(_ a: Double, _ b: Double, _ n: Int, endpoint: Bool = true) -> [Double] {
        guard n > 1 else { return n == 1 ? [a] : [] }
        let step = (b - a) / Double(endpoint ? n - 1 : n)
        return (0..<n).map { a + Double($0) * step }
    }

    /// scikit-learn's order of work: build the arcs, shuffle (`RandomState.shuffle`
    /// of the indices), then add `normal(scale: noise)` row by row.
    static func sklearnFinish(_ x: [[Double]], _ y: [Double], noise: Double, seed: UInt64) -> LabeledPoints {
        var rs = NumpyRandomState(seed: UInt32(truncatingIfNeeded: seed))
        let p = rs.permutation(x.count)
        var xs = p.map { x[$0] }
        if noise > 0 { xs = xs.map { [$0[0] + noise * rs.gauss(), $0[1] + noise * rs.gauss()] } }
        return LabeledPoints(x: xs, target: p.map { y[$0] }, task: .binary, classes: 2)
    }

    /// Shuffles points and labels together.
    static func shuffled(_ x: [[Double]], _ y: [Double], task: Task, classes: Int, _ r: inout RandomSource) -> LabeledPoints {
        let p = r.permutation(x.count)
        return LabeledPoints(x: p.map { x[$0] }, target: p.map { y[$0] }, task: task, classes: classes)
    }

    /// scikit-learn `make_moons`: ⌊n/2⌋ points on the outer arc (cos t, sin t), the
    /// rest on the inner arc (1 − cos t, 1 − sin t − 0.5), t evenly in [0, π];
    /// Gaussian noise with standard deviation `noise` on both coordinates.
    /// Drawn with numpy's `RandomState(seed)`: the same points as scikit-learn.
    static func moons(_ n: Int, noise: Double, seed: UInt64) -> LabeledPoints {
        let nOut = n / 2, nIn = n - nOut
        var x: [[Double]] = linspace(0, .pi, nOut).map { [Double.cos($0), Double.sin($0)] }
        x += linspace(0, .pi, nIn).map { [1 - Double.cos($0), 1 - Double.sin($0) - 0.5] }
        let y = Array(repeating: 0.0, count: nOut) + Array(repeating: 1.0, count: nIn)
        return sklearnFinish(x, y, noise: noise, seed: seed)
    }

    /// scikit-learn `make_circles`: outer circle radius 1 (label 0), inner radius
    /// `factor` (label 1), angles evenly in [0, 2π) without the endpoint; numpy's `RandomState(seed)`.
    static func circles(_ n: Int, noise: Double, factor: Double, seed: UInt64) -> LabeledPoints {
        let nOut = n / 2, nIn = n - nOut
        var x: [[Double]] = linspace(0, 2 * .pi, nOut, endpoint: false).map { [Double.cos($0), Double.sin($0)] }
        x += linspace(0, 2 * .pi, nIn, endpoint: false).map { [factor * Double.cos($0), factor * Double.sin($0)] }
        let y = Array(repeating: 0.0, count: nOut) + Array(repeating: 1.0, count: nIn)
        return sklearnFinish(x, y, noise: noise, seed: seed)
    }

    /// Playground circle: half r ~ U(0, 2.5), half r ~ U(3.5, 5); label 1 when the
    /// noisy point lies within 2.5 of the origin; the clean point is stored.
    static func circle(_ n: Int, noise: Double, _ r: inout RandomSource) -> LabeledPoints {
        var x: [[Double]] = [], y: [Double] = []
        func add(_ rMin: Double, _ rMax: Double) {
            let radius = r.uniform(rMin, rMax), angle = r.uniform(0, 2 * .pi)
            let px = radius * Double.sin(angle), py = radius * Double.cos(angle)
            let nx = r.uniform(-5, 5) * noise, ny = r.uniform(-5, 5) * noise
            x.append([px, py])
            y.append((px + nx) * (px + nx) + (py + ny) * (py + ny) < 2.5 * 2.5 ? 1 : 0)
        }
        for _ in 0..<(n / 2) { add(0, 2.5) }
        for _ in 0..<(n - n / 2) { add(3.5, 5) }
        return LabeledPoints(x: x, target: y, task: .binary, classes: 2)
    }

    /// Playground xor: x, y ~ U(−5, 5) pushed 0.3 away from 0; label 1 when
    /// (x + nx)(y + ny) ≥ 0, nx, ny ~ U(−5, 5)·noise; clean positions stored.
    static func xor(_ n: Int, noise: Double, _ r: inout RandomSource) -> LabeledPoints {
        var x: [[Double]] = [], y: [Double] = []
        for _ in 0..<n {
            var a = r.uniform(-5, 5), b = r.uniform(-5, 5)
            a += a > 0 ? 0.3 : -0.3
            b += b > 0 ? 0.3 : -0.3
            let nx = r.uniform(-5, 5) * noise, ny = r.uniform(-5, 5) * noise
            x.append([a, b])
            y.append((a + nx) * (b + ny) >= 0 ? 1 : 0)
        }
        return LabeledPoints(x: x, target: y, task: .binary, classes: 2)
    }

    /// Playground gauss: n/2 points around (2, 2) (label 1), n/2 around (−2, −2)
    /// (label 0), variance 0.5 + 7·noise.
    static func gauss(_ n: Int, noise: Double, _ r: inout RandomSource) -> LabeledPoints {
        let sd = (0.5 + 7 * noise).squareRoot()
        var x: [[Double]] = [], y: [Double] = []
        for k in 0..<n {
            let positive = k < n / 2
            let c = positive ? 2.0 : -2.0
            x.append([r.normal(mean: c, standardDeviation: sd), r.normal(mean: c, standardDeviation: sd)])
            y.append(positive ? 1 : 0)
        }
        return LabeledPoints(x: x, target: y, task: .binary, classes: 2)
    }

    /// Spiral arms: n/arms points per arm, i = 0…m−1: r = 5i/m,
    /// t = 1.75·2π·i/m + 2πj/arms, point (r sin t, r cos t) + U(−1, 1)·noise.
    /// With two arms this is the playground's spiral (δ = 0 for +1, π for −1).
    static func spirals(_ n: Int, arms: Int, noise: Double, _ r: inout RandomSource, playgroundLabels: Bool) -> LabeledPoints {
        var x: [[Double]] = [], y: [Double] = []
        for j in 0..<arms {
            let m = n / arms + (j < n % arms ? 1 : 0)
            for i in 0..<m {
                let radius = 5 * Double(i) / Double(m)
                let t = 1.75 * 2 * .pi * Double(i) / Double(m) + 2 * .pi * Double(j) / Double(arms)
                x.append([radius * Double.sin(t) + r.uniform(-1, 1) * noise, radius * Double.cos(t) + r.uniform(-1, 1) * noise])
                // Playground: the first arm (δ = 0) is +1.
                y.append(playgroundLabels ? (j == 0 ? 1 : 0) : Double(j))
            }
        }
        return LabeledPoints(x: x, target: y, task: arms == 2 && playgroundLabels ? .binary : .multiclass, classes: arms)
    }

    /// Playground plane (regression): x, y ~ U(−6, 6), target (x + nx + y + ny)/10, n ~ U(−6, 6)·noise.
    static func plane(_ n: Int, noise: Double, _ r: inout RandomSource) -> LabeledPoints {
        var x: [[Double]] = [], y: [Double] = []
        for _ in 0..<n {
            let a = r.uniform(-6, 6), b = r.uniform(-6, 6)
            let na = r.uniform(-6, 6) * noise, nb = r.uniform(-6, 6) * noise
            x.append([a, b])
            y.append((a + na + b + nb) / 10)
        }
        return LabeledPoints(x: x, target: y, task: .regression, classes: 0)
    }

    /// Playground multi-gauss (regression): six signed bumps sign·max(0, 1 − d/2);
    /// the target is the contribution of largest magnitude at the noisy position.
    static func multiGauss(_ n: Int, noise: Double, _ r: inout RandomSource) -> LabeledPoints {
        let centres: [(Double, Double, Double)] = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
        var x: [[Double]] = [], y: [Double] = []
        for _ in 0..<n {
            let a = r.uniform(-6, 6), b = r.uniform(-6, 6)
            let na = r.uniform(-6, 6) * noise, nb = r.uniform(-6, 6) * noise
            var best = 0.0
            for (cx, cy, sign) in centres {
                let d = ((a + na - cx) * (a + na - cx) + (b + nb - cy) * (b + nb - cy)).squareRoot()
                let v = sign * max(0, 1 - d / 2)
                if abs(v) > abs(best) { best = v }
            }
            x.append([a, b])
            y.append(best)
        }
        return LabeledPoints(x: x, target: y, task: .regression, classes: 0)
    }

    /// k Gaussian blobs with centres evenly on a circle of radius 3.5, standard
    /// deviation 0.5 + 2·noise; labels 0…k−1.
    static func blobs(_ n: Int, classes k: Int, noise: Double, _ r: inout RandomSource) -> LabeledPoints {
        let sd = 0.5 + 2 * noise
        var x: [[Double]] = [], y: [Double] = []
        for i in 0..<n {
            let c = i % k, angle = 2 * .pi * Double(c) / Double(k)
            x.append([3.5 * Double.cos(angle) + sd * r.normal(), 3.5 * Double.sin(angle) + sd * r.normal()])
            y.append(Double(c))
        }
        return shuffled(x, y, task: .multiclass, classes: k, &r)
    }
}

#if !hasFeature(Embedded)
extension DatasetName: Codable {}
#endif
