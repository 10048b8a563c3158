import Foundation

/// Fundamental-frequency (F0) tracking by probabilistic YIN, with librosa's semantics (`librosa.pyin`).
///
/// pYIN (Mauch & Dixon, 2014) runs in two stages. First, every frame's cumulative mean normalised difference function
/// (YIN's `d′(τ)` over periods `⌊sr/fmax⌋ … min(⌈sr/fmin⌉, frameLength − 1)` samples) is searched for troughs; a
/// Beta(α, β) prior over `thresholdCount` thresholds and a Boltzmann prior over the troughs under each threshold give
/// every trough a probability, which lands on one of `pitchBinCount` log-spaced pitch bins (`resolution` semitones
/// apart from `minimumFrequency`, after parabolic refinement of the period). Second, a hidden Markov model with a
/// voiced and an unvoiced state per pitch bin is decoded by Viterbi: the pitch may move by at most
/// `maximumTransitionRate` octaves per second (a triangular, banded transition), and the voicing switches with
/// probability `switchProbability` per frame.
///
/// Details follow librosa 0.11.0 exactly (its non-standard difference function, which drops the tail energy term;
/// trough detection; a candidate above `fmax` is dropped, one below `fmin` lands on the lowest bin; a later trough
/// overwrites an earlier one on the same bin), so results agree with `librosa.pyin` frame by frame (see
/// `Tests/AudioDSPTests/PitchTrackingTests.swift` for the measured agreement).
///
/// Cost: the autocorrelations go through FFTW in batches of ``framesPerBatch`` frames, spread over
/// ``AudioDSPThreads/threadCount`` threads, with the FFT length the smallest 2ᵃ3ᵇ5ᶜ ≥ `frameLength + maxPeriod`
/// (enough for the lags used); the Viterbi pass visits only the band of the transition matrix, `2 · pitchBinCount ·
/// 2 · bandWidth` additions per frame instead of `(2 · pitchBinCount)²`. The object precomputes its tables once and
/// is immutable, so it is safe to share between threads.
///
/// ```swift
/// let tracker = try PitchTracker(minimumFrequency: 65, maximumFrequency: 2093, sampleRate: 22_050)
/// let track = try tracker(samples)   // track.frequencies[t] in Hz, NaN when unvoiced
/// ```
public final class PitchTracker: Sendable {
    /// What ``PitchTrack/frequencies`` holds in unvoiced frames (librosa `fill_na`).
    public enum UnvoicedFrequency: Sendable, Equatable {
        /// A fixed value, NaN by default (librosa `fill_na=np.nan`, or another number).
        case value(Float)
        /// The frequency of the decoded pitch bin, as if the frame were voiced (librosa `fill_na=None`).
        case decodedPitch
    }

    /// Frames whose autocorrelations are computed by one batched FFTW call.
    public static let framesPerBatch = 16

    /// Lowest frequency searched, in Hz (librosa `fmin`), `0 < minimumFrequency < maximumFrequency`.
    public let minimumFrequency: Double
    /// Highest frequency searched, in Hz (librosa `fmax`), at most `sampleRate / 2`.
    public let maximumFrequency: Double
    /// Sample rate of the input, in Hz (librosa `sr`). Default 22 050.
    public let sampleRate: Int
    /// Samples per analysis frame (librosa `frame_length`); more than `sampleRate / minimumFrequency + 1`. Default 2048.
    public let frameLength: Int
    /// Samples between frame starts (librosa `hop_length`), ≥ 1. Default `frameLength / 4`.
    public let hopLength: Int
    /// Number of YIN thresholds, evenly spaced over (0, 1] (librosa `n_thresholds`), ≥ 1. Default 100.
    public let thresholdCount: Int
    /// The (α, β) of the Beta prior over the thresholds (librosa `beta_parameters`), both > 0. Default (2, 18):
    /// mean threshold 0.1, YIN's classic value.
    public let betaParameters: (alpha: Double, beta: Double)
    /// λ of the Boltzmann prior over troughs, which favours short periods (librosa `boltzmann_parameter`), > 0.
    /// Default 2.
    public let boltzmannParameter: Double
    /// Pitch-bin spacing in semitones (librosa `resolution`), in (0, 1]. Default 0.1 (10 bins per semitone).
    public let resolution: Double
    /// Largest pitch change between frames, in octaves per second (librosa `max_transition_rate`), ≥ 0. Default 35.92.
    public let maximumTransitionRate: Double
    /// Probability of switching between voiced and unvoiced from one frame to the next (librosa `switch_prob`),
    /// in [0, 1]. Default 0.01.
    public let switchProbability: Double
    /// Probability given to the lowest trough when no trough is below a threshold (librosa `no_trough_prob`),
    /// in [0, 1]. Default 0.01.
    public let noTroughProbability: Double
    /// What unvoiced frames' frequencies hold (librosa `fill_na`). Default NaN.
    public let unvoicedFrequency: UnvoicedFrequency
    /// Whether frame `t` is centred on sample `t · hopLength` (librosa `center`), by padding `frameLength / 2`
    /// samples on each side. Default `true`.
    public let center: Bool
    /// The padding when ``center`` is true (librosa `pad_mode`). Default zeros.
    public let padMode: ShortTimeFourierTransform.PadMode
    /// Frames of ``frameLength`` samples every ``hopLength``, centred and padded as ``center`` and ``padMode`` say.
    let framing: Framing

