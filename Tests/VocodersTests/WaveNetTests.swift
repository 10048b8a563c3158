import AudioDSP
import Foundation
import NeuralCore
import Synchronization
import TestSupport
import Vocoders
import XCTest

/// A WaveNet small enough for debug-build tests: 8 kHz, 8 mel bands, hop 16, 4 layers of 8 channels.
enum TinyWaveNet {
    static let frontEnd = try! FrontEnd(
        sampleRate: 8000, fftSize: 256, hopLength: 16,
        frequencyAxis: .mel(FrontEnd.MelBands(count: 8, maximumFrequency: 4000)), valueScale: .logClamp(minimum: 1e-5))
    static let configuration = WaveNet.Configuration(
        layerCount: 4, stackCount: 2, kernelSize: 2, residualChannels: 8, gateChannels: 16, skipChannels: 16,
        conditionChannels: 4, upsampleFactors: [4, 4], mu: 255)

    static func model(seed: UInt64 = 3, configuration: WaveNet.Configuration = configuration) throws -> WaveNet {
        try WaveNet(configuration: configuration, frontEnd: frontEnd, seed: seed)
    }

    /// A deterministic mel `[8, frames]` on the log scale.
    static func mel(frames: Int, seed: UInt64) -> Spectrogram {
        var generator = RandomGenerator(seed: seed)
        let values = (0..<(8 * frames)).map { _ in Float(generator.next() >> 40) * 0x1p-24 * 6 - 8 }
        return Spectrogram(values: values, rowCount: 8, frameCount: frames)
    }

    static func tensor(_ mel: Spectrogram) -> Tensor {
        Tensor(shape: [1, mel.rowCount, mel.frameCount], scalars: mel.values)
    }
}

final class WaveNetModelTests: XCTestCase {
    func testReceptiveFieldAndKeys() throws {
        let configuration = WaveNet.Configuration()
        XCTAssertEqual(configuration.dilations, [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128])
        XCTAssertEqual(configuration.receptiveField, 2 * 255 + 1)
        XCTAssertEqual(WaveNet.Configuration(layerCount: 30, stackCount: 3, kernelSize: 3).receptiveField, 2 * 3 * 1023 + 1)
        let keys = try TinyWaveNet.model().stateDictShapes
        XCTAssertEqual(keys.first?.key, "upsample.0.weight")
        XCTAssertEqual(keys.first?.shape, [8, 4, 8])
        XCTAssertTrue(keys.contains { $0.key == "layers.3.condition.weight" && $0.shape == [16, 4, 1] })
        XCTAssertFalse(keys.contains { $0.key == "layers.3.condition.bias" })
        XCTAssertEqual(keys.last?.key, "output2.bias")
        XCTAssertEqual(keys.last?.shape, [256])
    }

    func testInvalidConfigurationsNameTheParameter() {
        func name(of configuration: WaveNet.Configuration, frontEnd: FrontEnd = TinyWaveNet.frontEnd) -> String? {
            do {
                _ = try WaveNet(configuration: configuration, frontEnd: frontEnd)
                return nil
            } catch let VocodersError.invalidParameter(name, _, _) {
                return name
            } catch {
                return "\(error)"
            }
        }
        var c = TinyWaveNet.configuration
        c.upsampleFactors = [4, 8]
        XCTAssertEqual(name(of: c), "upsampleFactors")  // product 32 ≠ hop 16
        c = TinyWaveNet.configuration
        c.gateChannels = 15
        XCTAssertEqual(name(of: c), "gateChannels")
        c = TinyWaveNet.configuration
        c.layerCount = 5
        XCTAssertEqual(name(of: c), "layerCount")
        c = TinyWaveNet.configuration
        c.kernelSize = 1
        XCTAssertEqual(name(of: c), "kernelSize")
        let linear = try! FrontEnd(sampleRate: 8000, fftSize: 256, hopLength: 16, frequencyAxis: .linear,
                                   valueScale: .log1p)
        XCTAssertEqual(name(of: TinyWaveNet.configuration, frontEnd: linear), "frontEnd")
        XCTAssertNil(name(of: TinyWaveNet.configuration))
    }

