import Foundation
import NeuralCore
import TestSupport
import XCTest

/// The fixture script's `ImageModel`, written as a NeuralCore user would.
final class Block: Module, UnaryLayer {
    let conv1 = Conv2d(inputChannels: 4, outputChannels: 6, kernelSize: (3, 3), padding: (1, 1), bias: false, seed: 3)
    let bn1 = BatchNorm2d(featureCount: 6)
    let relu = ReLU()
    func callAsFunction(_ x: Tensor) -> Tensor { relu(bn1(conv1(x))) }
}

final class ImageModel: Module, UnaryLayer {
    let features = Sequential(
        Conv2d(inputChannels: 1, outputChannels: 4, kernelSize: (3, 1), padding: (1, 0), seed: 1),
        LeakyReLU(negativeSlope: 0.2), MaxPool2d(kernelSize: 2))
    let layer1 = Sequential(Block())
    let avgpool = AdaptiveAvgPool2d(outputSize: (2, 3))
    let classifier = Sequential(
        Linear(inputFeatures: 36, outputFeatures: 10, seed: 4), GELU(), Dropout(probability: 0.5),
        Linear(inputFeatures: 10, outputFeatures: 3, seed: 5), Sigmoid())

    func callAsFunction(_ x: Tensor) -> Tensor {
        let pooled = avgpool(layer1(features(x)))
        return classifier(pooled.reshaped([pooled.shape[0], 36]))
    }
}

/// The fixture script's `SequenceModel`: causal dilated conv, transposed conv, layer norm, attention, linear.
final class SequenceModel: Module, UnaryLayer {
    let conv = Conv1d(inputChannels: 3, outputChannels: 8, kernelSize: 3, dilation: 2, causal: true, seed: 1)
    let upsample = ConvTranspose1d(inputChannels: 8, outputChannels: 8, kernelSize: 4, stride: 2, padding: 1, seed: 2)
    let norm = LayerNorm(normalizedShape: [8])
    let attention = MultiheadAttention(embeddingDimension: 8, headCount: 2, seed: 3)
    let output = Linear(inputFeatures: 8, outputFeatures: 2, seed: 4)

    func callAsFunction(_ x: Tensor) -> Tensor {
        let frames = upsample(tanh(conv(x))).transposed(1, 2)
        return output(attention(norm(frames)))
    }
}

final class ModuleTests: XCTestCase {
    private struct ModelFixture: Decodable {
        let keys: [String]
        let shapes: [[Int]]
        let input_shape: [Int]
        let input: [Float]
        let output_shape: [Int]
        let output: [Float]
        let printed: String
    }

    private func fixture(_ name: String) throws -> ModelFixture {
        try JSONDecoder().decode(ModelFixture.self, from: Data(contentsOf: Fixtures.url("neuralcore/modules/\(name).json")))
    }

    private func checkKeysAndShapes(_ model: Module, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try fixture(name)
        let pytorch = zip(expected.keys, expected.shapes).filter { !$0.0.hasSuffix("num_batches_tracked") }
        XCTAssertEqual(model.stateDictShapes.map(\.key), pytorch.map(\.0), file: file, line: line)
        XCTAssertEqual(model.stateDictShapes.map(\.shape), pytorch.map(\.1), file: file, line: line)
    }

    func testStateDictKeysAndShapesEqualPyTorch() throws {
        try checkKeysAndShapes(ImageModel(), "image_model")
        try checkKeysAndShapes(SequenceModel(), "sequence_model")
    }

    func testTrainableParametersExcludeBuffersAndFrozenModules() {
        let model = ImageModel()
        XCTAssertEqual(model.trainableParameters.map(\.key), [
            "features.0.weight", "features.0.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias",
            "classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"])
        model.features.freeze()
        model.layer1.freeze()
        XCTAssertEqual(model.trainableParameters.map(\.key),
                       ["classifier.0.weight", "classifier.0.bias", "classifier.3.weight", "classifier.3.bias"])
        XCTAssertEqual(model.stateDict().count, 11, "frozen parameters stay in the state dictionary")
        model.unfreeze()
        XCTAssertEqual(model.trainableParameters.count, 9)
    }

