import AudioDSP
import Foundation
import NeuralCore

/// A trained ``WaveNet`` as a ``Vocoder``: checks the features' front end, then generates with the fast
/// ``WaveNetGenerator``.
///
/// ```swift
/// let vocoder = try WaveNetVocoder.bundled()                   // the model shipped with the package
/// let features = try vocoder.frontEnd.analyze(clip)            // 80-band log mel, 22 050 Hz, hop 256
/// let audio = try vocoder.synthesize(features)
/// ```
///
/// Deterministic: the same features, ``temperature`` and ``seed`` give the same samples, whatever the thread count.
public struct WaveNetVocoder: Vocoder {
    /// The analysis the model was trained on; other features are rejected.
    public var frontEnd: FrontEnd { generator.frontEnd }
    /// The packed model.
    public let generator: WaveNetGenerator
    /// The softmax temperature of every draw (see ``WaveNetSampler``), ≥ 0. Default 1.
    public let temperature: Float
    /// The sampling seed. Default 0.
    public let seed: UInt64
    /// Threads for ``synthesize(batch:progress:)`` (one utterance uses one thread), ≥ 1. Default
    /// ``NeuralCoreThreads/threadCount``.
    public let threadCount: Int

    /// File name of the shipped checkpoint among the Vocoders module's resources.
    public static let bundledCheckpointName = "wavenet-espeak-small"

    /// Wraps a trained model.
    ///
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a bad temperature or thread count.
    public init(model: WaveNet, temperature: Float = 1, seed: UInt64 = 0,
                threadCount: Int = NeuralCoreThreads.threadCount) throws {
        _ = try WaveNetSampler(temperature: temperature)
        guard threadCount >= 1 else {
            throw VocodersError.invalidParameter(name: "threadCount", value: "\(threadCount)", reason: "must be ≥ 1")
        }
        generator = WaveNetGenerator(model: model)
        self.temperature = temperature
        self.seed = seed
        self.threadCount = threadCount
    }

    /// Loads a checkpoint (``WaveNet/init(contentsOf:)``).
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` and the errors of ``init(model:temperature:seed:threadCount:)``.
    public init(contentsOf url: URL, temperature: Float = 1, seed: UInt64 = 0,
                threadCount: Int = NeuralCoreThreads.threadCount) throws {
        try self.init(model: WaveNet(contentsOf: url), temperature: temperature, seed: seed, threadCount: threadCount)
    }

    /// The checkpoint shipped as a resource of this module: a small WaveNet (16 layers, 32/64/64 channels) trained
    /// by `demo train-wavenet` on the espeak-ng corpus of `Scripts/make_vocoder_corpus.py`, for
    /// ``AudioDSP/FrontEnd/default`` (see `Docs/Vocoders.md` for the run and its measured quality).
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` when the resource is missing or unreadable.
    public static var bundledCheckpointURL: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: bundledCheckpointName, withExtension: "safetensors") else {
                throw VocodersError.invalidCheckpoint(path: "\(bundledCheckpointName).safetensors",
                                                      problem: .notBundled)
            }
            return url
        }
    }

    /// The shipped model (``bundledCheckpointURL``) as a vocoder.
    ///
    /// - Throws: the errors of ``init(contentsOf:temperature:seed:threadCount:)``.
    public static func bundled(temperature: Float = 1, seed: UInt64 = 0,
                               threadCount: Int = NeuralCoreThreads.threadCount) throws -> WaveNetVocoder {
        try WaveNetVocoder(contentsOf: bundledCheckpointURL, temperature: temperature, seed: seed,
                           threadCount: threadCount)
    }

    /// Generates audio, `features.sampleCount` samples long when set (else `hopLength · (frames − 1)`).
    ///
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` for features of another front end.
    public func synthesize(_ features: AcousticFeatures) throws -> Waveform {
        try synthesize(batch: [features])[0]
    }

    /// Generates several utterances together, spread over ``threadCount`` threads (utterance `i` samples with
    /// seed `seed &+ i`).
    ///
    /// - Parameter progress: (samples generated, total samples), from the generating threads, one call at a time.
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` for features of another front end.
    public func synthesize(batch: [AcousticFeatures],
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [Waveform] {
        try generator.generate(batch, temperature: temperature, seed: seed, threadCount: threadCount, progress: progress)
    }
}
