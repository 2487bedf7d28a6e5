import CKernels

/// A whole training pass — forward, head, backward — of a network no layer of which is wider
/// than 8 units, in one C call (`bp_narrow_pass`; `narrow_pass.h` says why and how): the
/// playground's networks (at most 8 neurons a layer) and the sheet's spiral. Their layers are
/// too narrow for the sample-wide kernels to pay their way: a step of W2 (2-6×6-1, batch 10)
/// took 0.75 µs in ~30 kernel calls, set-up and lane sums for 12,000 flops.
///
/// Made by the workspace when its network qualifies: a C path, every width at most
/// `BP_NARROW_WIDTH`, activations and head the C kernels have (not ELU and the like, not
/// softmax). The layer description and the pass's buffers are allocated here once.
final class NarrowPass<T: Scalar> {
    private let layers: Int
    private let sizes: UnsafeMutablePointer<Int>
    private let weightOffsets: UnsafeMutablePointer<Int>
    private let biasOffsets: UnsafeMutablePointer<Int>
    private let kinds: UnsafeMutablePointer<Int32>
    private let head: Int32
    private let parameterCount: Int
    private let work: UnsafeMutablePointer<T>

    init?(layout: ParameterLayout, activations: [Activation], head: OutputHead, capacity: Int, kernels: DispatchedKernels<T>) {
        guard kernels.isCompiled, (layout.sizes.max() ?? 0) <= Int(BP_NARROW_WIDTH),
              let head = DispatchedKernels<T>.code(head) else { return nil }
        let kinds = activations.compactMap(DispatchedKernels<T>.code)
        guard kinds.count == activations.count else { return nil }
        layers = layout.layerCount
        parameterCount = layout.count
        self.head = head
        func copy<U>(_ values: [U]) -> UnsafeMutablePointer<U> {
            let p = UnsafeMutablePointer<U>.allocate(capacity: max(values.count, 1))
            p.initialize(from: values, count: values.count)
            return p
        }
        sizes = copy(layout.sizes)
        weightOffsets = copy(layout.weightOffsets)
        biasOffsets = copy(layout.biasOffsets)
        self.kinds = copy(kinds.isEmpty ? [0] : kinds)
        // The size `bp_narrow_pass` documents: (2·layers + 3) vectors of 8 per sample, 11 head rows.
        let count = (2 * layers + 3) * 8 * capacity + 11 * ((capacity + 7) & ~7)
        work = .allocate(capacity: count)
        work.initialize(repeating: 0, count: count)
    }

    deinit {
        sizes.deallocate(); weightOffsets.deallocate(); biasOffsets.deallocate(); kinds.deallocate(); work.deallocate()
    }

    /// The summed loss (0 unless `withLoss`) of `count` samples (at most the capacity it was made
    /// for), whose inputs are `x` (one row per input unit, stride `ld`) and targets `y`
    /// (`targetWidth` per sample); the gradient of their mean loss into `gradient`.
    @inline(__always)
    func run(_ kernels: DispatchedKernels<T>, parameters p: UnsafePointer<T>, x: UnsafePointer<T>, ld: Int,
             y: UnsafePointer<T>, targetWidth: Int, count: Int, gradient: UnsafeMutablePointer<T>, withLoss: Bool) -> T {
        kernels.narrowPass(layers: layers, sizes: sizes, weightOffsets: weightOffsets, biasOffsets: biasOffsets,
                           kinds: kinds, head: head, parameters: p, count: parameterCount, x: x, ld: ld, y: y, targetWidth: targetWidth,
                           samples: count, work: work, gradient: gradient, withLoss: withLoss)
    }
}
