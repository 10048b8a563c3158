import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

/// Wrong-model, truncated, incomplete and mis-shaped weight files, too-small inputs and unknown layers: each a typed
/// error naming the problem.
final class BadInputTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryDirectory(self) }

    private func assertThrows(_ expected: BackbonesError, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? BackbonesError, expected, file: file, line: line)
        }
    }

    private var small: VisionTransformer.Configuration { SharedModels.smallViT }

    /// The small transformer's state dictionary, edited by `edit`, written to a file.
    private func smallViTFile(_ edit: (inout [String: Tensor]) -> Void) throws -> URL {
        var dictionary = VisionTransformer(configuration: small, seed: 3).stateDict()
        edit(&dictionary)
        let url = folder.appendingPathComponent("vit.safetensors")
        try SafeTensors.write(dictionary.mapValues { ($0.shape, $0.scalars) }, to: url)
        return url
    }

    func testAnotherModelsWeightsAreNamedAsTheWrongModel() {
        let url = Fixtures.url("backbones/resnet_bottleneck.safetensors")
        assertThrows(.wrongModel(path: url.path, model: "VGG19", expectedKey: "features.0.weight", foundKey: "bn1.bias")) {
            _ = try VGG19(weightsAt: url)
        }
        XCTAssertThrowsError(try ResNet50(weightsAt: Fixtures.url("backbones/vgg_block.safetensors"))) { error in
            guard case .wrongModel(_, "ResNet50", "conv1.weight", _)? = error as? BackbonesError else {
                return XCTFail("\(error)")
            }
        }
    }

    func testTruncatedAndMissingFiles() throws {
        let good = try smallViTFile { _ in }
        let data = try Data(contentsOf: good)
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try data.dropLast(100).write(to: truncated)
        XCTAssertThrowsError(try VisionTransformer(weightsAt: truncated, configuration: small)) { error in
            guard case let .weights(path, .invalidSafeTensors(_, .truncated(expected, actual)))? = error as? BackbonesError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, truncated.path)
            XCTAssertEqual(expected - actual, 100)
        }
        let missing = folder.appendingPathComponent("absent.safetensors")
        assertThrows(.weights(path: missing.path, .fileNotFound(path: missing.path))) {
            _ = try VisionTransformer(weightsAt: missing, configuration: small)
        }
        let loaded = try VisionTransformer(weightsAt: good, configuration: small)
        XCTAssertEqual(loaded.stateDict()["encoder.pos_embedding"]!.scalars,
                       VisionTransformer(configuration: small, seed: 3).encoder.posEmbedding.scalars)
        XCTAssertTrue(loaded.trainableParameters.isEmpty)
    }

    func testMissingUnexpectedAndMisShapedKeys() throws {
        let missing = try smallViTFile { $0["encoder.ln.bias"] = nil }
        assertThrows(.weights(path: missing.path, .missingKey("encoder.ln.bias"))) {
            _ = try VisionTransformer(weightsAt: missing, configuration: small)
        }
        let extra = try smallViTFile { $0["encoder.layers.encoder_layer_1.ln_1.weight"] = Tensor(zeros: [64]) }
        assertThrows(.weights(path: extra.path, .unexpectedKey("encoder.layers.encoder_layer_1.ln_1.weight"))) {
            _ = try VisionTransformer(weightsAt: extra, configuration: small)
        }
        var wider = small
        wider.mlpDimension = 128
        let shaped = try smallViTFile { _ in }
        assertThrows(.weights(path: shaped.path, .shapeMismatch(
            key: "encoder.layers.encoder_layer_0.mlp.0.weight", expected: [128, 64], actual: [256, 64]))) {
            _ = try VisionTransformer(weightsAt: shaped, configuration: wider)
        }
    }

    func testInputsBelowTheMinimumSizeAreRejected() {
        let vgg = SharedModels.vgg19
        assertThrows(.inputTooSmall(height: 31, width: 200, minimumHeight: 32, minimumWidth: 32)) {
            _ = try vgg.features(of: Tensor(zeros: [1, 3, 31, 200]), layers: ["conv1_1"])
        }
        assertThrows(.inputTooSmall(height: 64, width: 20, minimumHeight: 32, minimumWidth: 32)) {
            _ = try SharedModels.resNet50.features(of: Tensor(zeros: [1, 3, 64, 20]), layers: ["stem"])
        }
        assertThrows(.inputTooSmall(height: 15, width: 64, minimumHeight: 16, minimumWidth: 16)) {
            _ = try SharedModels.vitB16.features(of: Tensor(zeros: [1, 3, 15, 64]), layers: ["block_1"])
        }
    }

    func testUnknownLayersAndWrongChannelCounts() {
        let resnet = SharedModels.resNet50
        assertThrows(.unknownLayer("layer5", available: resnet.layerNames)) {
            _ = try resnet.features(of: Tensor(zeros: [1, 3, 32, 32]), layers: ["stem", "layer5"])
        }
        assertThrows(.unknownLayer("conv4_2", available: SharedModels.vitB16.layerNames)) {
            _ = try SharedModels.vitB16.features(of: Tensor(zeros: [1, 3, 32, 32]), layers: ["conv4_2"])
        }
        assertThrows(.inputChannels(expected: 3, shape: [1, 1, 32, 32])) {
            _ = try SharedModels.vgg19.features(of: Tensor(zeros: [1, 1, 32, 32]), layers: ["conv1_1"])
        }
    }
}
