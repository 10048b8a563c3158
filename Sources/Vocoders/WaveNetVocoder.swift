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
/// Deterministic: the same features, ``sampler`` and ``seed`` give the same samples, whatever the thread count.
public struct WaveNetVocoder: Vocoder {
    /// The analysis the model was trained on; other features are rejected.
    public var frontEnd: FrontEnd { generator.frontEnd }
    /// The packed model.
    public let generator: WaveNetGenerator
    /// How each sample's class is chosen. Default: ``defaultSampler(for:)``.
    public let sampler: WaveNetSampler
    /// The sampling seed. Default 0.
    public let seed: UInt64
    /// Threads for ``synthesize(batch:progress:)`` (one utterance uses one thread), ≥ 1. Default
    /// ``NeuralCoreThreads/threadCount``.
    public let threadCount: Int

    /// File name of the shipped checkpoint among the Vocoders module's resources.
    public static let bundledCheckpointName = "wavenet-espeak-small"

    /// How a model generates best when no sampler is given: draws at temperature 1 (its own distribution) for a
    /// model of the whole waveform; for a guided one, the expected correction (``WaveNetSampler/expectation``),
    /// since draws of its small corrections add noise the size of their spread (measured in `Docs/Vocoders.md`).
    public static func defaultSampler(for configuration: WaveNet.Configuration) throws -> WaveNetSampler {
        guard configuration.guide != nil else { return .standard }
        return try WaveNetSampler(expectation: MuLaw(mu: configuration.mu))
    }

    /// Wraps a trained model.
    ///
    /// - Parameter sampler: how classes are chosen, or `nil` (the default) for ``defaultSampler(for:)``.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for a bad thread count.
    public init(model: WaveNet, sampler: WaveNetSampler? = nil, seed: UInt64 = 0,
                threadCount: Int = NeuralCoreThreads.threadCount) throws {
        guard threadCount >= 1 else {
            throw VocodersError.invalidParameter(name: "threadCount", value: "\(threadCount)", reason: "must be ≥ 1")
        }
        self.sampler = try sampler ?? Self.defaultSampler(for: model.configuration)
        generator = WaveNetGenerator(model: model)
        self.seed = seed
        self.threadCount = threadCount
    }

    /// Loads a checkpoint (``WaveNet/init(contentsOf:)``).
    ///
    /// - Throws: ``VocodersError/invalidCheckpoint(path:problem:)`` and the errors of
    ///   ``init(model:sampler:seed:threadCount:)``.
    public init(contentsOf url: URL, sampler: WaveNetSampler? = nil, seed: UInt64 = 0,
                threadCount: Int = NeuralCoreThreads.threadCount) throws {
        try self.init(model: WaveNet(contentsOf: url), sampler: sampler, seed: seed, threadCount: threadCount)
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
    /// - Throws: the errors of ``init(contentsOf:sampler:seed:threadCount:)``.
    public static func bundled(sampler: WaveNetSampler? = nil, seed: UInt64 = 0,
                               threadCount: Int = NeuralCoreThreads.threadCount) throws -> WaveNetVocoder {
        try WaveNetVocoder(contentsOf: bundledCheckpointURL, sampler: sampler, seed: seed,
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
        try generator.generate(batch, sampler: sampler, seed: seed, threadCount: threadCount, progress: progress)
    }

    /// Generates audio for a guided model from `features` and a guide of the caller's instead of its own Griffin-Lim
    /// guide — a better rendering of the same sound than the mel allows, such as the Griffin-Lim rendering of the
    /// linear spectrogram a ``FrontEndAdapter`` converts.
    ///
    /// - Parameter guide: the guide waveform at the front end's rate, at least as long as the output.
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` (name `guides`) for a model without a guide,
    ///   a guide too short or with a non-finite sample, and the errors of ``synthesize(_:)``.
    public func synthesize(_ features: AcousticFeatures, guide: [Float]) throws -> Waveform {
        try generator.generate([features], guides: [guide], sampler: sampler, seed: seed, threadCount: threadCount)[0]
    }

    /// For a guided model, refines Griffin-Lim of `source` itself (the guide's iterations and seed) rather than of
    /// `features`: a mel converted from a linear spectrogram has lost the detail between and above its bands. An
    /// unguided model synthesises `features` alone.
    ///
    /// - Throws: Griffin-Lim's errors for `source`, and those of ``synthesize(_:guide:)``.
    public func synthesize(_ features: AcousticFeatures, convertedFrom source: AcousticFeatures) throws -> Waveform {
        guard let guide = generator.configuration.guide else { return try synthesize(features) }
        return try synthesize(features, guide: guide.vocoder(frontEnd: source.frontEnd).synthesize(source).samples)
    }
}
