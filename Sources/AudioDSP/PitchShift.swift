import Foundation

/// Pitch shifting by time stretch and resampling, with the semantics of `librosa.effects.pitch_shift(y, sr=sr,
/// n_steps=semitones, bins_per_octave=binsPerOctave, n_fft=fftSize, hop_length=hopLength)` (librosa 0.11.0), and an
/// optional correction of the spectral envelope (formants).
///
/// The shift by `s` steps stretches the signal in time by ``TimeStretch`` with `rate = 2^(−s / binsPerOctave)`,
/// resamples the result from `sampleRate / rate` to `sampleRate` (so every frequency is multiplied by `1 / rate`)
/// and cuts or zero-pads it to the input's length (librosa `fix_length`). Because resampling scales the whole
/// spectrum, the spectral envelope moves with the harmonics (``Envelope/keep``: speech sounds smaller or larger).
/// ``Envelope/preserve`` and ``Envelope/scale(_:)`` then correct each STFT frame of the shifted signal: its magnitude
/// is divided by its own ``SpectralEnvelope`` and multiplied by the original frame's envelope, warped in frequency
/// by the scale factor (`E′(f) = E(f / factor)`, linear interpolation between bins), keeping the shifted signal's
/// phase; the inverse STFT gives the result. The gain of that correction is limited to ±``maximumEnvelopeGain``
/// dB, so that bands the shift left empty (above the new Nyquist frequency of a downward shift) are not raised from
/// the resampler's residue to the original's level.
///
/// Resampling: librosa's default is soxr (`res_type='soxr_hq'`); AudioDSP uses libsamplerate's converters or the
/// FFT resampler (``ResampleQuality``). With ``ResampleQuality/fft`` the result equals librosa's
/// `res_type='fft'` to float rounding; with ``ResampleQuality/best`` it differs from librosa's default by the
/// resamplers' difference (measured in `PitchShiftFixtureTests`: 1.5e-3 of the peak at most, 1.7e-4 RMS).
///
/// Cost, measured on 3 s of speech at 22 050 Hz shifted by +4 semitones, release build, one thread: 19–24 ms with
/// ``ResampleQuality/fft``, 30–43 ms with ``ResampleQuality/medium``, 108–128 ms with ``ResampleQuality/best``
/// (libsamplerate's best sinc is most of it); librosa 0.11 takes 35–40 ms (soxr_hq) and 50–54 ms (fft). The envelope
/// correction adds two STFTs, two envelopes per frame and an inverse STFT: about 12 ms.
///
/// ```swift
/// let up = try PitchShift()(samples, sampleRate: 22_050, semitones: 4)                          // librosa's
/// let voice = try PitchShift(envelope: .preserve)(samples, sampleRate: 22_050, semitones: 4)    // same formants
/// ```
public struct PitchShift: Sendable {
    /// What happens to the spectral envelope (the formants of a voice, the body resonances of an instrument).
    public enum Envelope: Sendable, Equatable {
        /// It moves with the pitch, as resampling leaves it (librosa's behaviour).
        case keep
        /// The original's envelope stays where it was under the shifted harmonics; `scale(1)`.
        case preserve
        /// The original's envelope, warped in frequency by `factor` (> 0) whatever the pitch shift: 1.2 moves a
        /// resonance at 1000 Hz to 1200 Hz.
        case scale(Float)

        /// The frequency factor applied to the original's envelope, `nil` when it is left to the resampling.
        var factor: Float? {
            switch self {
            case .keep: nil
            case .preserve: 1
            case let .scale(factor): factor
            }
        }
    }

    /// The largest shift accepted, in octaves either way: 4 (48 semitones). The stretch before resampling is
    /// `2^octaves` times longer or shorter than the input.
    public static let maximumOctaves: Double = 4

    /// The largest boost or cut of the envelope correction, in dB: 40.
    public static let maximumEnvelopeGain: Float = 40

    /// The stretch before resampling; its ``TimeStretch/stft`` also analyses and resynthesises the envelope.
    public let timeStretch: TimeStretch
    /// Steps per octave (librosa `bins_per_octave`), ≥ 1. Default 12: a step is a semitone.
    public let binsPerOctave: Int
    /// How the stretched signal is resampled (librosa `res_type`). Default ``ResampleQuality/best``.
    public let resampleQuality: ResampleQuality
    /// What happens to the spectral envelope. Default ``Envelope/keep`` (librosa's).
    public let envelope: Envelope
    /// The cepstral smoother for ``Envelope/preserve`` and ``Envelope/scale(_:)``.
    public let spectralEnvelope: SpectralEnvelope

