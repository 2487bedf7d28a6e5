// The engine's entry points for JavaScript: plain numbers and pointers into the module's memory,
// since a WebAssembly export takes nothing else. Compiled with the engine's own sources as one
// module (scripts/build-wasm.sh); Embedded Swift specialises every generic function it calls here.
//
// Layout of a network's parameters as these functions take and give them: for each layer in
// turn, its weights row by row ([out][in], PyTorch's `nn.Linear` order) and then its biases —
// the order of the golden trajectories and of `safetensors`, not the engine's internal one.

import Backprop

/// Trainers by handle (1-based: 0 means "none").
nonisolated(unsafe) var trainers: [Trainer<Double>?] = []
/// The last error's message, for `bp_error_message`.
nonisolated(unsafe) var lastError: [UInt8] = []

func fail(_ error: BackpropError) -> Int32 {
    lastError = Array(error.description.utf8)
    return 0
}

@_cdecl("bp_alloc")
public func bpAlloc(_ bytes: Int32) -> UnsafeMutableRawPointer? {
    UnsafeMutableRawPointer.allocate(byteCount: Int(max(bytes, 1)), alignment: 16)
}

@_cdecl("bp_free")
public func bpFree(_ pointer: UnsafeMutableRawPointer?) { pointer?.deallocate() }

/// The last error's message: its length, the bytes copied to `out` (up to `capacity`).
@_cdecl("bp_error_message")
public func bpErrorMessage(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int32) -> Int32 {
    let n = min(lastError.count, Int(capacity))
    for i in 0..<n { out[i] = lastError[i] }
    return Int32(lastError.count)
}

/// A trainer for a network of `layerCount` sizes (inputs, hidden widths, outputs), one hidden
/// activation and a head by the names the command line takes (UTF-8), the given parameters, and `n` samples (x row by row, one target each),
/// plain SGD with a learning rate that is `rate` until epoch `changeEpoch` and `rateAfter` from
/// then on (`changeEpoch` ≤ 0: constant), in batches of `batchSize` (0: the whole set), in the
/// stored order or, with `orders` of `orderCount` permutations of n, in those (cyclically).
/// Returns a handle, or 0 with the reason in `bp_error_message`.
@_cdecl("bp_trainer_new")
public func bpTrainerNew(
    _ sizes: UnsafePointer<Int32>, _ layerCount: Int32,
    _ activationName: UnsafePointer<UInt8>, _ activationLength: Int32, _ headName: UnsafePointer<UInt8>, _ headLength: Int32,
    _ parameters: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int32,
    _ batchSize: Int32, _ rate: Double, _ changeEpoch: Int32, _ rateAfter: Double,
    _ orders: UnsafePointer<Int32>?, _ orderCount: Int32
) -> Int32 {
    do throws(BackpropError) {
        // Every count from the caller passes `Limits` before it sizes a loop or an array (Int is
        // 32 bits here: products are checked, never formed with `*` first).
        let limits = Limits.standard
        try limits.check(Int(layerCount), "layer sizes", atMost: limits.depth + 2, atLeast: 2)
        let widths = (0..<Int(layerCount)).map { Int(sizes[$0]) }
        let activationText = text(activationName, activationLength), headText = text(headName, headLength)
        guard let activation = Activation(name: activationText) else { throw .invalidSetting("no activation is called \(quoted(activationText))") }
        guard let head = OutputHead(name: headText) else { throw .invalidSetting("no output head is called \(quoted(headText))") }
        let architecture = Architecture(sizes: widths, activation: activation, head: head)
        try limits.check(architecture)
        var weights: [Matrix<Double>] = [], biases: [[Double]] = []
        var p = 0
        for l in 0..<(widths.count - 1) {
            let (fanIn, fanOut) = (widths[l], widths[l + 1])
            weights.append(Matrix(rows: fanOut, columns: fanIn, elements: (0..<(fanOut * fanIn)).map { parameters[p + $0] })!)
            p += fanOut * fanIn
            biases.append((0..<fanOut).map { parameters[p + $0] })
            p += fanOut
        }
        let network = try Network<Double>(architecture, weights: weights, biases: biases)
        let count = Int(n), inputs = widths[0]
        try limits.check(count, "samples", atMost: limits.points, atLeast: 1)
        guard let values = Limits.product(count, inputs + 1), values <= limits.dataValues else {
            throw .invalidData("\(count) samples of \(inputs) inputs are more than \(limits.dataValues) numbers")
        }
        if orders != nil, orderCount > 0 {
            guard let given = Limits.product(Int(orderCount), count), given <= limits.dataValues else {
                throw .invalidSetting("\(orderCount) orders of \(count) samples are more than \(limits.dataValues) numbers")
            }
        }
        guard let xs = Matrix(rows: count, columns: inputs, elements: (0..<(count * inputs)).map { x[$0] }) else {
            throw .invalidData("the samples do not fill \(count) rows of \(inputs)")
        }
        let data = try Dataset(x: xs, labels: (0..<count).map { y[$0] })
        let schedule: LearningRateSchedule = changeEpoch > 0 ? .piecewise(rate, [(Int(changeEpoch), rateAfter)]) : .constant(rate)
        var order = BatchOrder.stored
        if let orders, orderCount > 0 {
            order = .given((0..<Int(orderCount)).map { e in (0..<count).map { Int(orders[e * count + $0]) } })
        }
        let settings = TrainingSettings(epochs: Limits.standard.epochs, batchSize: Int(batchSize), order: order, learningRate: schedule)
        trainers.append(try Trainer(network: network, data: data, settings: settings))
        return Int32(trainers.count)
    } catch {
        return fail(error)
    }
}

