/// The output heads' loops, as the reference kernels (`bp_head_row` and `bp_softmax` are the C
/// paths' copies of the same operations): one head row, or a batch's softmax.
extension Kernels {
    /// One row of a sigmoid, tanh or identity head: outputs `o`, error signal `d` (scaled by
    /// `scale`, 1/n) and, with `withLoss`, each sample's loss in `losses`; targets `tw` apart.
    @inline(__always)
    static func headRow<T: Scalar>(_ head: OutputHead, z: UnsafePointer<T>, y: UnsafePointer<T>, tw: Int, o: UnsafeMutablePointer<T>,
                                   d: UnsafeMutablePointer<T>, losses: UnsafeMutablePointer<T>, columns: Int, scale: T, withLoss: Bool) {
        switch head {
        case .sigmoidCrossEntropy where withLoss:
            // −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z; δ = σ(z) − y.
            for s in 0..<columns {
                let v = z[s], t = y[s &* tw], p = T.vsigmoid(v)
                o[s] = p; losses[s] = T.vsigmoidLoss(v, target: t); d[s] = (p - t) * scale
            }
        case .sigmoidCrossEntropy:
            for s in 0..<columns { let p = T.vsigmoid(z[s]); o[s] = p; d[s] = (p - y[s &* tw]) * scale }
        case .tanhSquaredError:
            for s in 0..<columns {
                let out = T.vtanh(z[s]), e = out - y[s &* tw]
                o[s] = out; losses[s] = e * e / 2; d[s] = e * (1 - out * out) * scale
            }
        case .identitySquaredError, .softmaxCrossEntropy:
            for s in 0..<columns {
                let v = z[s], e = v - y[s &* tw]
                o[s] = v; losses[s] = e * e / 2; d[s] = e * scale
            }
        }
    }

    /// Softmax of a batch: p = e^{z−m}/Σ e^{z−m} with m the largest logit, into `o`; the error
    /// signal p − onehot(y), scaled, into `d` (rows `dld` apart); m and 1/Σ e^{z−m} per sample.
    static func softmax<T: Scalar>(z: UnsafePointer<T>, y: UnsafePointer<T>, o: UnsafeMutablePointer<T>, d: UnsafeMutablePointer<T>,
                                   units k: Int, columns: Int, ld: Int, dld: Int, scale: T,
                                   m: UnsafeMutablePointer<T>, sum: UnsafeMutablePointer<T>) {
        m.update(from: z, count: columns)
        for j in 1..<max(k, 1) {
            let zj = z + j * ld
            for s in 0..<columns { m[s] = Swift.max(m[s], zj[s]) }
        }
        sum.update(repeating: 0, count: columns)
        for j in 0..<k {
            let zj = z + j * ld, oj = o + j * ld
            for s in 0..<columns { let e = T.vexp(zj[s] - m[s]); oj[s] = e; sum[s] += e }
        }
        for s in 0..<columns { sum[s] = 1 / sum[s] }
        for j in 0..<k {
            let oj = o + j * ld, dj = d + j * dld, label = T(j)
            for s in 0..<columns {
                let p = oj[s] * sum[s]
                oj[s] = p
                dj[s] = (y[s] == label ? p - 1 : p) * scale
            }
        }
    }
}
