import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

/// Layer names, shapes, early stopping, seeded initialisation and the public input mapping of the deep backbones.
final class ModelTests: XCTestCase {
    private func spectrogram(_ bins: Int, _ frames: Int, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape: [bins, frames], lowerBound: -80, upperBound: 0, generator: &generator)
    }

    func testVGG19NamesShapesAndFrozenWeights() throws {
        let vgg = SharedModels.vgg19
        XCTAssertEqual(vgg.layerNames.count, 37)
        XCTAssertEqual(Array(vgg.layerNames.prefix(5)), ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1"])
        XCTAssertEqual(vgg.layerNames.last, "pool5")
        XCTAssertTrue(vgg.trainableParameters.isEmpty)
        XCTAssertEqual(vgg.spectrogramInput, .image(.imageNet))
        let x = vgg.modelInput(from: spectrogram(64, 40, seed: 1), valueRange: -80...0)
        let f = try vgg.features(of: x, layers: ["relu2_1", "conv1_1"])
        XCTAssertEqual(Set(f.keys), ["relu2_1", "conv1_1"])
        XCTAssertEqual(f["conv1_1"]!.shape, [1, 64, 64, 40])
        XCTAssertEqual(f["relu2_1"]!.shape, [1, 128, 32, 20])
        XCTAssertGreaterThanOrEqual(f["relu2_1"]!.scalars.min()!, 0)
        XCTAssertEqual(vgg.styleMatrix(of: f["relu2_1"]!, layer: "relu2_1", over: .channels).shape, [128, 640])
        // torchvision's initialisation: Kaiming-normal fan-out, standard deviation √(2 / (64·9)) for conv1_2.
        let w = (vgg.features.layers[2] as! Conv2d).weight.scalars
        let deviation = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
        XCTAssertEqual(deviation, (2 / Float(64 * 9)).squareRoot(), accuracy: 0.002)
    }

    func testResNet50NamesShapesAndStages() throws {
        let resnet = SharedModels.resNet50
        XCTAssertEqual(resnet.layerNames.count, 1 + 3 + 4 + 6 + 3 + 4)
        XCTAssertEqual(Array(resnet.layerNames.prefix(6)), ["stem", "layer1.0", "layer1.1", "layer1.2", "layer1", "layer2.0"])
        XCTAssertTrue(resnet.trainableParameters.isEmpty)
        let x = resnet.modelInput(from: spectrogram(64, 72, seed: 2), valueRange: -80...0)
        let f = try resnet.features(of: x, layers: ["stem", "layer1.2", "layer1", "layer2.0", "layer2"])
        XCTAssertEqual(f["stem"]!.shape, [1, 64, 16, 18])
        XCTAssertEqual(f["layer1"]!.shape, [1, 256, 16, 18])
        XCTAssertEqual(f["layer1"]!.scalars, f["layer1.2"]!.scalars)
        XCTAssertEqual(f["layer2.0"]!.shape, [1, 512, 8, 9])
        XCTAssertEqual(f["layer2"]!.shape, [1, 512, 8, 9])
        let deep = try resnet.features(of: x, layers: ["layer4"])
        XCTAssertEqual(deep["layer4"]!.shape, [1, 2048, 2, 3])
        XCTAssertEqual(Set(deep.keys), ["layer4"])
    }

    func testViTTokensAnyInputSizeAndPatchStyleMatrix() throws {
        let vit = SharedModels.vitB16
        XCTAssertEqual(vit.layerNames, (1...12).map { "block_\($0)" })
        XCTAssertTrue(vit.trainableParameters.isEmpty)
        // 40×70: a 2×4 grid; the last 8 rows and 6 columns are ignored like the strided convolution ignores them.
        let x = vit.modelInput(from: spectrogram(40, 70, seed: 3), valueRange: -80...0)
        let f = try vit.features(of: x, layers: ["block_2"])
        XCTAssertEqual(f["block_2"]!.shape, [1, 9, 768])
        let style = vit.styleMatrix(of: f["block_2"]!, layer: "block_2", over: .channels)
        XCTAssertEqual(style.shape, [768, 8])
        // Column t of the style matrix is patch token t + 1 (the class token is dropped).
        let tokens = f["block_2"]!.scalars
        XCTAssertEqual(style.scalars[5 * 8 + 3], tokens[(1 + 3) * 768 + 5])
        XCTAssertEqual(vit.positionEmbedding(rows: 14, columns: 14).scalars, vit.encoder.posEmbedding.scalars)
    }

    func testGradientsReachTheSpectrogramThroughEveryBackbone() throws {
        let s = spectrogram(32, 48, seed: 4)
        let backbones: [(any FeatureExtractor, String)] = [
            (SharedModels.vgg19, "relu3_1"), (SharedModels.resNet50, "layer2.1"), (SharedModels.vitB16, "block_1"),
        ]
        for (backbone, layer) in backbones {
            let (value, gradient) = try valueWithGradient(at: s) { s in
                let feature = try backbone.features(of: backbone.modelInput(from: s, valueRange: -80...0), layers: [layer])[layer]!
                return gram(backbone.styleMatrix(of: feature, layer: layer, over: .channels)).squared().sum()
            }
            XCTAssertTrue(value.item.isFinite && value.item > 0, layer)
            XCTAssertEqual(gradient.shape, [32, 48])
            XCTAssertGreaterThan(gradient.scalars.map(abs).max()!, 0, layer)
        }
    }

    /// Every network recommends layers it has, for content and for style.
    func testRecommendedLayersAreTheNetworksOwn() {
        let extractors: [any FeatureExtractor] = [RandomCNN(seed: 0), SharedModels.vgg19, SharedModels.resNet50,
                                                  SharedModels.vitB16]
        for extractor in extractors {
            let name = "\(type(of: extractor))"
            XCTAssertFalse(extractor.recommendedContentLayers.isEmpty, name)
            XCTAssertFalse(extractor.recommendedStyleLayers.isEmpty, name)
            for layer in extractor.recommendedContentLayers + extractor.recommendedStyleLayers {
                XCTAssertTrue(extractor.layerNames.contains(layer), "\(name): \(layer)")
            }
        }
    }

    func testSeedsAreDeterministic() {
        let config = SharedModels.smallViT
        let a = VisionTransformer(configuration: config, seed: 7), b = VisionTransformer(configuration: config, seed: 7)
        let c = VisionTransformer(configuration: config, seed: 8)
        XCTAssertEqual(a.stateDict()["encoder.pos_embedding"]!.scalars, b.stateDict()["encoder.pos_embedding"]!.scalars)
        XCTAssertNotEqual(a.stateDict()["encoder.pos_embedding"]!.scalars, c.stateDict()["encoder.pos_embedding"]!.scalars)
        let block = { (seed: UInt64) in ResNetBottleneck(inputChannels: 8, width: 4, stride: 2, seed: seed).downsample! }
        XCTAssertEqual(block(7).stateDict()["0.weight"]!.scalars, block(7).stateDict()["0.weight"]!.scalars)
        XCTAssertNotEqual(block(7).stateDict()["0.weight"]!.scalars, block(8).stateDict()["0.weight"]!.scalars)
    }
}