    /// Makes a pitch shifter.
    ///
    /// - Parameters:
    ///   - fftSize: FFT length in samples (librosa `n_fft`), ≥ 2. Default 2048.
    ///   - hopLength: hop in samples (librosa `hop_length`), `1 ... fftSize`. Default 512 (`n_fft / 4`).
    ///   - binsPerOctave: steps per octave (librosa `bins_per_octave`), ≥ 1. Default 12.
    ///   - resampleQuality: the resampler. Default ``ResampleQuality/best``; ``ResampleQuality/fft`` reproduces
    ///     librosa's `res_type='fft'`.
    ///   - envelope: what happens to the spectral envelope. Default ``Envelope/keep``.
    ///   - cepstralCoefficients: the lifter length of the envelope (see ``SpectralEnvelope``), `1 ... fftSize / 2`.
    ///     Default 40, for 22 050 Hz.
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for a parameter out of range, including a
    ///   scale factor that is not finite and positive.
    public init(fftSize: Int = 2048, hopLength: Int = 512, binsPerOctave: Int = 12,
                resampleQuality: ResampleQuality = .best, envelope: Envelope = .keep,
                cepstralCoefficients: Int = 40) throws {
        guard binsPerOctave >= 1 else {
            throw AudioDSPError.invalidParameter(name: "binsPerOctave", value: "\(binsPerOctave)",
                                                 reason: "must be at least 1")
        }
        if let factor = envelope.factor, !(factor.isFinite && factor > 0) {
            throw AudioDSPError.invalidParameter(name: "envelope", value: "scale(\(factor))",
                                                 reason: "the scale factor must be finite and positive")
        }
        timeStretch = try TimeStretch(fftSize: fftSize, hopLength: hopLength)
        spectralEnvelope = try SpectralEnvelope(fftSize: fftSize, cepstralCoefficients: cepstralCoefficients)
        self.binsPerOctave = binsPerOctave
        self.resampleQuality = resampleQuality
        self.envelope = envelope
    }

    /// The samples shifted in pitch by `semitones` steps at the same duration (librosa `pitch_shift`).
    ///
    /// - Parameters:
    ///   - samples: the signal, mono.
    ///   - sampleRate: its rate in Hz (librosa `sr`), > 0; only the ratio `sampleRate / (sampleRate / rate)` and
    ///     its rounding depend on it.
    ///   - semitones: the shift in steps of `1 / binsPerOctave` octave (librosa `n_steps`; semitones by default),
    ///     finite, at most ``maximumOctaves`` octaves either way; positive raises the pitch.
    /// - Returns: `samples.count` samples.
    /// - Throws: ``AudioDSPError/emptyInput(what:)`` and ``AudioDSPError/nonFiniteInput(what:)`` for bad samples,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for a bad `sampleRate` or `semitones`.
    public func callAsFunction(_ samples: [Float], sampleRate: Int, semitones: Double) throws -> [Float] {
        guard sampleRate > 0 else {
            throw AudioDSPError.invalidParameter(name: "sampleRate", value: "\(sampleRate)", reason: "must be positive")
        }
        let octaves = semitones / Double(binsPerOctave)
        guard semitones.isFinite, abs(octaves) <= Self.maximumOctaves else {
            throw AudioDSPError.invalidParameter(
                name: "semitones", value: "\(semitones)",
                reason: "must be finite and within ±\(Self.maximumOctaves) octaves (±\(Self.maximumOctaves * Double(binsPerOctave)) steps)")
        }
        let stft = timeStretch.stft
        let rate = pow(2, -octaves)
        let original = try stft.forwardFrameMajor(samples)
        let stretched = try timeStretch.stretched(original, sampleCount: samples.count, rate: rate)
        // librosa.resample(orig_sr=sr / rate, target_sr=sr): ratio and length computed as librosa does.
        let ratio = Double(sampleRate) / (Double(sampleRate) / rate)
        var shifted = ratio == 1 ? stretched : try Waveform.resample(
            stretched, ratio: ratio, outputCount: Int((Double(stretched.count) * ratio).rounded(.up)),
            quality: resampleQuality)
        if shifted.count > samples.count {
            shifted.removeLast(shifted.count - samples.count)
        } else {
            shifted += repeatElement(0, count: samples.count - shifted.count)
        }
        guard let factor = envelope.factor else { return shifted }
        return try reshapedEnvelope(of: shifted, original: original, factor: factor)
    }

    /// `shifted` (as long as the original) with each STFT frame's envelope replaced by the original frame's
    /// envelope warped by `factor`, the gain limited to ±``maximumEnvelopeGain`` dB.
    private func reshapedEnvelope(of shifted: [Float], original: FrameMajorSpectrogram, factor: Float) throws -> [Float] {
        let stft = timeStretch.stft
        var spectrum = try stft.forwardFrameMajor(shifted)
        let peak = original.magnitudePeak()
        let floor = spectralEnvelope.floor(reference: peak > 0 ? peak : 1)  // a silent input stays silent
        let target = spectralEnvelope.logEnvelopes(of: original, floor: floor)
        let current = spectralEnvelope.logEnvelopes(of: spectrum, floor: floor)
        let bins = spectrum.binCount, frames = spectrum.frameCount, stride = spectrum.frameStride
        let limit = Self.maximumEnvelopeGain / 20 * log(10)
        spectrum.withUnsafeMutableBufferPointer { values in
            for frame in 0..<frames {
                let row = values.baseAddress! + frame * stride, targetRow = frame * bins
                for k in 0..<bins {
                    // Clamped first: for a tiny factor k / factor overflows Int.
                    let source = min(Float(k) / factor, Float(bins - 1)), below = Int(source)
                    let warped = below >= bins - 1 ? target[targetRow + bins - 1] : target[targetRow + below]
                        + (source - Float(below)) * (target[targetRow + below + 1] - target[targetRow + below])
                    let gain = exp(min(max(warped - current[targetRow + k], -limit), limit))
                    row[2 * k] *= gain
                    row[2 * k + 1] *= gain
                }
            }
        }
        return try stft.inverse(spectrum, sampleCount: shifted.count)
    }
}
