import NeuralCore
import TestSupport
import XCTest

/// Layer initialisation as PyTorch's `reset_parameters` defines it (distributions and bounds), and determinism.
final class LayerTests: XCTestCase {
    /// Checks that `values` look uniform on ±`bound`: inside the bounds, reaching near both ends, with the
    /// uniform distribution's standard deviation bound/√3 within 3 %.
    private func assertUniform(_ values: [Float], bound: Float, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(values.allSatisfy { abs($0) <= bound }, "\(name) outside ±\(bound)", file: file, line: line)
        XCTAssertGreaterThan(values.max()!, 0.95 * bound, name, file: file, line: line)
        XCTAssertLessThan(values.min()!, -0.95 * bound, name, file: file, line: line)
        let mean = values.reduce(0, +) / Float(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        XCTAssertEqual(deviation, bound / Float(3).squareRoot(), accuracy: 0.03 * bound / Float(3).squareRoot(), name, file: file, line: line)
    }

    func testLinearAndConvolutionsUseKaimingUniformBounds() {
        let linear = Linear(inputFeatures: 400, outputFeatures: 30, seed: 7)
        assertUniform(linear.weight.scalars, bound: 1 / 20, "Linear.weight")
        XCTAssertTrue(linear.bias!.scalars.allSatisfy { abs($0) <= 1 / 20 })
        let conv2d = Conv2d(inputChannels: 16, outputChannels: 32, kernelSize: (3, 3), groups: 2, seed: 7)
        XCTAssertEqual(conv2d.weight.shape, [32, 8, 3, 3])
        assertUniform(conv2d.weight.scalars, bound: 1 / Float(72).squareRoot(), "Conv2d.weight")
        let conv1d = Conv1d(inputChannels: 20, outputChannels: 64, kernelSize: 5, bias: false, seed: 7)
        assertUniform(conv1d.weight.scalars, bound: 1 / 10, "Conv1d.weight")
        XCTAssertNil(conv1d.bias)
        let transposed = ConvTranspose1d(inputChannels: 64, outputChannels: 24, kernelSize: 6, stride: 3, seed: 7)
        XCTAssertEqual(transposed.weight.shape, [64, 24, 6])
        assertUniform(transposed.weight.scalars, bound: 1 / 12, "ConvTranspose1d.weight (fan-in from dimension 1)")
    }

    func testAttentionAndNormalisationInitialiseAsPyTorch() {
        let attention = MultiheadAttention(embeddingDimension: 64, headCount: 4, seed: 3)
        XCTAssertEqual(attention.inputProjectionWeight.shape, [192, 64])
        assertUniform(attention.inputProjectionWeight.scalars, bound: (6 / Float(256)).squareRoot(), "in_proj_weight")
        XCTAssertEqual(attention.inputProjectionBias!.scalars, [Float](repeating: 0, count: 192))
        XCTAssertEqual(attention.outputProjection.bias!.scalars, [Float](repeating: 0, count: 64))
        assertUniform(attention.outputProjection.weight.scalars, bound: 1 / 8, "out_proj.weight")
        let batchNorm = BatchNorm2d(featureCount: 3)
        XCTAssertEqual(batchNorm.stateDict().mapValues(\.scalars),
                       ["weight": [1, 1, 1], "bias": [0, 0, 0], "running_mean": [0, 0, 0], "running_var": [1, 1, 1]])
        let layerNorm = LayerNorm(normalizedShape: [2, 3], elementwiseAffine: false)
        XCTAssertTrue(layerNorm.stateDict().isEmpty)
    }

    func testTheSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        let a = Conv2d(inputChannels: 3, outputChannels: 8, kernelSize: (3, 3), seed: 42)
        let b = Conv2d(inputChannels: 3, outputChannels: 8, kernelSize: (3, 3), seed: 42)
        let c = Conv2d(inputChannels: 3, outputChannels: 8, kernelSize: (3, 3), seed: 43)
        XCTAssertEqual(a.weight.scalars, b.weight.scalars)
        XCTAssertEqual(a.bias!.scalars, b.bias!.scalars)
        XCTAssertNotEqual(a.weight.scalars, c.weight.scalars)
    }
}
