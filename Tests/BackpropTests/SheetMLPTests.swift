import Testing
import TestFixtures
import Backprop

/// The sheet's numpy MLP, twinned in Swift, gives numpy's numbers.
@Suite struct SheetMLPTests {
    @Test func forwardBackwardUpdateReproduceTheGoldenMoonsRun() throws {
        let g = try Golden.load("w1_moons")
        let mlp = try MLP(layerDims: [2, 10, 1], initializationScale: 1.0)
        mlp.W = g.initial.map { Matrix($0.weight)! }
        mlp.b = g.initial.map(\.bias)
        let X = Matrix(g.x_train)!, Y = Matrix(rows: g.y_train.count, columns: 1, elements: g.y_train)!
        var done = 0
        for after in g.after where after.epochs <= 100 {
            for _ in done..<after.epochs {
                let yHat = mlp.forward(X)
                #expect(yHat.rows == X.rows && yHat.columns == 1)
                let grads = mlp.backward(Y)
                #expect(grads.dW[0].rows == 10 && grads.dW[0].columns == 2)   // shaped like W0
                mlp.updateParams(grads, learningRate: 3.0)
            }
            done = after.epochs
            let expected = try Golden.network(after.layers, sizes: [2, 10, 1], activation: .tanh, head: .sigmoidCrossEntropy)
            #expect(maxDifference(try mlp.network(), expected) <= 1e-11 * expected.maxMagnitude, "after \(after.epochs) epochs")
        }
    }

    @Test func initialisationScaleIsTheStandardDeviation() throws {
        let mlp = try MLP(layerDims: [50, 200, 1], initializationScale: 0.1, seed: 3)
        let w = mlp.W[0].elements
        let sd = (w.reduce(0) { $0 + $1 * $1 } / Double(w.count)).squareRoot()
        #expect(abs(sd - 0.1) < 0.005)
        #expect(mlp.b.allSatisfy { $0.allSatisfy { $0 == 0 } })
        #expect(throws: BackpropError.self) { try MLP(layerDims: [2], initializationScale: 1) }
    }
}
