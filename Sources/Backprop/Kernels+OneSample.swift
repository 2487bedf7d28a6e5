/// The one-sample kernels and plain SGD, as the reference kernels: the loops `bp_matvec`,
/// `bp_outer`, `bp_sample_sgd` and `bp_sgd` compute, in their plainest order. The workspace
/// takes its one-sample passes only on paths with C kernels (their point is the C's speed), so
/// these are what a path without one would run, and what the tests hold the C kernels to.
extension Kernels {
    /// y = A·x (+ bias) for one sample: A's rows `rowStride` apart and columns `depthStride`
    /// apart, x and y strided.
    static func matvec<T: Scalar>(rows: Int, depth: Int, a: UnsafePointer<T>, rowStride: Int, depthStride: Int,
                                  x: UnsafePointer<T>, incx: Int, bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>, incy: Int) {
        for r in 0..<rows {
            var s: T = 0
            for k in 0..<depth { s += a[r * rowStride + k * depthStride] * x[k * incx] }
            y[r * incy] = s + (bias?[r] ?? 0)
        }
    }

    /// gW = δ·xᵀ and gb = δ for one sample (added to them with `accumulate`).
    static func outer<T: Scalar>(outW: Int, inW: Int, delta: UnsafePointer<T>, incd: Int, x: UnsafePointer<T>, incx: Int,
                                 gw: UnsafeMutablePointer<T>, gb: UnsafeMutablePointer<T>, accumulate: Bool) {
        for j in 0..<outW {
            let dj = delta[j * incd]
            gb[j] = accumulate ? gb[j] + dj : dj
            for i in 0..<inW { gw[j * inW + i] = accumulate ? gw[j * inW + i] + dj * x[i * incx] : dj * x[i * incx] }
        }
    }

    /// One layer's SGD step for `samples` samples (δ, x and e a row per unit, `ld` apart): with
    /// `e`, each sample's input gradient Wᵀδ from the weights before the step; then W −= η·Σ δxᵀ
    /// and b −= η·Σ δ.
    static func sampleSGD<T: Scalar>(samples: Int, outW: Int, inW: Int, w: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>,
                                     delta: UnsafePointer<T>, x: UnsafePointer<T>, ld: Int, learningRate eta: T,
                                     e: UnsafeMutablePointer<T>?) {
        if let e {
            for s in 0..<samples {
                for i in 0..<inW {
                    var g: T = 0
                    for j in 0..<outW { g += w[j * inW + i] * delta[j * ld + s] }
                    e[i * ld + s] = g
                }
            }
        }
        for j in 0..<outW {
            var gb: T = 0
            for s in 0..<samples { gb += delta[j * ld + s] }
            for i in 0..<inW {
                var g: T = 0
                for s in 0..<samples { g += delta[j * ld + s] * x[i * ld + s] }
                w[j * inW + i] -= eta * g
            }
            b[j] -= eta * gb
        }
    }

    /// Plain SGD, w −= η·g (`Optimizer.apply`'s loop for `.sgd`: the same roundings).
    static func sgd<T: Scalar>(parameters w: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>, count: Int, learningRate eta: T) {
        for i in 0..<count { w[i] -= eta * g[i] }
    }
}
