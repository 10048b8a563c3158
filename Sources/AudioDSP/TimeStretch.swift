import Foundation

/// Time stretching by the phase vocoder, with the semantics of `librosa.effects.time_stretch(y, rate=rate,
/// n_fft=fftSize, hop_length=hopLength)` (librosa 0.11.0): the STFT of the signal (Hann window, centred, zero
/// padding), ``FrameMajorSpectrogram/phaseVocoded(rate:hopLength:fftSize:)``, and the inverse STFT cut or
/// zero-padded to `round(count / rate)` samples (Python's `round`: halves to even).
///
/// The duration changes by `1 / rate` and the pitch stays. Transients smear over about one window
/// (`fftSize` samples) and steady partials keep their phase coherence only within a bin: this is librosa's
/// vocoder, not a transient-preserving one.
///
/// Cost, measured on 3 s of speech at 22 050 Hz, rate 0.8, release build, one thread: 16–20 ms (librosa 0.11:
/// 32–37 ms); the phase vocoder's `atan2`, `sin` and `cos` are most of it.
///
/// ```swift
/// let slower = try TimeStretch()(samples, rate: 0.8)   // 25 % longer, same pitch
/// ```
public struct TimeStretch: Sendable {
    /// The rates accepted: 1/64 (64 times longer) to 64 (64 times shorter). Beyond them the output is mostly
    /// interpolation (or holds fewer than 1/64 of the frames), and memory grows with `1 / rate`.
    public static let rateRange: ClosedRange<Double> = 1.0 / 64 ... 64

    /// The analysis and synthesis transform: Hann window of `fftSize`, centred, zero padding (librosa's `stft`
    /// defaults).
    public let stft: ShortTimeFourierTransform

    /// Makes a time stretcher.
    ///
    /// - Parameters:
    ///   - fftSize: FFT length in samples (librosa `n_fft`), ≥ 2. Default 2048, librosa's (93 ms at 22 050 Hz).
    ///   - hopLength: hop in samples (librosa `hop_length`), `1 ... fftSize`. Default 512, librosa's
    ///     `n_fft / 4` for the default `fftSize` (75 % overlap, which the Hann window's overlap-add needs).
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for a size or hop out of range.
    public init(fftSize: Int = 2048, hopLength: Int = 512) throws {
        stft = try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength)
    }

    /// The samples played `rate` times faster at the same pitch (librosa `time_stretch(y, rate=rate)`).
    ///
    /// - Parameters:
    ///   - samples: the signal, mono, any sample rate (the stretch works in samples).
    ///   - rate: the speed-up (librosa `rate`) in ``rateRange``: above 1 shortens, below 1 lengthens.
    /// - Returns: `round(samples.count / rate)` samples (halves to even, as Python's `round`).
    /// - Throws: ``AudioDSPError/emptyInput(what:)`` and ``AudioDSPError/nonFiniteInput(what:)`` for bad samples,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for a rate outside ``rateRange`` or one that
    ///   leaves no sample.
    public func callAsFunction(_ samples: [Float], rate: Double) throws -> [Float] {
        try Self.validate(rate: rate)
        return try stretched(stft.forwardFrameMajor(samples), sampleCount: samples.count, rate: rate)
    }

    /// The stretch of a `sampleCount`-sample signal whose STFT (by ``stft``) is `spectrogram`.
    func stretched(_ spectrogram: FrameMajorSpectrogram, sampleCount: Int, rate: Double) throws -> [Float] {
        let length = Int((Double(sampleCount) / rate).rounded(.toNearestOrEven))
        guard length >= 1 else {
            throw AudioDSPError.invalidParameter(
                name: "rate", value: "\(rate)", reason: "stretches the \(sampleCount)-sample signal to no sample")
        }
        let vocoded = try spectrogram.phaseVocoded(rate: rate, hopLength: stft.hopLength, fftSize: stft.fftSize)
        return try stft.inverse(vocoded, sampleCount: length)
    }

    /// Throws ``AudioDSPError/invalidParameter(name:value:reason:)`` unless `rate` is finite and in ``rateRange``.
    static func validate(rate: Double) throws {
        guard rate.isFinite, rateRange.contains(rate) else {
            throw AudioDSPError.invalidParameter(
                name: "rate", value: "\(rate)", reason: "must be finite and in 1/64...64 (the speed-up factor)")
        }
    }
}
