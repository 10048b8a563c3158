import AudioDSP
import Foundation
import NeuralCore

/// A network trained on parallel speech (the same sentence in several accents, same voice) that moves a clip's
/// spectral envelope toward another accent, frame by frame, keeping its timing, pitch and phase: the study's future
/// work, "training targeted to one specific style transfer task … supervised learning: add a label to the audio clip".
///
/// Each frame is described by its mel-cepstrum `c0 … c24` (``Analysis``). The network reads a frame with
/// ``Configuration/contextFrames`` frames on each side (normalised), followed by the target accent as weights over
/// ``Configuration/accents`` (one-hot, or a classifier's probabilities), and predicts how `c1 … c24` of the same frame
/// spoken in that accent differ (trained on pairs aligned by ``DynamicTimeWarping``). ``converted(_:toward:strength:)``
/// turns the predicted difference into a smooth gain over frequency and applies it to the clip's STFT.
///
/// Layers: `network.0` `Linear(inputs, hidden)`, LeakyReLU(0.2), `network.2` `Linear(hidden, hidden)`, LeakyReLU(0.2),
/// `network.4` `Linear(hidden, 24)` (PyTorch `nn.Sequential` keys).
///
/// ```swift
/// let converter = try AccentConverter.bundled()
/// let scottish = try converter.converted(speech, toward: "en-gb-scotland")
/// ```
public final class AccentConverter: Module {
    /// The analysis every converter uses: 22 050 Hz, Hann STFT of 1 024 points with hop 256 (centred, zero padded),
    /// the clip normalised to -20 dBFS RMS, 80 Slaney mel bands of the power spectrum (0 Hz–Nyquist), natural log
    /// floored at 10⁻¹⁰ of the largest power, orthonormal DCT-II scaled by `1/√160`, coefficients 0…24 (the
    /// mel-cepstrum of `../shared/eval`'s MCD without its all-pass warping). A frame is active when its RMS is
    /// within 40 dB of the clip's loudest frame.
    public enum Analysis {
        /// Sample rate of the analysis in Hz.
        public static let sampleRate = 22_050
        /// FFT length and hop in samples.
        public static let fftSize = 1024, hopLength = 256
        /// Mel bands and cepstral coefficients (c0 included).
        public static let melBandCount = 80, coefficientCount = 25
        /// The RMS level every clip is analysed at, in dBFS.
        public static let levelDecibels: Float = -20
        /// The range below the loudest frame within which a frame is active, in dB.
        public static let activeRangeDecibels: Float = 40
    }

    /// A clip as the converter sees it.
    public struct AnalysedClip: Sendable {
        /// The STFT of the level-normalised clip.
        public let spectrum: ComplexSpectrogram
        /// The mel-cepstra, frame-major `[frames, 25]`.
        public let cepstra: [Float]
        /// Whether each frame is active.
        public let isActive: [Bool]
        /// The gain that normalised the clip's level.
        public let gain: Float
        /// Samples of the clip.
        public let sampleCount: Int
        /// Frames of the clip.
        public var frameCount: Int { spectrum.frameCount }
    }

    /// The architecture, the accents and the input normalisation.
    public let configuration: Configuration
    /// The multilayer perceptron.
    public let network: Sequential

    private let transform: ShortTimeFourierTransform
    private let filterbank: MelFilterbank
    private let cosineTransform: DiscreteCosineTransform

