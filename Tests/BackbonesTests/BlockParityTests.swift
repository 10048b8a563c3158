import Backbones
import NeuralCore
import TestSupport
import XCTest

/// Numerical parity with PyTorch 2.11 / torchvision 0.26 on the committed fixtures of
/// `Tests/Fixtures/make_backbone_fixtures.py`: activations within 1e-4 and input gradients within 1e-3 of the
/// largest reference magnitude.
final class BlockParityTests: XCTestCase {
    func testVGGFirstBlockMatchesTorchvision() throws {
        let parity = try ParityCase(fixture: "vgg_block")
        let vgg = SharedModels.vgg19
        let weights = try parity.weights(prefix: "features.")
        let original = vgg.stateDict()
        defer { for index in [0, 2] { try! vgg.features.layers[index].load(stateDict: [
            "weight": original["features.\(index).weight"]!, "bias": original["features.\(index).bias"]!]) } }
        for index in [0, 2] {
            try vgg.features.layers[index].load(stateDict: [
                "weight": weights["\(index).weight"]!, "bias": weights["\(index).bias"]!])
        }
        try parity.check(last: "pool1") { x in
            try vgg.features(of: x, layers: ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"])
        }
    }

    func testResNetBottleneckWithStridedDownsampleMatchesTorchvision() throws {
        let parity = try ParityCase(fixture: "resnet_bottleneck")
        let block = ResNetBottleneck(inputChannels: 64, width: 32, stride: 2, seed: 0)
        XCTAssertNotNil(block.downsample)
        try block.load(stateDict: parity.weights())
        try parity.check(last: "block") { x in ["block": block(x)] }
    }

    func testViTPatchEmbeddingAndEncoderBlockMatchTorchvisionAtTwoInputSizes() throws {
        for size in ["64x112", "32x240"] {
            let parity = try ParityCase(fixture: "vit_small_\(size)")
            let vit = VisionTransformer(configuration: SharedModels.smallViT, seed: 5)
            try vit.load(stateDict: parity.weights())
            try parity.check(last: "block_1") { x in
                var outputs = try vit.features(of: x, layers: ["block_1"])
                outputs["tokens"] = try vit.tokens(of: x)
                return outputs
            }
        }
    }

    func testPositionEmbeddingResizingMatchesInterpolate() throws {
        let parity = try ParityCase(fixture: "position_embedding")
        let grid = try parity.tensor("grid").reshaped([8, 14, 14])
        for (height, width) in [(3, 21), (9, 20)] {
            for (method, name) in [(PositionEmbeddingResizing.bicubicAntialiased, "antialiased"), (.bicubic, "plain")] {
                let expected = try parity.tensor("\(height)x\(width).\(name)")
                let actual = method.resized(grid, to: (height, width))
                XCTAssertEqual(actual.shape, [8, height, width])
                assertClose(actual.scalars, expected.scalars, relative: 1e-5, "\(height)x\(width) \(name)")
            }
        }
        XCTAssertEqual(PositionEmbeddingResizing.bicubic.resized(grid, to: (14, 14)).scalars, grid.scalars)
    }

    func testRandomCNNMatchesPyTorch() throws {
        let parity = try ParityCase(fixture: "random_cnn")
        let cnn = RandomCNN(.study(filterCount: 8), seed: 0)
        try cnn.load(stateDict: parity.weights())
        try parity.check(last: "relu1") { x in try cnn.features(of: x, layers: ["conv1", "relu1"]) }
    }
}
