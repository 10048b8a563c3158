import NeuralCore
import TestSupport
import XCTest

/// `valueWithGradient(of:_:)` against central finite differences, frozen parameters, and L-BFGS on a module.
final class ParameterGradientTests: XCTestCase {
    private func makeModel() -> Sequential {
        Sequential(Linear(inputFeatures: 3, outputFeatures: 4, seed: 1), Linear(inputFeatures: 4, outputFeatures: 2, seed: 2))
    }

    private let input = Tensor(shape: [5, 3], scalars: (0 ..< 15).map { Float($0 % 7) / 4 - 0.6 })

    private func loss(_ model: Sequential) -> Tensor { model(input).squared().sum() }

    func testGradientsMatchFiniteDifferencesAndKeysAreStateDictKeys() {
        let model = makeModel()
        let before = model.stateDict()
        let (value, gradients) = valueWithGradient(of: model, loss)
        XCTAssertEqual(value.item, loss(model).item)
        XCTAssertEqual(Set(gradients.keys), ["0.weight", "0.bias", "1.weight", "1.bias"])
        XCTAssertEqual(model.stateDict().mapValues(\.scalars), before.mapValues(\.scalars), "parameters restored")
        // The loss is quadratic in each single parameter, so a central difference is exact up to rounding.
        let step: Float = 1e-2
        for (key, parameter) in before {
            var numeric: [Float] = []
            for i in 0 ..< parameter.scalarCount {
                func lossWith(_ delta: Float) -> Float {
                    var state = before
                    var scalars = parameter.scalars
                    scalars[i] += delta
                    state[key] = Tensor(shape: parameter.shape, scalars: scalars)
                    try! model.load(stateDict: state)
                    return loss(model).item
                }
                numeric.append((lossWith(step) - lossWith(-step)) / (2 * step))
            }
            try! model.load(stateDict: before)
            XCTAssertEqual(gradients[key]!.shape, parameter.shape)
            assertClose(gradients[key]!.scalars, numeric, relative: 1e-3, key)
        }
    }

    func testFrozenParametersGetNoGradient() {
        let model = makeModel()
        let all = valueWithGradient(of: model, loss).gradients
        model.layers[0].freeze()
        let (_, gradients) = valueWithGradient(of: model, loss)
        XCTAssertEqual(Set(gradients.keys), ["1.weight", "1.bias"])
        XCTAssertEqual(gradients["1.weight"]!.scalars, all["1.weight"]!.scalars)
    }

    func testLBFGSFitsALinearRegressionThroughTheModule() throws {
        // y = x·[1, −2, 0.5] + 0.25 exactly; least squares recovers the weights.
        let x = Tensor(shape: [8, 3], scalars: (0 ..< 24).map { Float(($0 * 5) % 11) / 5 - 1 })
        let targets = Tensor(shape: [8, 1], scalars: (0 ..< 8).map { row in
            let r = x.scalars[(3 * row) ..< (3 * row + 3)].map { $0 }
            return r[0] - 2 * r[1] + 0.5 * r[2] + 0.25
        })
        let model = Linear(inputFeatures: 3, outputFeatures: 1, seed: 9)
        let optimizer = try LBFGS(maxIterations: 20, lineSearch: .strongWolfe)
        for _ in 0 ..< 3 { optimizer.step(model) { ($0(x) - targets).squared().mean() } }
        assertClose(model.weight.scalars, [1, -2, 0.5], relative: 1e-4)
        assertClose(model.bias!.scalars, [0.25], relative: 1e-4, absolute: 1e-5)
    }
}