    /// A converter with seeded random weights (training starts here).
    ///
    /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` for an invalid configuration.
    public init(configuration: Configuration, seed: UInt64 = 0) throws {
        try configuration.validate()
        self.configuration = configuration
        let width = configuration.hiddenWidth
        network = Sequential(
            Linear(inputFeatures: configuration.inputCount, outputFeatures: width, seed: seed),
            LeakyReLU(negativeSlope: 0.2),
            Linear(inputFeatures: width, outputFeatures: width, seed: seed &+ 1),
            LeakyReLU(negativeSlope: 0.2),
            Linear(inputFeatures: width, outputFeatures: Analysis.coefficientCount - 1, seed: seed &+ 2))
        transform = try ShortTimeFourierTransform(fftSize: Analysis.fftSize, hopLength: Analysis.hopLength)
        filterbank = try MelFilterbank(
            sampleRate: Analysis.sampleRate, fftSize: Analysis.fftSize, melBandCount: Analysis.melBandCount)
        cosineTransform = try DiscreteCosineTransform(
            inputCount: Analysis.melBandCount, outputCount: Analysis.coefficientCount)
        super.init()
    }

    /// Analyses `samples` (mono, at ``Analysis/sampleRate``).
    ///
    /// - Throws: ``BackbonesError/invalidClip(problem:)`` for a clip that is silent or holds a non-finite sample;
    ///   AudioDSP's errors for an empty one.
    public func analyse(_ samples: [Float]) throws -> AnalysedClip {
        guard samples.allSatisfy(\.isFinite) else {
            throw BackbonesError.invalidClip(problem: "it holds NaN or infinite samples")
        }
        let energy = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(samples.count, 1))
        guard energy > 0 else {
            throw BackbonesError.invalidClip(problem: "it is silent")
        }
        let gain = Float(pow(10, Double(Analysis.levelDecibels) / 20) / energy.squareRoot())
        let normalised = samples.map { $0 * gain }
        let spectrum = try transform.forward(normalised)
        let power = spectrum.magnitude(power: 2)
        let floor = (power.values.max() ?? 0) * 1e-10
        var mel = filterbank.apply(power)
        for index in mel.values.indices { mel.values[index] = Foundation.log(max(mel.values[index], floor)) }
        let coefficients = cosineTransform.apply(mel)
        let frames = coefficients.frameCount, count = Analysis.coefficientCount
        let scale = 1 / Float(2 * Analysis.melBandCount).squareRoot()
        var cepstra = [Float](repeating: 0, count: frames * count)
        for k in 0..<count {
            for t in 0..<frames { cepstra[t * count + k] = coefficients.values[k * frames + t] * scale }
        }
        let levels = try frameRootMeanSquare(
            normalised, frameLength: Analysis.fftSize, hopLength: Analysis.hopLength
        ).map { 20 * log10(max($0, 1e-10)) }
        let loudest = levels.max() ?? 0
        let isActive = (0..<frames).map { $0 < levels.count && levels[$0] > loudest - Analysis.activeRangeDecibels }
        return AnalysedClip(
            spectrum: spectrum, cepstra: cepstra, isActive: isActive, gain: gain, sampleCount: samples.count)
    }

    /// The network's input for `frames` of a clip: each frame's context (frames past an edge repeat it), normalised,
    /// then `accent`; `[frames.count, inputCount]`.
    func input(cepstra: [Float], frameCount: Int, frames: [Int], accent: [Float]) -> [Float] {
        let count = Analysis.coefficientCount, context = configuration.contextFrames
        var values = [Float]()
        values.reserveCapacity(frames.count * configuration.inputCount)
        for frame in frames {
            for offset in -context...context {
                let source = min(max(frame + offset, 0), frameCount - 1)
                for k in 0..<count {
                    values.append(
                        (cepstra[source * count + k] - configuration.inputMean[k]) / configuration.inputScale[k])
                }
            }
            values += accent
        }
        return values
    }

    /// The predicted change of `c1 … c24` for every frame of `clip` spoken in `accent`, frame-major `[frames, 24]`.
    ///
    /// The network runs on blocks of at most `framesPerBlock` frames (default 2 048, 24 s), so its activations take
    /// the same memory whatever the clip's length; every frame still sees its full context.
    public func predictedChange(of clip: AnalysedClip, toward accent: [Float], framesPerBlock: Int = 2048) -> Tensor {
        precondition(framesPerBlock >= 1, "predictedChange: framesPerBlock must be at least 1")
        let frames = clip.frameCount
        let blocks = stride(from: 0, to: frames, by: framesPerBlock).map { start in
            let block = Array(start..<min(start + framesPerBlock, frames))
            let values = input(cepstra: clip.cepstra, frameCount: frames, frames: block, accent: accent)
            return network(Tensor(shape: [block.count, configuration.inputCount], scalars: values))
        }
        return blocks.count == 1 ? blocks[0] : concatenated(blocks, alongAxis: 0)
    }

    /// The weights over ``Configuration/accents`` that name one accent.
    ///
    /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` for an accent the converter was not
    ///   trained on.
    public func accentWeights(_ accent: String) throws -> [Float] {
        guard let index = configuration.accents.firstIndex(of: accent) else {
            throw BackbonesError.invalidConfiguration(
                name: "accent", value: accent,
                reason: "not one of the converter's accents (\(configuration.accents.joined(separator: ", ")))")
        }
        return configuration.accents.indices.map { $0 == index ? 1 : 0 }
    }

