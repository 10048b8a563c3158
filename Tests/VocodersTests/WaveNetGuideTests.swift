import AudioDSP
import Foundation
import NeuralCore
import TestSupport
import Vocoders
import XCTest

/// The Griffin-Lim guide of a ``WaveNet``: its training target, its generation and its checkpoints.
final class WaveNetGuideTests: XCTestCase {
    private static let guide = WaveNet.Guide(kernelSize: 5, iterations: 4, seed: 1, targetIterations: 4)
    private static var configuration: WaveNet.Configuration {
        var configuration = TinyWaveNet.configuration
        configuration.guide = guide
        return configuration
    }

    /// A 220 Hz tone with a little noise at the tiny front end's rate.
    private static func tone(count: Int, frequency: Double = 220, seed: UInt64 = 0) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { n in
            Float(0.5 * sin(2 * Double.pi * frequency * Double(n) / 8000))
                + Float(generator.next() >> 40) * 0x1p-24 * 0.02
        }
    }

    /// Started at the original's own phase, Griffin-Lim from the original's magnitude stays at the original (0
    /// iterations: exactly its inverse STFT); started at another phase it moves toward that magnitude.
    func testTargetFromTheOriginalsPhaseIsTheOriginal() throws {
        let frontEnd = TinyWaveNet.frontEnd, samples = Self.tone(count: 2000)
        for iterations in [0, 4] {
            let target = try WaveNet.Guide(targetIterations: iterations)
                .target(for: samples, guide: samples, frontEnd: frontEnd)
            XCTAssertEqual(target.count, samples.count)
            let error = zip(target, samples).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            XCTAssertLessThan(error / samples.map { $0 * $0 }.reduce(0, +), 1e-6, "\(iterations) iterations")
        }
        let transform = try frontEnd.makeTransform(), reference = try transform.magnitude(samples)
        let guide = Self.tone(count: 2000, frequency: 260)
        let target = try WaveNet.Guide(targetIterations: 8).target(for: samples, guide: guide, frontEnd: frontEnd)
        let before = GriffinLim.spectralConvergence(try transform.magnitude(guide), reference: reference)
        let after = GriffinLim.spectralConvergence(try transform.magnitude(target), reference: reference)
        XCTAssertLessThan(after, 0.5 * before, "a 260 Hz guide is pulled toward the 220 Hz original's magnitude")
        XCTAssertThrowsError(
            try WaveNet.Guide().target(for: samples, guide: Array(guide.prefix(100)), frontEnd: frontEnd))
    }

    /// The guided generator draws exactly the classes of the naive loop: the whole teacher-forced network with the
    /// guide's conditioning (zeros beyond the utterance) and the guide as second input; its waveform is the guide
    /// plus the decoded corrections.
    func testGuidedGenerationEqualsNaiveForward() throws {
        let model = try TinyWaveNet.model(configuration: Self.configuration)
        let mel = TinyWaveNet.mel(frames: 26, seed: 4)
        let count = 400, seed: UInt64 = 5, reach = Self.guide.kernelSize / 2
        let features = try AcousticFeatures(spectrogram: mel, frontEnd: TinyWaveNet.frontEnd, sampleCount: count)
        let generator = WaveNetGenerator(model: model)
        let guide = try generator.guides(for: [features])[0]
        XCTAssertEqual(guide, try Self.guide.vocoder(frontEnd: TinyWaveNet.frontEnd).synthesize(features).samples)
        let generated = try generator.generateClasses([mel], sampleCounts: [count], guides: [guide],
                                                      seed: seed, threadCount: 1)[0]

        let window = Self.guide.window(of: guide, around: 0..<count)
        XCTAssertEqual(window, [Float](repeating: 0, count: reach) + guide + [Float](repeating: 0, count: reach))
        let conditioning = model.conditioning(TinyWaveNet.tensor(mel)).sliced(alongAxis: 2, range: 0..<count)
            + model.guideConditioning(Tensor(shape: [1, 1, window.count], scalars: window))
        let sampler = try WaveNetSampler(temperature: 1)
        var random = RandomGenerator(seed: seed)
        var history = [model.configuration.inputValue(ofClass: model.configuration.silenceClass)]
        var naive: [Int] = []
        for t in 0..<count {
            let inputs = Tensor(shape: [1, 2, t + 1], scalars: history + guide[0...t])
            let logits = model.logits(conditioning: conditioning.sliced(alongAxis: 2, range: 0..<(t + 1)),
                                      previousClasses: inputs)
            let drawn = sampler.draw(logits: (0..<256).map { logits.scalars[$0 * (t + 1) + t] }, generator: &random)
            naive.append(drawn)
            history.append(model.configuration.inputValue(ofClass: drawn))
        }
        XCTAssertEqual(generated, naive)

        let audio = try generator.generate([features], seed: seed, threadCount: 1)[0]
        let corrections = try MuLaw(mu: 255).decode(generated)
        XCTAssertEqual(audio.samples.count, count)
        for t in 0..<count {
            XCTAssertEqual(audio.samples[t], min(1, max(-1, guide[t] + corrections[t])), accuracy: 1e-6)
        }
    }

    func testGuidesMustMatchTheModel() throws {
        let mel = TinyWaveNet.mel(frames: 10, seed: 1)
        let guided = WaveNetGenerator(model: try TinyWaveNet.model(configuration: Self.configuration))
        let plain = WaveNetGenerator(model: try TinyWaveNet.model())
        for (generator, guides) in [(guided, [[Float]]()), (guided, [[Float](repeating: 0, count: 50)]),
                                    (guided, [[Float](repeating: 0, count: 99) + [.nan]]),
                                    (plain, [[Float](repeating: 0, count: 100)])] {
            XCTAssertThrowsError(try generator.generateClasses([mel], sampleCounts: [100], guides: guides)) {
                guard case .invalidParameter(name: "guides", _, _)? = $0 as? VocodersError else {
                    return XCTFail("\($0)")
                }
            }
        }
        var configuration = Self.configuration
        configuration.guide?.kernelSize = 4
        XCTAssertThrowsError(try TinyWaveNet.model(configuration: configuration)) {
            guard case .invalidParameter(name: "guide.kernelSize", _, _)? = $0 as? VocodersError else {
                return XCTFail("\($0)")
            }
        }
        configuration.guide = WaveNet.Guide(targetIterations: -1)
        XCTAssertThrowsError(try TinyWaveNet.model(configuration: configuration))
        configuration.guide = WaveNet.Guide(melInversion: .kullbackLeibler(iterations: 0))
        XCTAssertThrowsError(try TinyWaveNet.model(configuration: configuration)) {
            guard case .invalidParameter(name: "guide.melInversion.iterations", _, _)? = $0 as? VocodersError else {
                return XCTFail("\($0)")
            }
        }
    }

    /// A guided model has a two-channel input and a `guide` convolution, saves and loads with its guide, a
    /// description written before guides existed decodes as unguided, and one written before the guide recorded its
    /// inverse mel, start or magnitude target decodes with the values its model was trained with.
    func testCheckpointsKeepTheGuide() throws {
        let model = try TinyWaveNet.model(configuration: Self.configuration)
        let shapes = Dictionary(uniqueKeysWithValues: model.stateDictShapes.map { ($0.key, $0.shape) })
        XCTAssertEqual(shapes["input.weight"], [8, 2, 1])
        XCTAssertEqual(shapes["guide.weight"], [4, 1, 5])
        XCTAssertNil(try TinyWaveNet.model().stateDictShapes.first { $0.key.hasPrefix("guide") })

        let url = try makeTemporaryDirectory(self).appendingPathComponent("guided.safetensors")
        try model.save(to: url)
        let loaded = try WaveNet(contentsOf: url)
        XCTAssertEqual(loaded.configuration.guide, Self.guide)
        XCTAssertEqual(loaded.stateDict().mapValues(\.scalars), model.stateDict().mapValues(\.scalars))

        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.configuration)) as! [String: Any]
        json["guide"] = nil
        let old = try JSONDecoder().decode(WaveNet.Configuration.self,
                                           from: JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(old, TinyWaveNet.configuration)

        var guide = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.guide)) as! [String: Any]
        for key in ["melInversion", "start", "magnitudeTarget"] { XCTAssertNotNil(guide[key], key) }
        guide["melInversion"] = nil
        let beforeMelInversion = try JSONDecoder().decode(WaveNet.Guide.self,
                                                          from: JSONSerialization.data(withJSONObject: guide))
        XCTAssertEqual(beforeMelInversion.melInversion, .librosa, "descriptions without it were trained with librosa's")
        XCTAssertEqual(Self.guide.melInversion, .smooth)
        guide["start"] = nil
        guide["magnitudeTarget"] = nil
        let beforeMelTarget = try JSONDecoder().decode(WaveNet.Guide.self, from: JSONSerialization.data(withJSONObject: guide))
        XCTAssertEqual(beforeMelTarget.start, .random, "descriptions without it started from a random phase")
        XCTAssertEqual(beforeMelTarget.magnitudeTarget, .inverseMel, "and held the inverse mel fixed")
        XCTAssertEqual(WaveNet.Guide().start, .phaseGradient)
        XCTAssertEqual(WaveNet.Guide().magnitudeTarget, .mel)
    }

    /// Training a guided model on two tones lowers the loss of the corrections, and its checkpoint records the guide.
    func testGuidedTrainingLearns() throws {
        let folder = try makeTemporaryDirectory(self)
        for (index, frequency) in [220.0, 330.0].enumerated() {
            try AudioFile.write(Waveform(samples: Self.tone(count: 4000, frequency: frequency, seed: UInt64(index)),
                                         sampleRate: 8000),
                                to: folder.appendingPathComponent("tone\(index).wav"))
        }
        let settings = WaveNet.TrainingConfiguration(
            model: Self.configuration, frontEnd: TinyWaveNet.frontEnd, steps: 60, batchSize: 2, cropLength: 256,
            learningRate: 3e-3, finalLearningRate: 3e-3, warmupSteps: 0, checkpointInterval: 60, seed: 1)
        let checkpoint = try makeTemporaryDirectory(self).appendingPathComponent("guided.safetensors")
        var losses: [Float] = []
        _ = try WaveNet.train(on: folder, configuration: settings, checkpoint: checkpoint) { losses.append($0.loss) }
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, first - 0.5, "mean loss of the first 5 steps \(first), last 5 \(last)")
        XCTAssertEqual(try WaveNet.checkpointDescription(at: checkpoint).configuration.guide, Self.guide)
    }
}
