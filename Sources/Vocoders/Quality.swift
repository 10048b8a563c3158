import AudioDSP
import Foundation

/// The reconstruction-quality numbers of a vocoder output against the original audio (see ``QualityMeasure``).
public struct QualityReport: Sendable, Equatable, Codable {
    /// Log-spectral distance in dB (lower is better; 0 for identical magnitudes).
    public let logSpectralDistance: Float
    /// Mel-cepstral distortion in dB (lower is better).
    public let melCepstralDistortion: Float
    /// Spectral convergence `‖|S| − |Ŝ|‖_F / ‖|S|‖_F`, a ratio (lower is better).
    public let spectralConvergence: Float
    /// The number of STFT frames compared.
    public let frameCount: Int

    /// Wraps measured values (``QualityMeasure/measure(_:reference:)`` makes them).
    public init(logSpectralDistance: Float, melCepstralDistortion: Float, spectralConvergence: Float, frameCount: Int) {
        self.logSpectralDistance = logSpectralDistance
        self.melCepstralDistortion = melCepstralDistortion
        self.spectralConvergence = spectralConvergence
        self.frameCount = frameCount
    }
}

/// Objective distances between a synthesised waveform and its reference, all on the same STFT and frequency band.
///
/// Both signals are cut to the shorter length, then analysed by a centred, zero-padded Hann STFT of
/// ``fftSize`` / ``hopLength`` (librosa `stft` defaults otherwise). Only the bins `k` with `k·sr/fftSize ≤`
/// ``maximumFrequency`` count: a mel vocoder knows nothing above its front end's `fmax`, and comparing that band
/// would measure only its silence there. With `P = |S|²` the reference's power and `P̂` the estimate's on those `K`
/// bins and `T` frames, every logarithm takes `max(x, ε)` with a floor ``dynamicRange`` dB below the reference's
/// peak (`ε = max P · 10^(−range/10)` for spectra, `max M · 10^(−range/10)` for the mel power `M`), so exact zeros
/// of a reconstruction cannot dominate and the numbers do not change when both signals are scaled together:
///
/// - **Log-spectral distance** (dB): `LSD = (1/T) Σ_t √( (1/K) Σ_k (10·log10(max(P[k,t], ε) / max(P̂[k,t], ε)))² )`.
/// - **Mel-cepstral distortion** (dB): mel power `M = W·P` with the librosa mel filterbank `W` of ``melBandCount``
///   bands from 0 Hz to ``maximumFrequency`` (Slaney scale and normalisation); cepstra
///   `c[d,t] = DCT-II_ortho(½·ln(max(M[·,t], ε_M)))[d]` (`scipy.fft.dct(type=2, norm='ortho')` over bands of the
///   natural-log mel *amplitude*) for `d = 1 ... D`, `D` = ``cepstralCoefficientCount`` (c0, the frame energy, is
///   excluded); `MCD = (1/T) Σ_t (10/ln 10)·√(2·Σ_{d=1..D} (c[d,t] − ĉ[d,t])²)`. Every frame counts (no silence
///   removal, no time warping), so the number is comparable between vocoders here but not with MCDs computed from
///   SPTK mel-cepstra in papers.
/// - **Spectral convergence**: AudioDSP's `GriffinLim.spectralConvergence` on the amplitudes `|S|`, `|Ŝ|` of the band.
///
/// The Python reference (numpy/scipy/librosa) is `Tests/Fixtures/make_vocoder_fixtures.py`.
public struct QualityMeasure: Sendable {
    /// STFT length in samples (librosa `n_fft`). Default 1024.
    public let fftSize: Int
    /// STFT hop in samples (librosa `hop_length`). Default 256.
    public let hopLength: Int
    /// Mel bands for the cepstra. Default 80.
    public let melBandCount: Int
    /// Cepstral coefficients compared, `c1 ... cD` (c0 excluded), `1 ..< melBandCount`. Default 24.
    public let cepstralCoefficientCount: Int
    /// The upper edge of the compared band in Hz, or `nil` for the Nyquist frequency (the whole spectrum).
    /// Default `nil`; use the vocoder front end's mel `fmax` to compare mel vocoders on the band they describe.
    public let maximumFrequency: Float?
    /// How far below the reference's peak the logarithms' floor lies, in dB, > 0. Default 80 (librosa's `top_db`).
    public let dynamicRange: Float

