import NeuralCore
import XCTest

/// Checks the gradient `valueWithGradient` returns for each input of `f` against central finite differences of `f`
/// evaluated in Float with a relative step, comparing as `|analytic − numeric| ≤ tolerance·max(0.01, max|numeric|)`
/// (relative to the gradient's own size, with a floor for the rounding of the Float evaluations).
func checkGradients(
    _ inputs: [Tensor], tolerance: Float = 2e-2, file: StaticString = #filePath, line: UInt = #line,
    _ f: @escaping ([Tensor]) -> Tensor
) {
    // Project onto fixed random weights so every output element contributes with a different weight.
    var generator = RandomGenerator(seed: 99)
    let probe = f(inputs)
    let weights = Tensor.randomUniform(shape: probe.shape, lowerBound: 0.5, upperBound: 1.5, generator: &generator)
    let scalarF: ([Tensor]) -> Tensor = { xs in (f(xs) * weights).sum() }
    func evaluate(_ xs: [Tensor]) -> Double {
        let y = f(xs)
        var total = 0.0
        for (a, w) in zip(y.scalars, weights.scalars) { total += Double(a) * Double(w) }
        return total
    }
    let (_, analytic) = valueWithGradient(at: inputs, of: scalarF)
    for (i, input) in inputs.enumerated() {
        var numeric = [Float](repeating: 0, count: input.scalarCount)
        for j in 0..<input.scalarCount {
            let step = 1e-2 * max(1, abs(input.scalars[j]))
            var plus = inputs, minus = inputs
            plus[i].scalars[j] += step
            minus[i].scalars[j] -= step
            numeric[j] = Float((evaluate(plus) - evaluate(minus)) / (2 * Double(step)))
        }
        XCTAssertEqual(analytic[i].shape, input.shape, file: file, line: line)
        let scale = max(0.01, numeric.map(abs).max() ?? 0)
        for j in 0..<numeric.count where abs(analytic[i].scalars[j] - numeric[j]) > tolerance * scale {
            XCTFail(
                "input \(i)[\(j)]: analytic \(analytic[i].scalars[j]) vs numeric \(numeric[j])", file: file, line: line)
            return
        }
    }
}

/// A seeded random tensor with scalars in [-1, 1).
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape: shape, lowerBound: -1, upperBound: 1, generator: &generator)
}