func text(_ bytes: UnsafePointer<UInt8>, _ count: Int32) -> String {
    String(decoding: UnsafeBufferPointer(start: bytes, count: Int(max(count, 0))), as: UTF8.self)
}

func trainer(_ handle: Int32) -> Trainer<Double>? {
    handle >= 1 && Int(handle) <= trainers.count ? trainers[Int(handle) - 1] : nil
}

/// Trains `epochs` more epochs; returns 1, or 0 with the reason (divergence) in `bp_error_message`.
@_cdecl("bp_trainer_fit")
public func bpTrainerFit(_ handle: Int32, _ epochs: Int32) -> Int32 {
    guard let t = trainer(handle) else { return fail(.invalidSetting("no trainer \(handle)")) }
    do throws(BackpropError) {
        try t.fit(epochs: Int(max(epochs, 0)), evaluateTrain: false)
        return 1
    } catch {
        return fail(error)
    }
}

/// The epochs trained so far.
@_cdecl("bp_trainer_epoch")
public func bpTrainerEpoch(_ handle: Int32) -> Int32 { Int32(trainer(handle)?.epoch ?? -1) }

/// Writes the trainer's parameters to `out` in the layout above; returns how many.
@_cdecl("bp_trainer_parameters")
public func bpTrainerParameters(_ handle: Int32, _ out: UnsafeMutablePointer<Double>) -> Int32 {
    guard let t = trainer(handle) else { return 0 }
    let net = t.network
    var p = 0
    for l in 0..<(net.architecture.sizes.count - 1) {
        for v in net.weight(l).elements { out[p] = v; p += 1 }
        for v in net.bias(l) { out[p] = v; p += 1 }
    }
    return Int32(p)
}

/// The mean loss of the trainer's network on `n` samples (x row by row, one target each).
@_cdecl("bp_trainer_loss")
public func bpTrainerLoss(_ handle: Int32, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int32) -> Double {
    guard let t = trainer(handle), n > 0 else { return .nan }
    let inputs = t.network.architecture.inputs, count = Int(n)
    guard let xs = Matrix(rows: count, columns: inputs, elements: (0..<(count * inputs)).map { x[$0] }),
          let data = try? Dataset(x: xs, labels: (0..<count).map { y[$0] }) else { return .nan }
    return t.evaluate(data).loss
}

@_cdecl("bp_trainer_free")
public func bpTrainerFree(_ handle: Int32) {
    if handle >= 1 && Int(handle) <= trainers.count { trainers[Int(handle) - 1] = nil }
}
