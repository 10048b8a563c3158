import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

/// Each model's state-dict keys and shapes, in order, equal torchvision's `state_dict()` (committed manifests from
/// `Tests/Fixtures/make_backbone_fixtures.py`), apart from batch norm's `num_batches_tracked` counters, which
/// NeuralCore reads and ignores.
final class ManifestTests: XCTestCase {
    private struct Entry: Decodable, Equatable {
        let key: String
        let shape: [Int]
        init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            key = try container.decode(String.self)
            shape = try container.decode([Int].self)
        }
        init(key: String, shape: [Int]) { (self.key, self.shape) = (key, shape) }
    }

    private func assertMatchesManifest(_ model: Module, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: Fixtures.url("backbones/manifest_\(name).json"))
        let expected = try JSONDecoder().decode([Entry].self, from: data).filter { !$0.key.hasSuffix("num_batches_tracked") }
        let actual = model.stateDictShapes.map { Entry(key: $0.key, shape: $0.shape) }
        XCTAssertEqual(actual.count, expected.count, "\(name): key count", file: file, line: line)
        for (a, e) in zip(actual, expected) where a != e {
            XCTFail("\(name): \(a.key) \(a.shape) ≠ torchvision \(e.key) \(e.shape)", file: file, line: line)
            return
        }
    }

    func testVGG19KeysAndShapesMatchTorchvision() throws {
        try assertMatchesManifest(SharedModels.vgg19, "vgg19")
    }

    func testResNet50KeysAndShapesMatchTorchvision() throws {
        try assertMatchesManifest(SharedModels.resNet50, "resnet50")
    }

    func testViTB16KeysAndShapesMatchTorchvision() throws {
        try assertMatchesManifest(SharedModels.vitB16, "vit_b_16")
    }
}