    private let transform: ShortTimeFourierTransform
    private let cosineTransform: DiscreteCosineTransform

    /// Configures the measure.
    ///
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for an out-of-range value.
    public init(fftSize: Int = 1024, hopLength: Int = 256, melBandCount: Int = 80, cepstralCoefficientCount: Int = 24,
                maximumFrequency: Float? = nil, dynamicRange: Float = 80) throws {
        guard melBandCount >= 2 else {
            throw VocodersError.invalidParameter(name: "melBandCount", value: "\(melBandCount)", reason: "must be at least 2")
        }
        guard (1..<melBandCount).contains(cepstralCoefficientCount) else {
            throw VocodersError.invalidParameter(name: "cepstralCoefficientCount", value: "\(cepstralCoefficientCount)",
                                                 reason: "must be in 1..<melBandCount (\(melBandCount))")
        }
        if let maximumFrequency, !(maximumFrequency > 0 && maximumFrequency.isFinite) {
            throw VocodersError.invalidParameter(name: "maximumFrequency", value: "\(maximumFrequency)",
                                                 reason: "must be positive and finite, or nil")
        }
        guard dynamicRange > 0, dynamicRange.isFinite else {
            throw VocodersError.invalidParameter(name: "dynamicRange", value: "\(dynamicRange)", reason: "must be positive and finite")
        }
        transform = try withVocodersParameterErrors { try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength) }
        cosineTransform = try withVocodersParameterErrors {
            try DiscreteCosineTransform(inputCount: melBandCount, outputCount: cepstralCoefficientCount + 1)
        }
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.melBandCount = melBandCount
        self.cepstralCoefficientCount = cepstralCoefficientCount
        self.maximumFrequency = maximumFrequency
        self.dynamicRange = dynamicRange
    }

    /// Measures `estimate` against `reference`.
    ///
    /// - Parameters:
    ///   - estimate: the vocoder output, mono.
    ///   - reference: the original audio, mono, at the same sample rate.
    /// - Throws: ``VocodersError/invalidInput(what:reason:)`` for different sample rates, multi-channel audio or a
    ///   silent reference; ``VocodersError/invalidParameter(name:value:reason:)`` for a ``maximumFrequency`` above
    ///   the Nyquist frequency; AudioDSP's errors for empty, non-finite or too-short audio.
    public func measure(_ estimate: Waveform, reference: Waveform) throws -> QualityReport {
        guard estimate.sampleRate == reference.sampleRate else {
            throw VocodersError.invalidInput(
                what: "estimate", reason: "sample rate \(estimate.sampleRate) Hz, the reference has \(reference.sampleRate) Hz")
        }
        for (name, waveform) in [("estimate", estimate), ("reference", reference)] where waveform.channelCount != 1 {
            throw VocodersError.invalidInput(what: name, reason: "\(waveform.channelCount) channels; downmix to mono first")
        }
        let sampleRate = reference.sampleRate
        let filterbank = try withVocodersParameterErrors {
            try MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, melBandCount: melBandCount,
                              maximumFrequency: maximumFrequency)
        }
        let length = min(estimate.sampleCount, reference.sampleCount)
        let referenceAmplitude = try transform.magnitude(Array(reference.samples.prefix(length)))
        let estimateAmplitude = try transform.magnitude(Array(estimate.samples.prefix(length)))
        // Bins k with k·sr/fftSize ≤ fmax (numpy: rfftfreq(n_fft, 1/sr) <= fmax).
        let edge = Double(filterbank.maximumFrequency) * Double(fftSize) / Double(sampleRate)
        let bandBins = min(transform.binCount, Int(edge.rounded(.down)) + 1)
        let reference = band(referenceAmplitude, bins: bandBins), estimate = band(estimateAmplitude, bins: bandBins)
        let referencePower = power(reference)
        guard let peak = referencePower.values.max(), peak > 0 else {
            throw VocodersError.invalidInput(what: "reference", reason: "silent below \(filterbank.maximumFrequency) Hz")
        }
        return QualityReport(
            logSpectralDistance: logSpectralDistance(power(estimate), referencePower, floor: floor(below: peak)),
            melCepstralDistortion: melCepstralDistortion(estimateAmplitude, referenceAmplitude, filterbank: filterbank),
            spectralConvergence: GriffinLim.spectralConvergence(estimate, reference: reference),
            frameCount: reference.frameCount)
    }

    /// `peak · 10^(−dynamicRange/10)`.
    private func floor(below peak: Float) -> Double { Double(peak) * pow(10, -Double(dynamicRange) / 10) }

    /// The first `bins` rows of a bin-major spectrogram.
    private func band(_ spectrogram: Spectrogram, bins: Int) -> Spectrogram {
        Spectrogram(values: Array(spectrogram.values.prefix(bins * spectrogram.frameCount)), rowCount: bins,
                    frameCount: spectrogram.frameCount)
    }

    /// The mel cepstra `c1 ... cD` of a mel power spectrogram, `[cepstralCoefficientCount, frames]`, with the log
    /// floor `floor` (see the type documentation).
    private func cepstra(_ mel: Spectrogram, floor: Double) -> Spectrogram {
        var logAmplitude = mel
        for index in logAmplitude.values.indices {
            logAmplitude.values[index] = Float(0.5 * log(max(Double(mel.values[index]), floor)))
        }
        let all = cosineTransform.apply(logAmplitude)  // c0 ... cD (AudioDSP's DCT-II, ortho)
        return Spectrogram(values: Array(all.values[all.frameCount...]), rowCount: cepstralCoefficientCount,
                           frameCount: all.frameCount)
    }

    private func melCepstralDistortion(_ estimate: Spectrogram, _ reference: Spectrogram,
                                       filterbank: MelFilterbank) -> Float {
        let referenceMel = filterbank.apply(power(reference)), estimateMel = filterbank.apply(power(estimate))
        let floor = floor(below: referenceMel.values.max() ?? 0)
        let a = cepstra(estimateMel, floor: floor), b = cepstra(referenceMel, floor: floor)
        let frames = a.frameCount
        var squares = [Double](repeating: 0, count: frames)
        for coefficient in 0..<cepstralCoefficientCount {
            for frame in 0..<frames {
                let difference = Double(a[row: coefficient, frame: frame]) - Double(b[row: coefficient, frame: frame])
                squares[frame] += difference * difference
            }
        }
        let constant = 10 / log(10.0)
        return Float(squares.reduce(0) { $0 + constant * (2 * $1).squareRoot() } / Double(frames))
    }

    private func logSpectralDistance(_ estimatePower: Spectrogram, _ referencePower: Spectrogram, floor: Double) -> Float {
        let bins = referencePower.rowCount, frames = referencePower.frameCount
        var squares = [Double](repeating: 0, count: frames)
        for bin in 0..<bins {
            for frame in 0..<frames {
                let index = bin * frames + frame
                let difference = 10 * log10(max(Double(referencePower.values[index]), floor)
                                            / max(Double(estimatePower.values[index]), floor))
                squares[frame] += difference * difference
            }
        }
        return Float(squares.reduce(0) { $0 + ($1 / Double(bins)).squareRoot() } / Double(frames))
    }

    private func power(_ amplitude: Spectrogram) -> Spectrogram {
        var result = amplitude
        for index in result.values.indices { result.values[index] *= result.values[index] }
        return result
    }
}