    /// Changing the input at `t0` leaves every output before `t0` bit-identical and changes the output at `t0`.
    func testCausalNeverLooksAhead() throws {
        let model = try TinyWaveNet.model()
        let length = 300, t0 = 173
        let conditioning = model.conditioning(TinyWaveNet.tensor(TinyWaveNet.mel(frames: 20, seed: 1)))
            .sliced(alongAxis: 2, range: 0..<length)
        var generator = RandomGenerator(seed: 9)
        var input = (0..<length).map { _ in Float(generator.next() >> 40) * 0x1p-23 - 1 }
        let before = model.logits(conditioning: conditioning, previousClasses: Tensor(shape: [1, 1, length], scalars: input))
        input[t0] += 0.5
        for t in (t0 + 1)..<length { input[t] = -input[t] }
        let after = model.logits(conditioning: conditioning, previousClasses: Tensor(shape: [1, 1, length], scalars: input))
        let classes = 256
        for c in 0..<classes {
            for t in 0..<t0 {
                XCTAssertEqual(before.scalars[c * length + t], after.scalars[c * length + t], "class \(c), t \(t)")
            }
        }
        XCTAssertNotEqual(before.scalars[t0], after.scalars[t0])
    }

    /// The conditioning of sample `t` comes from frames near `t / hop` only: changing frame 10 leaves samples
    /// before frame 7's and after frame 13's centres unchanged.
    func testConditioningIsLocal() throws {
        let model = try TinyWaveNet.model()
        var mel = TinyWaveNet.mel(frames: 24, seed: 4)
        let before = model.conditioning(TinyWaveNet.tensor(mel))
        XCTAssertEqual(before.shape, [1, 4, 24 * 16])
        for band in 0..<8 { mel[row: band, frame: 10] += 1 }
        let after = model.conditioning(TinyWaveNet.tensor(mel))
        let length = 24 * 16
        for channel in 0..<4 {
            for t in Array(0..<(7 * 16)) + Array((14 * 16)..<length) {
                XCTAssertEqual(before.scalars[channel * length + t], after.scalars[channel * length + t], "t \(t)")
            }
        }
        XCTAssertNotEqual(before.scalars[10 * 16], after.scalars[10 * 16])
    }
}

final class WaveNetGenerationTests: XCTestCase {
    /// The queued generator draws the same classes, sample for sample, as the naive loop that runs the whole
    /// teacher-forced network on the history so far and samples its last logits with the same seed.
    func testCachedGenerationEqualsNaiveForward() throws {
        let model = try TinyWaveNet.model()
        let mel = TinyWaveNet.mel(frames: 40, seed: 2)
        let count = 400, seed: UInt64 = 11
        let generated = try WaveNetGenerator(model: model)
            .generateClasses([mel], sampleCounts: [count], seed: seed, threadCount: 1)[0]
        XCTAssertEqual(generated.count, count)

        let conditioning = model.conditioning(TinyWaveNet.tensor(mel)).sliced(alongAxis: 2, range: 0..<count)
        let sampler = try WaveNetSampler(temperature: 1)
        var generator = RandomGenerator(seed: seed)
        var history = [model.configuration.inputValue(ofClass: model.configuration.silenceClass)]
        var naive: [Int] = []
        for t in 0..<count {
            let logits = model.logits(
                conditioning: conditioning.sliced(alongAxis: 2, range: 0..<(t + 1)),
                previousClasses: Tensor(shape: [1, 1, t + 1], scalars: history))
            let column = (0..<256).map { logits.scalars[$0 * (t + 1) + t] }
            let drawn = sampler.draw(logits: column, generator: &generator)
            naive.append(drawn)
            history.append(model.configuration.inputValue(ofClass: drawn))
        }
        XCTAssertEqual(generated, naive)
        XCTAssertGreaterThan(Set(generated).count, 20, "an untrained model samples widely")
    }