    /// Shortest period searched, `⌊sampleRate / maximumFrequency⌋` samples.
    public let minimumPeriod: Int
    /// Longest period searched, `min(⌈sampleRate / minimumFrequency⌉, frameLength − 1)` samples.
    public let maximumPeriod: Int
    /// Pitch bins per semitone, `⌈1 / resolution⌉`.
    public let binsPerSemitone: Int
    /// Number of pitch bins, `⌊12 · binsPerSemitone · log₂(maximumFrequency / minimumFrequency)⌋ + 1`; the model has
    /// twice as many states (voiced and unvoiced).
    public let pitchBinCount: Int
    /// The centre frequency of each pitch bin in Hz, `minimumFrequency · 2^(k / (12 · binsPerSemitone))`.
    public let binFrequencies: [Double]

    let candidates: TroughCandidates
    let transition: BandedTransition
    let autocorrelation: BatchedAutocorrelation

    /// Makes a tracker; the parameters are librosa's, with its defaults.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` naming the first parameter out of range:
    ///   `minimumFrequency` ≤ 0 or not below `maximumFrequency`, `maximumFrequency` above Nyquist, a `frameLength`
    ///   too short to hold one period of `minimumFrequency`, or a transition band wider than the pitch range.
    public init(minimumFrequency: Double, maximumFrequency: Double, sampleRate: Int = 22_050, frameLength: Int = 2048,
                hopLength: Int? = nil, thresholdCount: Int = 100, betaParameters: (alpha: Double, beta: Double) = (2, 18),
                boltzmannParameter: Double = 2, resolution: Double = 0.1, maximumTransitionRate: Double = 35.92,
                switchProbability: Double = 0.01, noTroughProbability: Double = 0.01,
                unvoicedFrequency: UnvoicedFrequency = .value(.nan), center: Bool = true,
                padMode: ShortTimeFourierTransform.PadMode = .constant) throws {
        func invalid(_ name: String, _ value: Any, _ reason: String) -> AudioDSPError {
            .invalidParameter(name: name, value: "\(value)", reason: reason)
        }
        guard sampleRate > 0 else { throw invalid("sampleRate", sampleRate, "must be positive") }
        let rate = Double(sampleRate)
        guard minimumFrequency > 0, minimumFrequency.isFinite else {
            throw invalid("minimumFrequency", minimumFrequency, "must be positive")
        }
        guard minimumFrequency < maximumFrequency else {
            throw invalid("minimumFrequency", minimumFrequency, "must be below maximumFrequency (\(maximumFrequency) Hz)")
        }
        guard maximumFrequency <= rate / 2 else {
            throw invalid("maximumFrequency", maximumFrequency, "exceeds the Nyquist frequency \(rate / 2) Hz")
        }
        guard rate / minimumFrequency < Double(frameLength - 1) else {
            throw invalid("frameLength", frameLength, "too short for minimumFrequency \(minimumFrequency) Hz: it must "
                          + "exceed sampleRate / minimumFrequency + 1 = \(rate / minimumFrequency + 1) samples")
        }
        let hopLength = hopLength ?? frameLength / 4
        guard hopLength >= 1 else { throw invalid("hopLength", hopLength, "must be at least 1") }
        guard thresholdCount >= 1 else { throw invalid("thresholdCount", thresholdCount, "must be at least 1") }
        guard betaParameters.alpha > 0, betaParameters.beta > 0, betaParameters.alpha.isFinite, betaParameters.beta.isFinite else {
            throw invalid("betaParameters", betaParameters, "both must be positive")
        }
        guard boltzmannParameter > 0, boltzmannParameter.isFinite else {
            throw invalid("boltzmannParameter", boltzmannParameter, "must be positive")
        }
        guard resolution > 0, resolution <= 1 else { throw invalid("resolution", resolution, "must be in (0, 1] semitones") }
        guard maximumTransitionRate >= 0, maximumTransitionRate.isFinite else {
            throw invalid("maximumTransitionRate", maximumTransitionRate, "must be non-negative")
        }
        guard (0...1).contains(switchProbability) else {
            throw invalid("switchProbability", switchProbability, "must be in [0, 1]")
        }
        guard (0...1).contains(noTroughProbability) else {
            throw invalid("noTroughProbability", noTroughProbability, "must be in [0, 1]")
        }
        let binsPerSemitone = Int((1 / resolution).rounded(.up))
        let pitchBinCount = Int((Double(12 * binsPerSemitone) * log2(maximumFrequency / minimumFrequency)).rounded(.down)) + 1
        guard 2 * pitchBinCount <= Int(UInt16.max) + 1 else {
            throw invalid("resolution", resolution, "gives \(pitchBinCount) pitch bins; at most 32 768 are supported")
        }
        // librosa: round(max_transition_rate · 12 · hop / sr) semitones (Python rounds halves to even).
        let semitonesPerFrame = Int((maximumTransitionRate * 12 * Double(hopLength) / rate).rounded(.toNearestOrEven))
        let transitionWidth = semitonesPerFrame * binsPerSemitone + 1
        guard transitionWidth <= pitchBinCount else {
            throw invalid("maximumTransitionRate", maximumTransitionRate,
                          "allows \(transitionWidth) pitch bins per frame, more than the \(pitchBinCount) bins "
                          + "between minimumFrequency and maximumFrequency")
        }

        self.minimumFrequency = minimumFrequency
        self.maximumFrequency = maximumFrequency
        self.sampleRate = sampleRate
        self.frameLength = frameLength
        self.hopLength = hopLength
        self.thresholdCount = thresholdCount
        self.betaParameters = betaParameters
        self.boltzmannParameter = boltzmannParameter
        self.resolution = resolution
        self.maximumTransitionRate = maximumTransitionRate
        self.switchProbability = switchProbability
        self.noTroughProbability = noTroughProbability
        self.unvoicedFrequency = unvoicedFrequency
        self.center = center
        self.padMode = padMode
        framing = Framing(frameLength: frameLength, hopLength: hopLength, center: center, padMode: padMode,
                          lengthParameter: "frameLength")
        self.binsPerSemitone = binsPerSemitone
        self.pitchBinCount = pitchBinCount
        let minimumPeriod = Int((rate / maximumFrequency).rounded(.down))
        let maximumPeriod = min(Int((rate / minimumFrequency).rounded(.up)), frameLength - 1)
        self.minimumPeriod = minimumPeriod
        self.maximumPeriod = maximumPeriod
        let binsPerOctave = Double(12 * binsPerSemitone)
        binFrequencies = (0..<pitchBinCount).map { minimumFrequency * pow(2, Double($0) / binsPerOctave) }
        candidates = TroughCandidates(
            thresholdCount: thresholdCount, betaParameters: betaParameters, boltzmannParameter: boltzmannParameter,
            noTroughProbability: noTroughProbability, minimumPeriod: minimumPeriod, lagCount: maximumPeriod - minimumPeriod + 1,
            sampleRate: rate, minimumFrequency: minimumFrequency, binsPerOctave: 12 * binsPerSemitone,
            pitchBinCount: pitchBinCount)
        transition = BandedTransition(pitchBinCount: pitchBinCount, width: transitionWidth,
                                      switchProbability: switchProbability)
        autocorrelation = BatchedAutocorrelation(frameLength: frameLength, maximumLag: maximumPeriod,
                                                 batch: Self.framesPerBatch)
    }