    func testPrintsATreeLikePyTorch() throws {
        // Our layers print the settings they have; PyTorch adds a few we do not model (ceil_mode, momentum, …),
        // so each of our lines, without its closing parenthesis, must begin PyTorch's line.
        for (model, name) in [(ImageModel() as Module, "image_model")] {
            let ours = model.description.split(separator: "\n").map(String.init)
            let theirs = try fixture(name).printed.split(separator: "\n").map(String.init)
            XCTAssertEqual(ours.count, theirs.count, model.description)
            for (mine, pytorch) in zip(ours, theirs) {
                XCTAssertTrue(mine == pytorch || (mine.hasSuffix(")") && pytorch.hasPrefix(String(mine.dropLast()) + ", ")),
                              "\(mine) ≠ \(pytorch)")
            }
        }
        XCTAssertEqual(SequenceModel().attention.description, """
            MultiheadAttention(
              (out_proj): Linear(in_features=8, out_features=8, bias=True)
            )
            """)
        XCTAssertEqual(SequenceModel().conv.description, "Conv1d(3, 8, kernel_size=(3,), stride=(1,), dilation=(2,), causal=True)")
    }

    func testStrictLoadingNamesTheOffendingKeyAndChangesNothing() throws {
        let model = ImageModel()
        let before = model.stateDict()
        var state = before
        state["classifier.0.weight"] = nil
        XCTAssertThrowsError(try model.load(stateDict: state)) {
            XCTAssertEqual($0 as? NeuralCoreError, .missingKey("classifier.0.weight"))
        }
        state = before
        state["classifier.5.weight"] = Tensor(zeros: [1])
        XCTAssertThrowsError(try model.load(stateDict: state)) {
            XCTAssertEqual($0 as? NeuralCoreError, .unexpectedKey("classifier.5.weight"))
        }
        state = before.mapValues { Tensor(repeating: 7, shape: $0.shape) }
        state["layer1.0.bn1.running_var"] = Tensor(zeros: [5])
        XCTAssertThrowsError(try model.load(stateDict: state)) {
            XCTAssertEqual($0 as? NeuralCoreError, .shapeMismatch(key: "layer1.0.bn1.running_var", expected: [6], actual: [5]))
        }
        XCTAssertEqual(model.stateDict().mapValues(\.scalars), before.mapValues(\.scalars), "a failed load changes nothing")
        state["layer1.0.bn1.running_var"] = Tensor(repeating: 7, shape: [6])
        state["layer1.0.bn1.num_batches_tracked"] = Tensor(repeating: 3, shape: [])
        try model.load(stateDict: state)
        XCTAssertEqual(model.layer1.stateDict()["0.bn1.running_var"]?.scalars, [Float](repeating: 7, count: 6))
    }

    func testLoadingABadFileThrowsTheFileError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modules-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try Data(contentsOf: Fixtures.url("neuralcore/modules/image_model.safetensors")).dropLast(10).write(to: truncated)
        XCTAssertThrowsError(try ImageModel().load(safetensors: truncated)) {
            guard case .invalidSafeTensors(truncated.path, .truncated)? = $0 as? NeuralCoreError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try SequenceModel().load(safetensors: Fixtures.url("neuralcore/modules/image_model.safetensors"))) {
            XCTAssertEqual($0 as? NeuralCoreError, .missingKey("conv.weight"))
        }
    }

    func testSaveThenLoadRoundTrips() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("modules-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("image.safetensors")
        let source = ImageModel()
        try source.load(safetensors: Fixtures.url("neuralcore/modules/image_model.safetensors"))
        try source.save(safetensors: url, metadata: ["format": "pt"])
        let copy = ImageModel()
        try copy.load(safetensors: url)
        XCTAssertEqual(copy.stateDict().mapValues(\.scalars), source.stateDict().mapValues(\.scalars))
        XCTAssertEqual(try SafeTensors(contentsOf: url).metadata, ["format": "pt"])
    }

    private func checkForward(_ model: some UnaryLayer, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try fixture(name)
        try model.load(safetensors: Fixtures.url("neuralcore/modules/\(name).safetensors"))
        let output = model(Tensor(shape: expected.input_shape, scalars: expected.input))
        XCTAssertEqual(output.shape, expected.output_shape, file: file, line: line)
        assertClose(output.scalars, expected.output, relative: 1e-5, name, file: file, line: line)
    }

    func testForwardOfPyTorchWeightsMatchesPyTorch() throws {
        try checkForward(ImageModel(), "image_model")
        try checkForward(SequenceModel(), "sequence_model")
    }
}