    /// A batch gives each utterance the result it gets alone (seed `seed + i`), for 1 and 2 threads, and kernel
    /// size 3 works as well.
    func testBatchMatchesSingleUtterances() throws {
        var configuration = TinyWaveNet.configuration
        configuration.kernelSize = 3
        let generator = WaveNetGenerator(model: try TinyWaveNet.model(configuration: configuration))
        let mels = [TinyWaveNet.mel(frames: 12, seed: 5), TinyWaveNet.mel(frames: 30, seed: 6), TinyWaveNet.mel(frames: 7, seed: 7)]
        let counts = [180, 470, 100]
        let progressCalls = Mutex<[Int]>([])
        let one = try generator.generateClasses(mels, sampleCounts: counts, seed: 20, threadCount: 1)
        let two = try generator.generateClasses(mels, sampleCounts: counts, seed: 20, threadCount: 2) { done, total in
            XCTAssertEqual(total, 750)
            progressCalls.withLock { $0.append(done) }
        }
        XCTAssertEqual(one, two)
        XCTAssertEqual(progressCalls.withLock { $0.last }, 750)
        for index in mels.indices {
            let alone = try generator.generateClasses([mels[index]], sampleCounts: [counts[index]],
                                                      seed: 20 &+ UInt64(index), threadCount: 1)
            XCTAssertEqual(alone[0], one[index], "utterance \(index)")
        }
        XCTAssertEqual(one.map(\.count), counts)
    }

    func testSamplerFollowsTheSoftmax() throws {
        let logits: [Float] = [0, 1, 2, -1]
        let greedy = try WaveNetSampler(temperature: 0)
        var generator = RandomGenerator(seed: 1)
        XCTAssertEqual(greedy.draw(logits: logits, generator: &generator), 2)
        let sampler = try WaveNetSampler(temperature: 0.5)
        var counts = [0, 0, 0, 0]
        for _ in 0..<20_000 { counts[sampler.draw(logits: logits, generator: &generator)] += 1 }
        let weights = logits.map { Foundation.exp(Double($0) / 0.5) }, total = weights.reduce(0, +)
        for i in 0..<4 {
            XCTAssertEqual(Double(counts[i]) / 20_000, weights[i] / total, accuracy: 0.01, "class \(i)")
        }
        XCTAssertThrowsError(try WaveNetSampler(temperature: -1)) { error in
            guard case .invalidParameter(name: "temperature", _, _)? = error as? VocodersError else { return XCTFail("\(error)") }
        }
    }

    /// The expectation takes the class nearest the softmax's mean amplitude, without drawing: for a broad
    /// distribution centred on 0 that is the class of 0, where the most likely class is an outer one.
    func testExpectationTakesTheMeanAmplitude() throws {
        let codec = try MuLaw(mu: 255)
        let amplitudes = try codec.decode(Array(0...255))
        // A Gaussian of standard deviation 0.1 over the amplitudes, weighted by each class's width.
        let logits = amplitudes.indices.map { k -> Float in
            let width = k == 255 ? amplitudes[k] - amplitudes[k - 1] : amplitudes[k + 1] - amplitudes[k]
            return -amplitudes[k] * amplitudes[k] / (2 * 0.01) + Foundation.log(width)
        }
        let expectation = try WaveNetSampler(expectation: codec)
        var generator = RandomGenerator(seed: 1), untouched = RandomGenerator(seed: 1)
        let chosen = expectation.draw(logits: logits, generator: &generator)
        XCTAssertEqual(generator.next(), untouched.next(), "no random number is used")
        XCTAssertLessThan(abs(amplitudes[chosen]), 0.01)
        let greedy = try WaveNetSampler(temperature: 0).draw(logits: logits, generator: &generator)
        XCTAssertGreaterThan(abs(amplitudes[greedy]), 0.03)

        let shifted = logits.indices.map { logits[$0] + 4 * amplitudes[$0] / 0.1 }  // mean moves to about 0.04
        let shiftedWeights = shifted.map { Foundation.exp(Double($0)) }, shiftedTotal = shiftedWeights.reduce(0, +)
        let mean = zip(shiftedWeights, amplitudes).map { $0 * Double($1) }.reduce(0, +) / shiftedTotal
        XCTAssertEqual(expectation.draw(logits: shifted, generator: &generator), try codec.encode([Float(mean)])[0])
        XCTAssertThrowsError(try WaveNetSampler(temperature: 0, expectation: codec))
    }