    /// The number of frames for `sampleCount` samples: `1 + sampleCount / hopLength` when centring (for even
    /// `frameLength`), `1 + (sampleCount − frameLength) / hopLength` otherwise.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` when ``center`` is false and the signal is
    ///   shorter than `frameLength`.
    public func frameCount(sampleCount: Int) throws -> Int { try framing.frameCount(sampleCount: sampleCount) }

    /// Tracks the fundamental frequency of `samples` (librosa `pyin(y, fmin, fmax, sr, frame_length, hop_length, …)`).
    ///
    /// - Parameter samples: mono audio at ``sampleRate``.
    /// - Returns: one value per frame (see ``frameCount(sampleCount:)``) in each of the track's arrays.
    /// - Throws: ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``, and
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for a signal shorter than a frame without centring.
    public func callAsFunction(_ samples: [Float]) throws -> PitchTrack {
        try validateFinite(samples, what: "samples")
        let frames = try frameCount(sampleCount: samples.count)
        let padded = paddedSignal(samples)
        // Voiced observation probabilities, [frames, pitchBinCount], and each frame's voicing probability.
        var observations = [Double](repeating: 0, count: frames * pitchBinCount)
        var voicedProbabilities = [Double](repeating: 0, count: frames)
        padded.withUnsafeBufferPointer { signal in
            observations.withUnsafeMutableBufferPointer { observations in
                voicedProbabilities.withUnsafeMutableBufferPointer { voiced in
                    observe(signal.baseAddress!, frameCount: frames, observations: observations.baseAddress!,
                            voicedProbabilities: voiced.baseAddress!)
                }
            }
        }
        let states = transition.decode(voicedObservations: observations, voicedProbabilities: voicedProbabilities)
        var frequencies = [Float](repeating: 0, count: frames)
        var voicedFlags = [Bool](repeating: false, count: frames)
        for (frame, state) in states.enumerated() {
            voicedFlags[frame] = state < pitchBinCount
            if voicedFlags[frame] || unvoicedFrequency == .decodedPitch {
                frequencies[frame] = Float(binFrequencies[state % pitchBinCount])
            } else if case let .value(fill) = unvoicedFrequency {
                frequencies[frame] = fill
            }
        }
        return PitchTrack(frequencies: frequencies, voicedFlags: voicedFlags,
                          voicedProbabilities: voicedProbabilities.map { Float($0) })
    }

