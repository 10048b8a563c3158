import Backbones
import NeuralCore
import TestSupport
import XCTest

final class RandomCNNTests: XCTestCase {
    private func spectrogram(_ bins: Int, _ frames: Int, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape: [bins, frames], generator: &generator)
    }

    func testStudyNetworkIsAFrozenLeakyReLUOverThreeBins() throws {
        let cnn = RandomCNN(.study(filterCount: 4), seed: 7)
        XCTAssertEqual(cnn.stateDictShapes.map(\.key), ["conv1.weight", "conv1.bias"])
        XCTAssertTrue(cnn.trainableParameters.isEmpty)
        XCTAssertEqual(cnn.conv1.bias!.scalars, [0, 0, 0, 0])
        let s = spectrogram(6, 5, seed: 1)
        let x = cnn.modelInput(from: s, valueRange: 0...1)
        XCTAssertEqual(x.shape, [1, 1, 6, 5])
        let f = try cnn.features(of: x, layers: ["conv1", "relu1"])
        XCTAssertEqual(f["conv1"]!.shape, [1, 4, 4, 5])
        // relu1[o, h, t] = LeakyReLU(Σ_i w[o, i] · s[h + i, t]) with slope 0.2.
        let w = cnn.conv1.weight.scalars, v = s.scalars
        var sum: Float = 0
        for i in 0..<3 { sum += w[2 * 3 + i] * v[(1 + i) * 5 + 3] }
        XCTAssertEqual(f["relu1"]!.scalars[(2 * 4 + 1) * 5 + 3], sum > 0 ? sum : 0.2 * sum, accuracy: 1e-5)
        XCTAssertEqual(RandomCNN(.study(filterCount: 4), seed: 7).conv1.weight.scalars, cnn.conv1.weight.scalars)
        XCTAssertNotEqual(RandomCNN(.study(filterCount: 4), seed: 8).conv1.weight.scalars, cnn.conv1.weight.scalars)
    }

    func testGradientReachesTheSpectrogramButNotTheWeights() throws {
        let cnn = RandomCNN(seed: 3)
        let s = spectrogram(8, 6, seed: 2)
        let (value, gradient) = try valueWithGradient(at: s) { s in
            try cnn.features(of: cnn.modelInput(from: s, valueRange: 0...1), layers: ["relu1"])["relu1"]!.squared().sum()
        }
        XCTAssertGreaterThan(value.item, 0)
        XCTAssertEqual(gradient.shape, [8, 6])
        XCTAssertGreaterThan(gradient.scalars.map(abs).max()!, 0)
    }

    func testUlyanovVariantTakesBinsAsChannels() throws {
        let cnn = RandomCNN(.ulyanov(rowCount: 9, filterCount: 16, kernelWidth: 3), seed: 1)
        let x = cnn.modelInput(from: spectrogram(9, 7, seed: 3), valueRange: 0...1)
        XCTAssertEqual(x.shape, [1, 9, 1, 7])
        let f = try cnn.features(of: x, layers: ["relu1"])
        XCTAssertEqual(f["relu1"]!.shape, [1, 16, 1, 5])
        XCTAssertEqual(f["relu1"]!.scalars.min()!, 0)
        XCTAssertEqual(cnn.styleMatrix(of: f["relu1"]!, layer: "relu1", over: .channels).shape, [16, 5])
        let expected = Float(2).squareRoot() * (2 / Float((9 + 16) * 3)).squareRoot()
        let w = cnn.conv1.weight.scalars
        let deviation = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        XCTAssertEqual(deviation, expected, accuracy: expected * 0.15)
    }

    func testBadRequestsThrowNamedErrors() {
        let cnn = RandomCNN(seed: 0)
        let x = cnn.modelInput(from: spectrogram(2, 4, seed: 4), valueRange: 0...1)
        XCTAssertThrowsError(try cnn.features(of: x, layers: ["relu1"])) { error in
            XCTAssertEqual(error as? BackbonesError,
                           .inputTooSmall(height: 2, width: 4, minimumHeight: 3, minimumWidth: 1))
        }
        let y = cnn.modelInput(from: spectrogram(5, 4, seed: 4), valueRange: 0...1)
        XCTAssertThrowsError(try cnn.features(of: y, layers: ["conv5_1"])) { error in
            XCTAssertEqual(error as? BackbonesError, .unknownLayer("conv5_1", available: ["conv1", "relu1"]))
        }
        XCTAssertThrowsError(try cnn.features(of: Tensor(zeros: [1, 2, 5, 4]), layers: ["conv1"])) { error in
            XCTAssertEqual(error as? BackbonesError, .inputChannels(expected: 1, shape: [1, 2, 5, 4]))
        }
    }

    func testImageInputScalesReplicatesAndNormalises() {
        let s = Tensor(shape: [1, 2], scalars: [-80, 0])
        let x = SpectrogramInput.image(.imageNet).modelInput(from: s, valueRange: -80...0)
        XCTAssertEqual(x.shape, [1, 3, 1, 2])
        assertClose(x.scalars, [-0.485 / 0.229, 0.515 / 0.229, -0.456 / 0.224, 0.544 / 0.224, -0.406 / 0.225, 0.594 / 0.225],
                    relative: 1e-6)
    }
}