    func testWrongMelBandCountIsRejected() throws {
        let generator = WaveNetGenerator(model: try TinyWaveNet.model())
        let sevenBands = Spectrogram(values: [Float](repeating: -5, count: 7 * 10), rowCount: 7, frameCount: 10)
        XCTAssertThrowsError(try generator.generateClasses([sevenBands], sampleCounts: [100])) { error in
            XCTAssertEqual(error as? AudioDSPError, .frontEndMismatch(field: .melBandCount, expected: "8", actual: "7"))
        }
        XCTAssertThrowsError(try generator.generateClasses([TinyWaveNet.mel(frames: 10, seed: 1)], sampleCounts: [161])) {
            guard case .invalidParameter(name: "sampleCounts", _, _)? = $0 as? VocodersError else { return XCTFail("\($0)") }
        }
        // The vocoder checks the whole front end: features of the default front end are refused by name.
        let vocoder = try WaveNetVocoder(model: try TinyWaveNet.model())
        let other = try AcousticFeatures(
            spectrogram: Spectrogram(values: [Float](repeating: -5, count: 80 * 4), rowCount: 80, frameCount: 4),
            frontEnd: .default)
        XCTAssertThrowsError(try vocoder.synthesize(other)) { error in
            XCTAssertEqual(error as? AudioDSPError, .frontEndMismatch(field: .sampleRate, expected: "8000", actual: "22050"))
        }
        let features = try AcousticFeatures(spectrogram: TinyWaveNet.mel(frames: 10, seed: 1),
                                            frontEnd: TinyWaveNet.frontEnd, sampleCount: 150)
        let audio = try vocoder.synthesize(features)
        XCTAssertEqual(audio.sampleCount, 150)
        XCTAssertEqual(audio.sampleRate, 8000)
        XCTAssertTrue(audio.samples.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}

final class WaveNetCheckpointTests: XCTestCase {
    func testSaveLoadGivesIdenticalOutputs() throws {
        let folder = try makeTemporaryDirectory(self)
        let url = folder.appendingPathComponent("model.safetensors")
        let model = try TinyWaveNet.model(seed: 8)
        try model.save(to: url)
        let loaded = try WaveNet(contentsOf: url)
        XCTAssertEqual(loaded.configuration, model.configuration)
        XCTAssertEqual(loaded.frontEnd, model.frontEnd)
        XCTAssertEqual(loaded.stateDict().mapValues(\.scalars), model.stateDict().mapValues(\.scalars))
        let mel = TinyWaveNet.mel(frames: 12, seed: 3)
        let a = try WaveNetGenerator(model: model).generateClasses([mel], sampleCounts: [150], seed: 4)
        let b = try WaveNetGenerator(model: loaded).generateClasses([mel], sampleCounts: [150], seed: 4)
        XCTAssertEqual(a, b)
        let json = try Data(contentsOf: folder.appendingPathComponent("model.json"))
        let description = try JSONDecoder().decode(WaveNet.CheckpointDescription.self, from: json)
        XCTAssertEqual(description.configuration, model.configuration)
        XCTAssertNil(description.training)
    }

    /// A description whose sizes do not fit the tensors, a truncated file, and a safetensors file without a
    /// description each throw `invalidCheckpoint` naming the problem.
    func testBadCheckpointsAreRejected() throws {
        let folder = try makeTemporaryDirectory(self)
        let model = try TinyWaveNet.model()
        var other = TinyWaveNet.configuration
        other.residualChannels = 12
        let description = WaveNet.CheckpointDescription(configuration: other, frontEnd: TinyWaveNet.frontEnd)
        let mismatched = folder.appendingPathComponent("mismatched.safetensors")
        try model.save(safetensors: mismatched, metadata: [
            WaveNet.metadataKey: String(decoding: try JSONEncoder().encode(description), as: UTF8.self)])
        XCTAssertThrowsError(try WaveNet(contentsOf: mismatched)) { error in
            XCTAssertEqual(error as? VocodersError, .invalidCheckpoint(path: mismatched.path, problem: .tensorsDoNotMatch(
                .shapeMismatch(key: "input.weight", expected: [12, 1, 1], actual: [8, 1, 1]))))
        }

        let good = folder.appendingPathComponent("good.safetensors")
        try model.save(to: good)
        let bytes = try Data(contentsOf: good)
        let truncated = folder.appendingPathComponent("truncated.safetensors")
        try bytes.prefix(bytes.count - 100).write(to: truncated)
        XCTAssertThrowsError(try WaveNet(contentsOf: truncated)) { error in
            guard case .invalidCheckpoint(_, .unreadable(.invalidSafeTensors(_, .truncated)))? = error as? VocodersError
            else { return XCTFail("\(error)") }
        }

        let bare = folder.appendingPathComponent("bare.safetensors")
        try model.save(safetensors: bare)
        XCTAssertThrowsError(try WaveNet(contentsOf: bare)) { error in
            XCTAssertEqual(error as? VocodersError, .invalidCheckpoint(path: bare.path, problem: .notAWaveNetCheckpoint))
        }
        XCTAssertThrowsError(try WaveNetVocoder(contentsOf: folder.appendingPathComponent("missing.safetensors"))) {
            guard case .invalidCheckpoint(_, .unreadable(.fileNotFound))? = $0 as? VocodersError else {
                return XCTFail("\($0)")
            }
        }
    }

    /// The shipped checkpoint loads, has the documented sizes, guide and front end, keeps its optimiser state, uses
    /// the expectation by default, and generates bounded audio.
    func testBundledModel() throws {
        let vocoder = try WaveNetVocoder.bundled(seed: 1, threadCount: 1)
        XCTAssertEqual(vocoder.frontEnd, .default)
        XCTAssertEqual(vocoder.generator.configuration,
                       WaveNet.Configuration(guide: WaveNet.Guide()))
        XCTAssertEqual(vocoder.sampler, try WaveNetSampler(expectation: MuLaw()))
        let description = try WaveNet.checkpointDescription(at: WaveNetVocoder.bundledCheckpointURL)
        XCTAssertEqual(description.training?.step, 2000)
        XCTAssertEqual(description.training?.optimizerStepCount, 2000, "the training checkpoint, moments included")
        let clip = try VocoderFixtures.clip()
        let short = Waveform(samples: Array(clip.samples[0..<300]), sampleRate: 22_050)
        let audio = try vocoder.resynthesize(short)
        XCTAssertEqual(audio.sampleCount, 300)
        XCTAssertTrue(audio.samples.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}

final class WaveNetTrainingTests: XCTestCase {
    /// Writes two tones with a little noise at the tiny front end's rate.
    private func makeCorpus() throws -> URL {
        let folder = try makeTemporaryDirectory(self)
        for (index, frequency) in [220.0, 330.0].enumerated() {
            var generator = RandomGenerator(seed: UInt64(index))
            let samples = (0..<4000).map { n in
                Float(0.5 * sin(2 * Double.pi * frequency * Double(n) / 8000)) + Float(generator.next() >> 40) * 0x1p-24 * 0.02
            }
            try AudioFile.write(Waveform(samples: samples, sampleRate: 8000),
                                to: folder.appendingPathComponent("tone\(index).wav"))
        }
        try Data("not audio".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        return folder
    }

    private func configuration(steps: Int) -> WaveNet.TrainingConfiguration {
        WaveNet.TrainingConfiguration(model: TinyWaveNet.configuration, frontEnd: TinyWaveNet.frontEnd, steps: steps,
                                      batchSize: 2, cropLength: 256, learningRate: 3e-3, finalLearningRate: 3e-3,
                                      warmupSteps: 0, checkpointInterval: 20, seed: 1)
    }

    func testLossDecreasesAndTrainingResumes() throws {
        let data = try makeCorpus()
        let checkpoint = try makeTemporaryDirectory(self).appendingPathComponent("tiny.safetensors")
        var losses: [Float] = []
        _ = try WaveNet.train(on: data, configuration: configuration(steps: 60), checkpoint: checkpoint) {
            losses.append($0.loss)
            XCTAssertEqual($0.checkpoint != nil, $0.step % 20 == 0)
        }
        XCTAssertEqual(losses.count, 60)
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, first - 0.5, "mean loss of the first 5 steps \(first), last 5 \(last)")
        let description = try WaveNet.checkpointDescription(at: checkpoint)
        XCTAssertEqual(description.training?.step, 60)

        var resumedSteps: [Int] = []
        let resumed = try WaveNet.train(on: data, configuration: configuration(steps: 70), checkpoint: checkpoint,
                                        resume: true) { resumedSteps.append($0.step) }
        XCTAssertEqual(resumedSteps, Array(61...70))
        XCTAssertEqual(try WaveNet.checkpointDescription(at: checkpoint).training?.step, 70)
        XCTAssertEqual(resumed.configuration, TinyWaveNet.configuration)

        var different = configuration(steps: 80)
        different.model.residualChannels = 4
        XCTAssertThrowsError(try WaveNet.train(on: data, configuration: different, checkpoint: checkpoint, resume: true)) {
            guard case .invalidParameter(name: "configuration.model", _, _)? = $0 as? VocodersError else {
                return XCTFail("\($0)")
            }
        }
    }

    /// Two steps with a one-step time limit each (a limit of 0 stops after the first step) and a resume to the end
    /// give the weights of an uninterrupted run bit for bit: Adam's moments, its step count and the schedule position
    /// (warm-up, then cosine) all continue.
    func testInterruptedAndResumedTrainingEqualsUninterrupted() throws {
        let data = try makeCorpus()
        var settings = configuration(steps: 6)
        (settings.warmupSteps, settings.finalLearningRate, settings.checkpointInterval) = (2, 3e-4, 100)
        let uninterrupted = try WaveNet.train(on: data, configuration: settings)

        let checkpoint = try makeTemporaryDirectory(self).appendingPathComponent("tiny.safetensors")
        for expected in 1...2 {
            var reports: [WaveNet.TrainingProgress] = []
            _ = try WaveNet.train(on: data, configuration: settings, checkpoint: checkpoint, resume: true,
                                  timeLimit: 0) { reports.append($0) }
            XCTAssertEqual(reports.map(\.step), [expected])
            XCTAssertEqual(reports.map(\.stoppedAtTimeLimit), [true])
            XCTAssertEqual(reports.first?.checkpoint, checkpoint)
            XCTAssertEqual(try WaveNet.checkpointDescription(at: checkpoint).training?.optimizerStepCount, expected)
        }
        var last: WaveNet.TrainingProgress?
        let resumed = try WaveNet.train(on: data, configuration: settings, checkpoint: checkpoint, resume: true) {
            last = $0
        }
        XCTAssertEqual(last?.step, 6)
        XCTAssertEqual(last?.stoppedAtTimeLimit, false)
        XCTAssertEqual(last?.secondsRemaining, 0)
        XCTAssertGreaterThan(last?.samplesPerSecond ?? 0, 0)
        XCTAssertEqual(resumed.stateDict().mapValues(\.scalars), uninterrupted.stateDict().mapValues(\.scalars))
        // The training checkpoint, moments and all, loads for inference with the same weights.
        XCTAssertEqual(try WaveNet(contentsOf: checkpoint).stateDict().mapValues(\.scalars),
                       uninterrupted.stateDict().mapValues(\.scalars))
    }

    /// A data-parallel step (two threads: the batch's two crops on two replicas, gradients averaged) gives the loss
    /// and, after Adam's first step, the weights of the one-pass step at one thread, to rounding.
    func testDataParallelStepMatchesOnePass() throws {
        let data = try makeCorpus()
        let saved = NeuralCoreThreads.threadCount
        defer { NeuralCoreThreads.threadCount = saved }
        var results: [(loss: Float, weights: [String: [Float]])] = []
        for threads in [1, 2] {
            NeuralCoreThreads.threadCount = threads
            var loss: Float = 0
            let model = try WaveNet.train(on: data, configuration: configuration(steps: 1)) { loss = $0.loss }
            results.append((loss, model.stateDict().mapValues(\.scalars)))
        }
        XCTAssertEqual(NeuralCoreThreads.threadCount, 2, "the thread count is restored")
        XCTAssertEqual(results[0].loss, results[1].loss, accuracy: 1e-5)
        for (key, one) in results[0].weights {
            for (a, b) in zip(one, results[1].weights[key]!) { XCTAssertEqual(a, b, accuracy: 1e-5, key) }
        }
    }

    /// A checkpoint without optimiser state (as written before checkpoints held it, like the shipped one) loads for
    /// inference, but resuming from it throws; so does a negative time limit.
    func testResumingWithoutOptimizerStateIsRefused() throws {
        let data = try makeCorpus()
        let checkpoint = try makeTemporaryDirectory(self).appendingPathComponent("old.safetensors")
        let model = try TinyWaveNet.model(seed: 1)
        try model.save(to: checkpoint, training: WaveNet.TrainingState(
            step: 5, loss: 4, seconds: 1, configuration: configuration(steps: 10)))
        XCTAssertEqual(try WaveNet(contentsOf: checkpoint).stateDict().mapValues(\.scalars),
                       model.stateDict().mapValues(\.scalars))
        XCTAssertThrowsError(try WaveNet.train(on: data, configuration: configuration(steps: 10), checkpoint: checkpoint,
                                               resume: true)) { error in
            XCTAssertEqual(error as? VocodersError, .invalidCheckpoint(path: checkpoint.path, problem: .noOptimizerState))
        }
        XCTAssertThrowsError(try WaveNet.train(on: data, configuration: configuration(steps: 1), timeLimit: -1)) {
            guard case .invalidParameter(name: "timeLimit", _, _)? = $0 as? VocodersError else { return XCTFail("\($0)") }
        }
    }

    func testEmptyOrShortDataIsRejected() throws {
        let empty = try makeTemporaryDirectory(self)
        try Data("x".utf8).write(to: empty.appendingPathComponent("readme.md"))
        XCTAssertThrowsError(try WaveNet.train(on: empty, configuration: configuration(steps: 1))) { error in
            guard case let .noTrainingAudio(folder, reason)? = error as? VocodersError else { return XCTFail("\(error)") }
            XCTAssertEqual(folder, empty.path)
            XCTAssertTrue(reason.contains("no "), reason)
        }
        XCTAssertThrowsError(try WaveNet.train(on: empty.appendingPathComponent("missing"),
                                               configuration: configuration(steps: 1))) {
            guard case .noTrainingAudio? = $0 as? VocodersError else { return XCTFail("\($0)") }
        }
        try AudioFile.write(Waveform(samples: [Float](repeating: 0.1, count: 200), sampleRate: 8000),
                            to: empty.appendingPathComponent("short.wav"))
        XCTAssertThrowsError(try WaveNet.train(on: empty, configuration: configuration(steps: 1))) { error in
            guard case let .noTrainingAudio(_, reason)? = error as? VocodersError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("long enough"), reason)
        }
        var bad = configuration(steps: 1)
        bad.cropLength = 100
        XCTAssertThrowsError(try WaveNet.train(on: empty, configuration: bad)) {
            guard case .invalidParameter(name: "cropLength", _, _)? = $0 as? VocodersError else { return XCTFail("\($0)") }
        }
    }
}