    /// The signal with `frameLength / 2` samples of ``padMode`` padding on each side when centring (NumPy's
    /// `np.pad`; `'reflect'` repeats the mirror for pads longer than the signal), else the signal itself.
    private func paddedSignal(_ samples: [Float]) -> [Float] {
        guard center else { return samples }
        return samples.withUnsafeBufferPointer { source in
            (0..<(source.count + 2 * (frameLength / 2))).map {
                framing.paddedSample(source.baseAddress!, count: source.count, at: $0)
            }
        }
    }

    /// The first stage for every frame of the padded signal: the voiced observation probability of each pitch bin
    /// (row `frame` of `observations`, zeros where no trough landed) and the frame's voicing probability, the sum of
    /// those clipped to [0, 1]. Batches of frames are claimed by the AudioDSP threads.
    private func observe(_ signal: UnsafePointer<Float>, frameCount frames: Int,
                         observations: UnsafeMutablePointer<Double>, voicedProbabilities: UnsafeMutablePointer<Double>) {
        let batches = (frames + Self.framesPerBatch - 1) / Self.framesPerBatch
        let lagCount = maximumPeriod - minimumPeriod + 1
        AudioDSPThreads.forEachClaimedIndex(batches, makeState: { FrameScratch(autocorrelation: autocorrelation, lagCount: lagCount) }) { scratch, batch in
            let first = batch * Self.framesPerBatch, count = min(Self.framesPerBatch, frames - first)
            autocorrelation.compute(signal + first * hopLength, hopLength: hopLength, frameCount: count,
                                    buffers: scratch.buffers)
            for row in 0..<count {
                let frame = first + row
                autocorrelation.normalisedDifference(row: row, frame: signal + frame * hopLength, buffers: scratch.buffers,
                                                     minimumPeriod: minimumPeriod, into: scratch.difference)
                voicedProbabilities[frame] = candidates.observe(
                    scratch.difference, scratch: scratch, into: observations + frame * pitchBinCount)
            }
        }
    }
}

/// The result of ``PitchTracker``: three arrays with one value per frame (librosa `pyin`'s `f0, voiced_flag,
/// voiced_prob`).
public struct PitchTrack: Sendable {
    /// The fundamental frequency in Hz: the centre of the decoded pitch bin in voiced frames, and
    /// ``PitchTracker/unvoicedFrequency`` (NaN by default) in unvoiced ones.
    public var frequencies: [Float]
    /// Whether the decoded state of each frame is voiced.
    public var voicedFlags: [Bool]
    /// The probability that each frame is voiced, in [0, 1]: the total observation probability of its troughs.
    public var voicedProbabilities: [Float]

    /// A track from its three arrays, which must have equal counts.
    public init(frequencies: [Float], voicedFlags: [Bool], voicedProbabilities: [Float]) {
        precondition(frequencies.count == voicedFlags.count && voicedFlags.count == voicedProbabilities.count,
                     "a pitch track needs one value per frame in each array")
        self.frequencies = frequencies
        self.voicedFlags = voicedFlags
        self.voicedProbabilities = voicedProbabilities
    }

    /// The number of frames.
    public var frameCount: Int { frequencies.count }

    /// The median of ``frequencies`` over the voiced frames with a finite frequency, in Hz (numpy `median`: the mean
    /// of the two middle values for an even count); `nil` when no frame is voiced.
    public var medianVoicedFrequency: Float? {
        let voiced = zip(frequencies, voicedFlags).filter { $0.1 && $0.0.isFinite }.map(\.0).sorted()
        guard !voiced.isEmpty else { return nil }
        let middle = voiced.count / 2
        return voiced.count % 2 == 1 ? voiced[middle] : (voiced[middle - 1] + voiced[middle]) / 2
    }
}
