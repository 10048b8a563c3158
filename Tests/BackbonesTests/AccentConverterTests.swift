import AudioDSP
import Backbones
import Foundation
import NeuralCore
import TestSupport
import XCTest

final class AccentConverterTests: XCTestCase {
    private let accents = ["a", "b"]

    private func converter(seed: UInt64 = 0) throws -> AccentConverter {
        try AccentConverter(configuration: .init(accents: accents, contextFrames: 1, hiddenWidth: 8), seed: seed)
    }

    private func sample(seconds: Double? = nil) throws -> [Float] {
        let samples = try AudioFile.read(Samples.url("speech_male_us.wav")).samples
        return seconds.map { Array(samples.prefix(Int($0 * 22_050))) } ?? samples
    }

    /// The analysis is `../shared/eval`'s mel-cepstrum (librosa, `make_accent_fixtures.py`) and its active frames.
    func testAnalysisMatchesTheReference() throws {
        let clip = try converter().analyse(sample(seconds: 1))
        let expected = try NPY.read(Fixtures.url("accent/clip_cepstra.npy"))
        XCTAssertEqual(expected.shape, [clip.frameCount, 25])
        assertClose(clip.cepstra, expected.values, relative: 0, absolute: 2e-4)
        let active = try NPY.read(Fixtures.url("accent/clip_active.npy")).values.map { $0 == 1 }
        XCTAssertEqual(clip.isActive, active)
    }

    /// Converting at strength 0 gives the clip back; at strength 1 the output's mel-cepstrum moves by what the network
    /// predicted (the gain over frequency realises the cepstral change).
    func testTheConversionRealisesThePredictedChange() throws {
        let network = try AccentConverter.bundled()
        let samples = try sample()
        let waveform = Waveform(samples: samples, sampleRate: 22_050)
        let unchanged = try network.converted(waveform, toward: "en-gb-scotland", strength: 0)
        assertClose(unchanged.samples, samples, relative: 0, absolute: 1e-4)

        let converted = try network.converted(waveform, toward: "en-gb-scotland", strength: 1)
        XCTAssertEqual(converted.sampleCount, samples.count)
        let before = try network.analyse(samples), after = try network.analyse(converted.samples)
        let predicted = network.predictedChange(of: before, toward: try network.accentWeights("en-gb-scotland")).scalars
        // Blocks of frames (bounded memory for long clips) give the same prediction: each frame keeps its context.
        // (Equal up to the matrix product's rounding, which depends on the block's size.)
        assertClose(
            network.predictedChange(of: before, toward: try network.accentWeights("en-gb-scotland"), framesPerBlock: 7)
                .scalars, predicted, relative: 1e-5)
        var residual = 0.0, change = 0.0
        for frame in 0..<before.frameCount where before.isActive[frame] {
            for k in 1..<25 {
                let moved = Double(after.cepstra[frame * 25 + k] - before.cepstra[frame * 25 + k])
                let wanted = Double(predicted[frame * 24 + k - 1])
                residual += (moved - wanted) * (moved - wanted)
                change += wanted * wanted
            }
        }
        XCTAssertGreaterThan(change, 0)
        XCTAssertLessThan(residual / change, 0.35, "the realised change differs from the prediction")
    }