    /// `waveform` (downmixed to mono) spoken toward `accent`, at `waveform`'s rate and level.
    ///
    /// - Parameters:
    ///   - accent: weights over ``Configuration/accents`` (≥ 0, summing to 1: one-hot, or a classifier's
    ///     probabilities).
    ///   - strength: the share of the predicted change applied, 0…2. Default 0.85: on the development sets' accent
    ///     pairs 1 moves the accent a little further but takes intelligibility below STOI 0.8 on some pairs.
    /// - Throws: ``BackbonesError/invalidConfiguration(name:value:reason:)`` for weights of another length or not
    ///   summing to 1 or a strength out of range; ``BackbonesError/invalidClip(problem:)`` for a silent or non-finite
    ///   clip; AudioDSP's errors.
    public func converted(_ waveform: Waveform, toward accent: [Float], strength: Float = 0.85) throws -> Waveform {
        guard accent.count == configuration.accents.count, accent.allSatisfy({ $0 >= 0 }),
            abs(accent.reduce(0, +) - 1) < 1e-3
        else {
            throw BackbonesError.invalidConfiguration(
                name: "accent", value: "\(accent)",
                reason: "must be \(configuration.accents.count) weights ≥ 0 summing to 1")
        }
        guard (0...2).contains(strength) else {
            throw BackbonesError.invalidConfiguration(
                name: "strength", value: "\(strength)", reason: "must be in 0...2")
        }
        let mono = waveform.channelCount == 1 ? waveform : waveform.downmixed()
        let rate = Analysis.sampleRate
        let samples = mono.sampleRate == rate ? mono.samples : try mono.resampled(to: rate).samples
        let clip = try analyse(samples)
        let change = predictedChange(of: clip, toward: accent).scalars
        var spectrum = clip.spectrum
        let gains = binGains(change: change, frameCount: clip.frameCount, strength: strength)
        for index in spectrum.real.indices {
            spectrum.real[index] *= gains[index]
            spectrum.imag[index] *= gains[index]
        }
        let output = try transform.inverse(spectrum, sampleCount: clip.sampleCount).map { $0 / clip.gain }
        let result = Waveform(samples: output, sampleRate: rate)
        return mono.sampleRate == rate ? result : try result.resampled(to: mono.sampleRate)
    }

    /// ``converted(_:toward:strength:)`` toward one named accent.
    public func converted(_ waveform: Waveform, toward accent: String, strength: Float = 0.85) throws -> Waveform {
        try converted(waveform, toward: accentWeights(accent), strength: strength)
    }

    /// The magnitude gain of every STFT cell, bin-major `[bins, frames]`: `exp(strength · g / 2)` with `g` the change
    /// of log mel power the cepstral change `change` (`[frames, 24]`) stands for (the inverse of the analysis's
    /// scaled DCT), interpolated linearly between the mel bands' centre frequencies (constant past the first and
    /// last).
    private func binGains(change: [Float], frameCount: Int, strength: Float) -> [Float] {
        let bands = Analysis.melBandCount, changed = Analysis.coefficientCount - 1
        let centres = filterbank.bandCentres
        let binCount = transform.binCount
        let binWidth = Double(Analysis.sampleRate) / Double(Analysis.fftSize)
        // Each bin's two neighbouring bands and the weight of the upper one.
        let neighbours = (0..<binCount).map { bin -> (Int, Int, Double) in
            let frequency = Double(bin) * binWidth
            guard let upper = centres.firstIndex(where: { $0 >= frequency }) else { return (bands - 1, bands - 1, 0) }
            guard upper > 0 else { return (0, 0, 0) }
            return (upper - 1, upper, (frequency - centres[upper - 1]) / (centres[upper] - centres[upper - 1]))
        }
        let scale = Double(2 * bands).squareRoot()
        var gains = [Float](repeating: 1, count: binCount * frameCount)
        var bandChange = [Double](repeating: 0, count: bands)
        for frame in 0..<frameCount {
            for band in 0..<bands {
                var sum = 0.0
                for k in 1...changed {
                    sum += cosineTransform.basis[k * bands + band] * Double(change[frame * changed + k - 1])
                }
                bandChange[band] = sum * scale
            }
            for (bin, (lower, upper, weight)) in neighbours.enumerated() {
                let logPower = bandChange[lower] * (1 - weight) + bandChange[upper] * weight
                gains[bin * frameCount + frame] = Float(exp(Double(strength) * logPower / 2))
            }
        }
        return gains
    }
}
