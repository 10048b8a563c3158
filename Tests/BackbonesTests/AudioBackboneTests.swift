import AudioDSP
import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

/// The trained backbone: its layers, checkpoints, corpus, training (exact resume) and the shipped network.
final class AudioBackboneTests: XCTestCase {
    /// A small network over the presets' 513-row dB front end.
    private func smallConfiguration(labels: [AudioBackbone.LabelSet] = []) -> AudioBackbone.Configuration {
        AudioBackbone.Configuration(bandCount: 16, channels: [3, 4], timeDilations: [1, 2], labels: labels)
    }

    private func spectrogram(rows: Int = 513, frames: Int, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape: [1, 1, rows, frames], generator: &generator) * 80 - 90
    }

    func testLayersKeepTheFramesAndHalveTheBands() throws {
        let backbone = try AudioBackbone(configuration: AudioBackbone.Configuration(), seed: 1)
        XCTAssertEqual(
            backbone.layerNames, ["bands", "conv1", "relu1", "conv2", "relu2", "conv3", "relu3", "conv4", "relu4"])
        let features = try backbone.features(of: spectrogram(frames: 12, seed: 2), layers: backbone.layerNames)
        XCTAssertEqual(features["bands"]!.shape, [1, 1, 64, 12])
        XCTAssertEqual(features["relu1"]!.shape, [1, 32, 64, 12])
        XCTAssertEqual(features["relu2"]!.shape, [1, 64, 32, 12])
        XCTAssertEqual(features["relu3"]!.shape, [1, 96, 16, 12])
        XCTAssertEqual(features["relu4"]!.shape, [1, 128, 8, 12])
        XCTAssertEqual(backbone.configuration.layerHeights, [64, 32, 16, 8])
        // LeakyReLU(0.2) of the convolution.
        let (conv, relu) = (features["conv2"]!.scalars, features["relu2"]!.scalars)
        for (c, r) in zip(conv, relu) { XCTAssertEqual(r, c > 0 ? c : 0.2 * c, accuracy: 1e-6) }
        // Only the requested layers come back.
        XCTAssertEqual(
            Set(try backbone.features(of: spectrogram(frames: 4, seed: 3), layers: ["relu1"]).keys), ["relu1"])
    }

    /// The transformer variant: patches on a grid of band rows × patch columns, blocks on the same grid, a gradient
    /// that matches finite differences, and clips whose length is not a multiple of the patch width.
    func testTheTransformerKeepsItsTokensOnAGrid() throws {
        var configuration = smallConfiguration()
        configuration.transformer = AudioBackbone.TransformerShape(
            patchBands: 4, patchFrames: 2, layerCount: 2, width: 8, headCount: 2, mlpDimension: 16)
        let backbone = try AudioBackbone(configuration: configuration, seed: 3)
        XCTAssertEqual(backbone.layerNames, ["bands", "patches", "block1", "block2"])
        XCTAssertEqual(backbone.recommendedContentLayers, ["patches"])
        XCTAssertEqual(backbone.recommendedStyleLayers, ["block1", "block2"])
        XCTAssertTrue(backbone.stateDictShapes.contains { $0.key == "blocks.1.self_attention.in_proj_weight" })
        let features = try backbone.features(of: spectrogram(frames: 7, seed: 1), layers: ["patches", "block2"])
        XCTAssertEqual(features["patches"]!.shape, [1, 8, 4, 4])
        XCTAssertEqual(features["block2"]!.shape, [1, 8, 4, 4])
        backbone.freeze()
        let x = spectrogram(frames: 6, seed: 2)
        func loss(_ input: Tensor) throws -> Tensor {
            try backbone.features(of: input, layers: ["block2"])["block2"]!.squared().mean()
        }
        let (_, gradient) = try valueWithGradient(at: x) { try loss($0) }
        for index in [40 * 6 + 2, 200 * 6 + 5] {
            var plus = x.scalars, minus = x.scalars
            plus[index] += 0.5
            minus[index] -= 0.5
            let numeric =
                try loss(Tensor(shape: x.shape, scalars: plus)).item - loss(Tensor(shape: x.shape, scalars: minus)).item
            XCTAssertEqual(gradient.scalars[index], numeric, accuracy: 1e-4 + 0.02 * abs(numeric), "index \(index)")
        }
        configuration.transformer?.patchBands = 5
        XCTAssertThrowsError(try AudioBackbone(configuration: configuration)) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidConfiguration(
                    name: "transformer.patchBands", value: "5", reason: "must divide bandCount 16"))
        }
    }

    func testBandsAreNormalisedMeansOfTheirRows() throws {
        var configuration = smallConfiguration()
        (configuration.inputOffset, configuration.inputScale) = (-30, 10)
        let backbone = try AudioBackbone(configuration: configuration)
        // Every band averages its rows (weights summing to 1), so a constant spectrogram gives (v − offset) / scale.
        let constant = Tensor(repeating: -50, shape: [1, 1, 513, 5])
        for value in try backbone.features(of: constant, layers: ["bands"])["bands"]!.scalars {
            XCTAssertEqual(value, -2, accuracy: 1e-4)
        }
        // A tone in one bin lifts only the bands whose triangles cover it.
        var values = [Float](repeating: -50, count: 513 * 3)
        for frame in 0..<3 { values[40 * 3 + frame] = 50 }
        let bands = try backbone.features(of: Tensor(shape: [1, 1, 513, 3], scalars: values), layers: ["bands"])[
            "bands"]!
        let lifted = (0..<16).filter { bands.scalars[$0 * 3] > -2 + 1e-4 }
        XCTAssertFalse(lifted.isEmpty)
        XCTAssertLessThanOrEqual(lifted.count, 2)
    }

    /// The input gradient of a loss on every layer agrees with central finite differences.
    func testInputGradientMatchesFiniteDifferences() throws {
        let backbone = try AudioBackbone(configuration: smallConfiguration(), seed: 4)
        backbone.freeze()
        let x = spectrogram(frames: 6, seed: 5)
        func loss(_ input: Tensor) throws -> Tensor {
            let features = try backbone.features(of: input, layers: ["relu1", "relu2"])
            return features["relu1"]!.squared().mean() + features["relu2"]!.squared().mean()
        }
        let (_, gradient) = try valueWithGradient(at: x) { try loss($0) }
        for index in [40 * 6 + 2, 100 * 6 + 3, 300 * 6 + 5, 7 * 6] {
            var plus = x.scalars, minus = x.scalars
            plus[index] += 0.5
            minus[index] -= 0.5
            let numeric =
                (try loss(Tensor(shape: x.shape, scalars: plus)).item
                    - loss(Tensor(shape: x.shape, scalars: minus)).item) / 1
            XCTAssertEqual(gradient.scalars[index], numeric, accuracy: 1e-4 + 0.02 * abs(numeric), "index \(index)")
        }
    }

    func testBadInputAndConfigurationsThrowNamedErrors() throws {
        let backbone = try AudioBackbone(configuration: smallConfiguration())
        XCTAssertThrowsError(try backbone.features(of: spectrogram(rows: 600, frames: 4, seed: 0), layers: ["relu1"])) {
            XCTAssertEqual($0 as? BackbonesError, .inputRows(expected: 513, shape: [1, 1, 600, 4]))
        }
        XCTAssertThrowsError(try backbone.features(of: spectrogram(rows: 100, frames: 4, seed: 0), layers: ["relu1"])) {
            XCTAssertEqual(
                $0 as? BackbonesError, .inputTooSmall(height: 100, width: 4, minimumHeight: 513, minimumWidth: 1))
        }
        XCTAssertThrowsError(try backbone.features(of: spectrogram(frames: 4, seed: 0), layers: ["relu3"])) {
            XCTAssertEqual($0 as? BackbonesError, .unknownLayer("relu3", available: backbone.layerNames))
        }
        var configuration = smallConfiguration()
        configuration.timeDilations = [1]
        XCTAssertThrowsError(try AudioBackbone(configuration: configuration)) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidConfiguration(
                    name: "timeDilations", value: "[1]", reason: "must be 2 positive values, one per layer"))
        }
        configuration = smallConfiguration(labels: [.init(name: "gender", classes: ["male"])])
        XCTAssertThrowsError(try AudioBackbone(configuration: configuration)) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidConfiguration(
                    name: "labels.gender", value: "[\"male\"]", reason: "must be two or more distinct classes"))
        }
    }

    func testACheckpointRoundTripsAndBadFilesThrow() throws {
        let folder = try makeTemporaryDirectory(self)
        let labels = [AudioBackbone.LabelSet(name: "gender", classes: ["female", "male"])]
        let backbone = try AudioBackbone(configuration: smallConfiguration(labels: labels), seed: 9)
        let url = folder.appendingPathComponent("b.safetensors")
        try backbone.save(to: url)
        let loaded = try AudioBackbone(contentsOf: url)
        XCTAssertEqual(loaded.configuration, backbone.configuration)
        XCTAssertTrue(loaded.trainableParameters.isEmpty, "a loaded backbone is frozen")
        let x = spectrogram(frames: 5, seed: 1)
        XCTAssertEqual(
            try loaded.features(of: x, layers: ["relu2"])["relu2"]!.scalars,
            try backbone.features(of: x, layers: ["relu2"])["relu2"]!.scalars)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.json").path))

        let missing = folder.appendingPathComponent("none.safetensors")
        XCTAssertThrowsError(try AudioBackbone(contentsOf: missing)) { error in
            guard case let .invalidCheckpoint(path, _)? = error as? BackbonesError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing.path)
        }
        let plain = folder.appendingPathComponent("plain.safetensors")
        try backbone.save(safetensors: plain)
        XCTAssertThrowsError(try AudioBackbone(contentsOf: plain)) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidCheckpoint(
                    path: plain.path, problem: "no 'audio_backbone' description: not an AudioBackbone checkpoint"))
        }
    }

    // MARK: - Corpus and training

    /// A corpus of tones: "low" and "high" speakers (220 / 880 Hz) and a "noise" instrument, two clips each for
    /// training and one for validation.
    private func makeCorpus(in folder: URL) throws {
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("clips"), withIntermediateDirectories: true)
        var clips: [[String: String?]] = []
        var generator = RandomGenerator(seed: 1)
        for (name, frequency) in [("low", 220.0), ("high", 880.0), ("noise", 0)] {
            for index in 0..<3 {
                let samples = (0..<11_025).map { n -> Float in
                    frequency > 0
                        ? Float(0.3 * sin(2 * Double.pi * frequency * (1 + 0.05 * Double(index)) * Double(n) / 22_050))
                        : Float(Double(generator.next() % 1000) / 1000 - 0.5) * 0.3
                }
                let path = "clips/\(name)-\(index).wav"
                try AudioFile.write(
                    Waveform(samples: samples, sampleRate: 22_050), to: folder.appendingPathComponent(path))
                clips.append([
                    "path": path, "split": index == 1 ? "validation" : "train",
                    "speaker": frequency > 0 ? name : nil, "instrument": frequency > 0 ? nil : "noise-a"
                ])
            }
        }
        let manifest: [String: Any] = [
            "labels": ["speaker": ["high", "low"], "instrument": ["noise-a", "noise-b"]],
            "clips": clips.map { $0.mapValues { $0.map { $0 as Any } ?? NSNull() } }
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: folder.appendingPathComponent("manifest.json"))
    }

    func testTrainingLearnsAndResumesExactly() throws {
        let folder = try makeTemporaryDirectory(self)
        try makeCorpus(in: folder)
        let corpus = try AudioBackbone.Corpus(
            folder: folder, frontEnd: FrontEnd.decibelMagnitude,
            bandCount: 16)
        XCTAssertEqual(corpus.labels.map(\.name), ["speaker", "instrument"])
        XCTAssertEqual(corpus.clips.filter(\.isValidation).count, 3)
        var configuration = AudioBackbone.TrainingConfiguration(
            model: smallConfiguration(), steps: 40, batchSize: 4, cropFrames: 16, learningRate: 1e-2,
            warmupSteps: 1, checkpointInterval: 3, validationClips: 3, seed: 2)
        var losses: [Float] = []
        let learned = try AudioBackbone.train(on: corpus, configuration: configuration) { losses.append($0.loss) }
        XCTAssertEqual(losses.count, 40)
        XCTAssertLessThan(losses.suffix(5).reduce(0, +), 0.5 * losses.prefix(5).reduce(0, +), "\(losses)")
        XCTAssertEqual(learned.configuration.labels, corpus.labels)
        XCTAssertEqual(learned.validationAccuracy(on: corpus, clips: 3), ["speaker": 1, "instrument": 1])

        configuration.steps = 6
        let straight = try AudioBackbone.train(on: corpus, configuration: configuration)
        // One step, stopped by the time limit, then resumed: the same weights as six steps in one go.
        let checkpoint = folder.appendingPathComponent("b.safetensors")
        var stops: [Bool] = []
        _ = try AudioBackbone.train(on: corpus, configuration: configuration, checkpoint: checkpoint, timeLimit: 0) {
            stops.append($0.stoppedAtTimeLimit)
            XCTAssertNotNil($0.validationAccuracy)
        }
        XCTAssertEqual(stops, [true])
        XCTAssertEqual(try AudioBackbone.checkpointDescription(at: checkpoint).training?.step, 1)
        let resumed = try AudioBackbone.train(
            on: corpus, configuration: configuration, checkpoint: checkpoint, resume: true)
        for (key, value) in straight.stateDict() {
            XCTAssertEqual(resumed.stateDict()[key]!.scalars, value.scalars, key)
        }
        XCTAssertEqual(try AudioBackbone.checkpointDescription(at: checkpoint).training?.step, 6)

        var other = configuration
        other.model.channels = [3, 5]
        XCTAssertThrowsError(
            try AudioBackbone.train(on: corpus, configuration: other, checkpoint: checkpoint, resume: true)
        ) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidCheckpoint(
                    path: checkpoint.path, problem: "its model differs from this run's (another corpus or architecture)"
                ))
        }
    }

    func testABadCorpusThrowsNamedErrors() throws {
        let folder = try makeTemporaryDirectory(self)
        let frontEnd = FrontEnd.decibelMagnitude
        XCTAssertThrowsError(try AudioBackbone.Corpus(folder: folder, frontEnd: frontEnd, bandCount: 16)) { error in
            guard case let .invalidCorpus(path, problem)? = error as? BackbonesError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, folder.appendingPathComponent("manifest.json").path)
            XCTAssertTrue(problem.hasPrefix("cannot read the manifest"), problem)
        }
        try makeCorpus(in: folder)
        let manifest = folder.appendingPathComponent("manifest.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as! [String: Any]
        json["labels"] = ["speaker": ["high", "low"], "instrument": ["noise-b", "noise-c"]]
        try JSONSerialization.data(withJSONObject: json).write(to: manifest)
        XCTAssertThrowsError(try AudioBackbone.Corpus(folder: folder, frontEnd: frontEnd, bandCount: 16)) { error in
            guard case let .invalidCorpus(_, problem)? = error as? BackbonesError else { return XCTFail("\(error)") }
            XCTAssertTrue(problem.hasSuffix("instrument 'noise-a' is not in the label list"), problem)
        }
    }

    /// The shipped network loads, frozen, with its four heads, and tells the bundled voices' gender apart.
    func testTheShippedNetworkClassifiesTheSampleVoices() throws {
        let backbone = try AudioBackbone.bundled()
        XCTAssertEqual(backbone.configuration.labels.map(\.name), ["speaker", "gender", "accent", "instrument"])
        XCTAssertTrue(backbone.trainableParameters.isEmpty)
        XCTAssertEqual(backbone.recommendedStyleLayers, ["relu1", "relu2", "relu3", "relu4"])
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/Samples")
        for (name, gender) in [
            ("speech_male_us.wav", "male"), ("speech_female_us.wav", "female"),
            ("speech_male_scottish.wav", "male")
        ] {
            let waveform = try AudioFile.read(samples.appendingPathComponent(name), sampleRate: 22_050)
            let spectrogram = try backbone.configuration.frontEnd.analyze(waveform).spectrogram
            let classes = try backbone.classify(Tensor(shape: spectrogram.shape, scalars: spectrogram.values))
            XCTAssertEqual(classes.first { $0.label == "gender" }?.className, gender, name)
        }
    }
}