    func testBadInputThrowsNamedErrors() throws {
        let network = try converter()
        let speech = Waveform(samples: try sample(seconds: 0.5), sampleRate: 22_050)
        XCTAssertThrowsError(try network.converted(Waveform(samples: [0, 0, 0, 0], sampleRate: 22_050), toward: "a")) {
            XCTAssertEqual($0 as? BackbonesError, .invalidClip(problem: "it is silent"))
        }
        XCTAssertThrowsError(try network.converted(Waveform(samples: [0, .nan, 1], sampleRate: 22_050), toward: "a")) {
            XCTAssertEqual($0 as? BackbonesError, .invalidClip(problem: "it holds NaN or infinite samples"))
        }
        for weights: [Float] in [[1], [0.5, 0.2], [1.5, -0.5]] {
            XCTAssertThrowsError(try network.converted(speech, toward: weights)) {
                guard case .invalidConfiguration(name: "accent", _, _)? = $0 as? BackbonesError else {
                    return XCTFail("\($0)")
                }
            }
        }
        XCTAssertThrowsError(try network.converted(speech, toward: "c")) {
            guard case .invalidConfiguration(name: "accent", value: "c", _)? = $0 as? BackbonesError else {
                return XCTFail("\($0)")
            }
        }
        XCTAssertThrowsError(try network.converted(speech, toward: "a", strength: 3)) {
            guard case .invalidConfiguration(name: "strength", _, _)? = $0 as? BackbonesError else {
                return XCTFail("\($0)")
            }
        }
        XCTAssertThrowsError(try AccentConverter(configuration: .init(accents: ["a"]))) {
            guard case .invalidConfiguration(name: "accents", _, _)? = $0 as? BackbonesError else {
                return XCTFail("\($0)")
            }
        }
    }

