import Foundation
import NeuralCore
import TestSupport
import XCTest

/// Forward values and gradients against PyTorch 2.11 (`Tests/Fixtures/make_neuralcore_op_fixtures.py`): the loss is
/// `sum(y · probe)`; forward within 1e-5 and gradients within 1e-4 relative to the largest reference magnitude.
final class OpParityTests: XCTestCase {
    private static let file = Result { try SafeTensors(contentsOf: Fixtures.url("neuralcore/ops/ops.safetensors")) }

    private func tensor(_ name: String) throws -> Tensor {
        let file = try Self.file.get()
        return Tensor(shape: file.shape(of: name)!, scalars: try file.scalars(named: name))
    }

    private func check(
        _ name: String, inputs names: [String], file: StaticString = #filePath, line: UInt = #line,
        _ f: @escaping ([Tensor]) -> Tensor
    ) throws {
        let inputs = try names.map { try tensor("\(name).\($0)") }
        let probe = try tensor("\(name).probe")
        let y = f(inputs)
        XCTAssertEqual(y.shape, probe.shape, name, file: file, line: line)
        assertClose(y.scalars, try tensor("\(name).y").scalars, relative: 1e-5, "\(name) forward", file: file, line: line)
        let (_, grads) = valueWithGradient(at: inputs) { xs in (f(xs) * probe).sum() }
        for (input, grad) in zip(names, grads) {
            assertClose(grad.scalars, try tensor("\(name).grad.\(input)").scalars, relative: 1e-4,
                        "\(name) gradient of \(input)", file: file, line: line)
        }
    }

    func testConvolutions() throws {
        try check("conv2d_groups", inputs: ["x", "w", "b"]) { t in
            conv2d(t[0], weight: t[1], bias: t[2], stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2)
        }
        try check("conv2d_3x3", inputs: ["x", "w", "b"]) { t in conv2d(t[0], weight: t[1], bias: t[2], padding: (1, 1)) }
        try check("conv2d_strided", inputs: ["x", "w"]) { t in conv2d(t[0], weight: t[1], stride: (2, 2), padding: (0, 1)) }
        try check("conv2d_3x1", inputs: ["x", "w", "b"]) { t in conv2d(t[0], weight: t[1], bias: t[2]) }
        try check("conv2d_shifted", inputs: ["x", "w", "b"]) { t in
            conv2d(t[0], weight: t[1], bias: t[2], padding: (1, 2), dilation: (2, 1))
        }
        try check("conv2d_shifted_groups", inputs: ["x", "w"]) { t in
            conv2d(t[0], weight: t[1], padding: (1, 1), groups: 2)
        }
        try check("conv2d_winograd", inputs: ["x", "w", "b"]) { t in conv2d(t[0], weight: t[1], bias: t[2], padding: (1, 1)) }
        try check("conv2d_winograd_groups", inputs: ["x", "w"]) { t in
            conv2d(t[0], weight: t[1], padding: (3, 0), groups: 2)
        }
        try check("conv1d_overlap_save", inputs: ["x", "w", "b"]) { t in conv1d(t[0], weight: t[1], bias: t[2], padding: 5) }
        try check("conv1d", inputs: ["x", "w", "b"]) { t in
            conv1d(t[0], weight: t[1], bias: t[2], stride: 2, padding: 1, dilation: 2)
        }
        try check("conv_transpose1d", inputs: ["x", "w", "b"]) { t in
            convTranspose1d(t[0], weight: t[1], bias: t[2], stride: 4, padding: 2, outputPadding: 1)
        }
        try check("conv_transpose1d_groups", inputs: ["x", "w"]) { t in
            convTranspose1d(t[0], weight: t[1], stride: 2, dilation: 2, groups: 2)
        }
    }

    func testPooling() throws {
        try check("maxpool", inputs: ["x"]) { t in maxPool2d(t[0], kernelSize: (2, 3), stride: (2, 2), padding: (1, 1)) }
        try check("avgpool", inputs: ["x"]) { t in avgPool2d(t[0], kernelSize: (3, 3), stride: (2, 2), padding: (1, 1)) }
        try check("adaptivepool", inputs: ["x"]) { t in adaptiveAvgPool2d(t[0], outputSize: (3, 4)) }
    }

    func testGramMatrices() throws {
        try check("gram", inputs: ["x"]) { t in gram(t[0]) }
        let style = GramTarget(pieces: [try tensor("gram_distance.s")])
        try check("gram_distance", inputs: ["x"]) { t in gramDistance(t[0], to: style) }
    }

    func testNormalization() throws {
        try check("layernorm", inputs: ["x", "w", "b"]) { t in layerNorm(t[0], normalizedShape: [4], weight: t[1], bias: t[2]) }
        let mean = try tensor("bn_mean"), variance = try tensor("bn_var")
        try check("batchnorm", inputs: ["x", "w", "b"]) { t in
            batchNorm(t[0], runningMean: mean, runningVariance: variance, weight: t[1], bias: t[2])
        }
    }

    func testAttention() throws {
        try check("attention", inputs: ["x", "inw", "inb", "outw", "outb"]) { t in
            multiHeadSelfAttention(
                t[0], inProjectionWeight: t[1], inProjectionBias: t[2], outProjectionWeight: t[3],
                outProjectionBias: t[4], headCount: 2)
        }
    }

    func testActivationsAndLosses() throws {
        try check("gelu", inputs: ["x"]) { t in gelu(t[0]) }
        try check("gelu_tanh", inputs: ["x"]) { t in gelu(t[0], approximation: .tanh) }
        try check("softmax", inputs: ["x"]) { t in softmax(t[0], axis: 1) }
        let targets = try tensor("cross_entropy.targets").scalars.map { Int($0) }
        try check("cross_entropy", inputs: ["x"]) { t in crossEntropy(t[0], targets: targets) }
        try check("mse_loss", inputs: ["x", "t"]) { t in meanSquaredError(t[0], t[1]) }
    }
}
