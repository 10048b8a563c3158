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

/// Objective distances between a synthesised waveform and its reference, all on the same STFT.
///
/// Both signals are cut to the shorter length, then analysed by a centred, zero-padded Hann STFT of
/// ``fftSize`` / ``hopLength`` (librosa `stft` defaults otherwise). With `P = |S|²` the reference's power and `P̂`
/// the estimate's (`K = 1 + fftSize/2` bins, `T` frames, `ε` = ``powerFloor``):
///
/// - **Log-spectral distance** (dB): `LSD = (1/T) Σ_t √( (1/K) Σ_k (10·log10(max(P[k,t], ε) / max(P̂[k,t], ε)))² )`.
/// - **Mel-cepstral distortion** (dB): mel power `M = W·P` with the librosa mel filterbank `W` of ``melBandCount``
///   bands (Slaney scale and normalisation, 0 Hz to Nyquist); cepstra `c[d,t] = DCT-II_ortho(½·ln(max(M[·,t], ε)))[d]`
///   (`scipy.fft.dct(type=2, norm='ortho')` over bands of the natural-log mel *amplitude*) for
///   `d = 1 ... D`, `D` = ``cepstralCoefficientCount`` (c0, the frame energy, is excluded);
///   `MCD = (1/T) Σ_t (10/ln 10)·√(2·Σ_{d=1..D} (c[d,t] − ĉ[d,t])²)`. Every frame counts (no silence removal,
///   no time warping), so the number is comparable between vocoders here but not with MCDs computed from SPTK
///   mel-cepstra in papers.
/// - **Spectral convergence**: AudioDSP's `GriffinLim.spectralConvergence` on the amplitudes `|S|`, `|Ŝ|`.
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
    /// Power floor `ε` before every logarithm. Default 1e-10 (librosa `power_to_db`'s `amin`).
    public let powerFloor: Float

    private let transform: ShortTimeFourierTransform

    /// Configures the measure.
    ///
    /// - Throws: ``VocodersError/invalidParameter(name:value:reason:)`` for an out-of-range value.
    public init(fftSize: Int = 1024, hopLength: Int = 256, melBandCount: Int = 80, cepstralCoefficientCount: Int = 24,
                powerFloor: Float = 1e-10) throws {
        guard melBandCount >= 2 else {
            throw VocodersError.invalidParameter(name: "melBandCount", value: "\(melBandCount)", reason: "must be at least 2")
        }
        guard (1..<melBandCount).contains(cepstralCoefficientCount) else {
            throw VocodersError.invalidParameter(name: "cepstralCoefficientCount", value: "\(cepstralCoefficientCount)",
                                                 reason: "must be in 1..<melBandCount (\(melBandCount))")
        }
        guard powerFloor > 0, powerFloor.isFinite else {
            throw VocodersError.invalidParameter(name: "powerFloor", value: "\(powerFloor)", reason: "must be positive and finite")
        }
        transform = try withVocodersParameterErrors { try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength) }
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.melBandCount = melBandCount
        self.cepstralCoefficientCount = cepstralCoefficientCount
        self.powerFloor = powerFloor
    }

    /// Measures `estimate` against `reference`.
    ///
    /// - Parameters:
    ///   - estimate: the vocoder output, mono.
    ///   - reference: the original audio, mono, at the same sample rate.
    /// - Throws: ``VocodersError/invalidInput(what:reason:)`` for different sample rates or multi-channel audio;
    ///   AudioDSP's errors for empty, non-finite or too-short audio.
    public func measure(_ estimate: Waveform, reference: Waveform) throws -> QualityReport {
        guard estimate.sampleRate == reference.sampleRate else {
            throw VocodersError.invalidInput(
                what: "estimate", reason: "sample rate \(estimate.sampleRate) Hz, the reference has \(reference.sampleRate) Hz")
        }
        for (name, waveform) in [("estimate", estimate), ("reference", reference)] where waveform.channelCount != 1 {
            throw VocodersError.invalidInput(what: name, reason: "\(waveform.channelCount) channels; downmix to mono first")
        }
        let length = min(estimate.frameCount, reference.frameCount)
        let referenceAmplitude = try transform.magnitude(Array(reference.samples.prefix(length)))
        let estimateAmplitude = try transform.magnitude(Array(estimate.samples.prefix(length)))
        let filterbank = try withVocodersParameterErrors {
            try MelFilterbank(sampleRate: reference.sampleRate, fftSize: fftSize, melBandCount: melBandCount)
        }
        return QualityReport(
            logSpectralDistance: logSpectralDistance(estimateAmplitude, referenceAmplitude),
            melCepstralDistortion: melCepstralDistortion(estimateAmplitude, referenceAmplitude, filterbank: filterbank),
            spectralConvergence: GriffinLim.spectralConvergence(estimateAmplitude, reference: referenceAmplitude),
            frameCount: referenceAmplitude.frameCount)
    }

    /// The mel cepstra `c1 ... cD` of an amplitude spectrogram, `[cepstralCoefficientCount, frames]` (see the type
    /// documentation).
    private func cepstra(_ amplitude: Spectrogram, filterbank: MelFilterbank) -> Spectrogram {
        let mel = filterbank.apply(power(amplitude))
        let frames = mel.frameCount, bands = melBandCount, floor = Double(powerFloor)
        var logAmplitude = [Double](repeating: 0, count: bands * frames)
        for index in logAmplitude.indices { logAmplitude[index] = 0.5 * log(max(Double(mel.values[index]), floor)) }
        var result = [Float](repeating: 0, count: cepstralCoefficientCount * frames)
        let scale = (2 / Double(bands)).squareRoot()
        for coefficient in 1...cepstralCoefficientCount {
            var row = [Double](repeating: 0, count: frames)
            for band in 0..<bands {
                let basis = scale * cos(Double.pi * Double(coefficient) * Double(2 * band + 1) / Double(2 * bands))
                for frame in 0..<frames { row[frame] += basis * logAmplitude[band * frames + frame] }
            }
            for frame in 0..<frames { result[(coefficient - 1) * frames + frame] = Float(row[frame]) }
        }
        return Spectrogram(values: result, binCount: cepstralCoefficientCount, frameCount: frames)
    }

    private func melCepstralDistortion(_ estimate: Spectrogram, _ reference: Spectrogram,
                                       filterbank: MelFilterbank) -> Float {
        let a = cepstra(estimate, filterbank: filterbank), b = cepstra(reference, filterbank: filterbank)
        let frames = a.frameCount
        var squares = [Double](repeating: 0, count: frames)
        for coefficient in 0..<cepstralCoefficientCount {
            for frame in 0..<frames {
                let difference = Double(a[bin: coefficient, frame: frame]) - Double(b[bin: coefficient, frame: frame])
                squares[frame] += difference * difference
            }
        }
        let constant = 10 / log(10.0)
        return Float(squares.reduce(0) { $0 + constant * (2 * $1).squareRoot() } / Double(frames))
    }

    private func logSpectralDistance(_ estimate: Spectrogram, _ reference: Spectrogram) -> Float {
        let bins = reference.binCount, frames = reference.frameCount, floor = Double(powerFloor)
        let estimatePower = power(estimate), referencePower = power(reference)
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