    func testACheckpointRoundTripsAndBadFilesThrow() throws {
        let folder = try makeTemporaryDirectory(self)
        let network = try converter(seed: 3)
        let url = folder.appendingPathComponent("c.safetensors")
        try network.save(to: url)
        let loaded = try AccentConverter(contentsOf: url)
        XCTAssertEqual(loaded.configuration, network.configuration)
        XCTAssertTrue(loaded.trainableParameters.isEmpty, "a loaded converter is frozen")
        let clip = try network.analyse(sample(seconds: 0.5))
        XCTAssertEqual(
            loaded.predictedChange(of: clip, toward: [0, 1]).scalars,
            network.predictedChange(of: clip, toward: [0, 1]).scalars)
        let plain = folder.appendingPathComponent("plain.safetensors")
        try network.save(safetensors: plain)
        XCTAssertThrowsError(try AccentConverter(contentsOf: plain)) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidCheckpoint(
                    path: plain.path, problem: "no 'accent_converter' description: not an AccentConverter checkpoint"))
        }
        XCTAssertThrowsError(try AccentConverter(contentsOf: folder.appendingPathComponent("none.safetensors"))) {
            guard case .invalidCheckpoint? = $0 as? BackbonesError else { return XCTFail("\($0)") }
        }
    }

    // MARK: - Parallel corpus and training

    /// Parallel "speech": seeded noise with a sentence's loudness contour, said in accent `a` as it is and in accent
    /// `b` through a low-pass filter; sentences 0 and 1 for training, 2 for validation, in two voice variants.
    private func makeCorpus(in folder: URL) throws {
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("clips"), withIntermediateDirectories: true)
        var clips: [[String: Any]] = []
        for variant in ["m1", "f1"] {
            for sentence in 0..<3 {
                var generator = RandomGenerator(seed: UInt64(sentence * 10 + variant.count + (variant == "f1" ? 5 : 0)))
                let noise = (0..<22_050).map { n -> Float in
                    let envelope = 0.2 + 0.8 * abs(sin(Double(n) / 22_050 * Double.pi * Double(2 + sentence)))
                    return Float(envelope * (Double(generator.next() % 2001) / 1000 - 1) * 0.3)
                }
                for accent in accents {
                    let samples =
                        accent == "a"
                        ? noise
                        : noise.indices.map { n in
                            (noise[n] + (n > 0 ? noise[n - 1] : 0) + (n > 1 ? noise[n - 2] : 0)) / 3
                        }
                    let path = "clips/\(accent)+\(variant)-\(sentence).wav"
                    try AudioFile.write(
                        Waveform(samples: samples, sampleRate: 22_050), to: folder.appendingPathComponent(path))
                    clips.append([
                        "path": path, "split": sentence == 2 ? "validation" : "train",
                        "speaker": "synth:\(accent)+\(variant)", "accent": accent, "source": "sentence \(sentence)",
                        "instrument": NSNull()
                    ])
                }
            }
        }
        let manifest: [String: Any] = ["labels": ["accent": accents], "clips": clips]
        try JSONSerialization.data(withJSONObject: manifest).write(to: folder.appendingPathComponent("manifest.json"))
    }

    func testTrainingLearnsAndResumesExactly() throws {
        let folder = try makeTemporaryDirectory(self)
        try makeCorpus(in: folder)
        let corpus = try AccentConverter.ParallelCorpus(folder: folder)
        XCTAssertEqual(corpus.accents, accents)
        XCTAssertEqual(corpus.trainingPairCount, 8)  // 2 sentences × 2 variants × (a→b, b→a)
        XCTAssertEqual(corpus.validationPairCount, 4)
        var configuration = AccentConverter.TrainingConfiguration(
            contextFrames: 1, hiddenWidth: 16, steps: 150, batchSize: 64, learningRate: 1e-2, warmupSteps: 5,
            checkpointInterval: 50, seed: 4)
        let untrained = try AccentConverter(
            configuration: .init(accents: accents, contextFrames: 1, hiddenWidth: 16), seed: 4)
        XCTAssertGreaterThan(untrained.validationErrorRatio(on: corpus), 0.5)
        let learned = try AccentConverter.train(on: corpus, configuration: configuration)
        XCTAssertLessThan(learned.validationErrorRatio(on: corpus), 0.2, "the filter's cepstral change is learnt")

        configuration.steps = 6
        configuration.checkpointInterval = 3
        let straight = try AccentConverter.train(on: corpus, configuration: configuration)
        let checkpoint = folder.appendingPathComponent("c.safetensors")
        var stops: [Bool] = []
        _ = try AccentConverter.train(on: corpus, configuration: configuration, checkpoint: checkpoint, timeLimit: 0) {
            stops.append($0.stoppedAtTimeLimit)
            XCTAssertNotNil($0.validationErrorRatio)
        }
        XCTAssertEqual(stops, [true])
        XCTAssertEqual(try AccentConverter.checkpointDescription(at: checkpoint).training?.step, 1)
        let resumed = try AccentConverter.train(
            on: corpus, configuration: configuration, checkpoint: checkpoint, resume: true)
        for (key, value) in straight.stateDict() {
            XCTAssertEqual(resumed.stateDict()[key]!.scalars, value.scalars, key)
        }
        var wider = configuration
        wider.hiddenWidth = 32
        XCTAssertThrowsError(
            try AccentConverter.train(on: corpus, configuration: wider, checkpoint: checkpoint, resume: true)
        ) {
            XCTAssertEqual(
                $0 as? BackbonesError,
                .invalidCheckpoint(
                    path: checkpoint.path, problem: "its model differs from this run's (another corpus or size)"))
        }
    }

    func testACorpusWithoutParallelSpeechThrows() throws {
        let folder = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try AccentConverter.ParallelCorpus(folder: folder)) {
            guard case let .invalidCorpus(_, problem)? = $0 as? BackbonesError else { return XCTFail("\($0)") }
            XCTAssertTrue(problem.hasPrefix("cannot read the manifest"), problem)
        }
        try makeCorpus(in: folder)
        let manifest = folder.appendingPathComponent("manifest.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as! [String: Any]
        json["clips"] = (json["clips"] as! [[String: Any]]).filter { ($0["split"] as! String) == "train" }
        try JSONSerialization.data(withJSONObject: json).write(to: manifest)
        XCTAssertThrowsError(try AccentConverter.ParallelCorpus(folder: folder)) {
            guard case let .invalidCorpus(_, problem)? = $0 as? BackbonesError else { return XCTFail("\($0)") }
            XCTAssertTrue(problem.hasPrefix("no parallel validation pair"), problem)
        }
    }

    func testTheShippedConverterAimsAtTheCorpusAccents() throws {
        let network = try AccentConverter.bundled()
        XCTAssertEqual(
            network.configuration.accents,
            ["en", "en-029", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-gb-x-rp", "en-us"])
        XCTAssertTrue(network.trainableParameters.isEmpty)
        XCTAssertEqual(
            try AccentConverter.checkpointDescription(at: AccentConverter.bundledCheckpointURL)
                .training?.step,
            try AccentConverter.checkpointDescription(at: AccentConverter.bundledCheckpointURL)
                .training?.configuration.steps)
    }
}
