import Foundation

/// A bank of triangular mel filters mapping `1 + fftSize/2` FFT bins to `melBandCount` mel bands
/// (librosa `filters.mel`), with its application to spectrograms and its inverse (see `InverseMel.swift`).
///
/// Filter `m` rises linearly from mel frequency `f[m]` to `f[m+1]` and falls to `f[m+2]`, where `f` holds
/// `melBandCount + 2` points equally spaced on the mel ``Scale`` between ``minimumFrequency`` and
/// ``maximumFrequency``. With ``Normalization/slaney`` each filter is scaled by `2 / (f[m+2] − f[m])` (Hz) so that
/// it has constant area. The weights are computed in double precision and rounded to `Float` as librosa does, and
/// match `librosa.filters.mel` to about 1e-7.
///
/// Filters cover contiguous bin ranges, so ``apply(_:)`` uses only their non-zero runs (`SparseRows`).
public struct MelFilterbank: Sendable, Equatable {
    /// The mel scale (librosa `htk`).
    public enum Scale: String, Sendable, CaseIterable, Codable {
        /// Slaney's Auditory Toolbox scale: linear below 1 kHz (`mel = 3f/200`), logarithmic above
        /// (`15 + 27·ln(f/1000)/ln 6.4`). librosa's default (`htk=False`).
        case slaney
        /// The HTK scale `mel = 2595·log10(1 + f/700)` (`htk=True`; torchaudio's default).
        case htk
    }

    /// How each filter is normalised (librosa `norm`).
    public enum Normalization: String, Sendable, CaseIterable, Codable {
        /// Divide each triangle by its width in Hz / 2, so all have unit area (`norm='slaney'`, librosa's default).
        case slaney
        /// Peak value 1 (`norm=None`; torchaudio's default).
        case none
    }

    /// Sample rate in Hz (librosa `sr`).
    public let sampleRate: Int
    /// FFT length (librosa `n_fft`); the bank has `1 + fftSize/2` columns.
    public let fftSize: Int
    /// Number of mel bands (librosa `n_mels`). Default 128.
    public let melBandCount: Int
    /// Lowest edge in Hz (librosa `fmin`). Default 0.
    public let minimumFrequency: Float
    /// Highest edge in Hz (librosa `fmax`), at most the Nyquist frequency `sampleRate / 2`.
    public let maximumFrequency: Float
    /// The mel scale. Default ``Scale/slaney``.
    public let scale: Scale
    /// The filter normalisation. Default ``Normalization/slaney``.
    public let normalization: Normalization
    /// The filters, row-major `[melBandCount, 1 + fftSize/2]` (librosa's returned array).
    public let weights: [Float]

    let sparse: SparseRows
    let sparseTransposed: SparseRows

    /// The number of FFT bins the bank takes, `1 + fftSize/2`.
    public var binCount: Int { fftSize / 2 + 1 }

    /// Makes the filterbank of `librosa.filters.mel(sr=sampleRate, n_fft=fftSize, n_mels=melBandCount,
    /// fmin=minimumFrequency, fmax=maximumFrequency, htk=(scale == .htk), norm=('slaney' or None))`.
    ///
    /// - Parameters:
    ///   - sampleRate: in Hz, > 0.
    ///   - fftSize: FFT length, ≥ 2.
    ///   - melBandCount: number of bands, ≥ 1. Default 128 (librosa's).
    ///   - minimumFrequency: lowest edge in Hz, `0 ≤ fmin < fmax`. Default 0.
    ///   - maximumFrequency: highest edge in Hz; `nil` means the Nyquist frequency `sampleRate / 2` (librosa's
    ///     `fmax=None`). Above Nyquist throws.
    ///   - scale: the mel scale. Default Slaney.
    ///   - normalization: the filter normalisation. Default Slaney area normalisation.
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for any parameter out of range.
    public init(sampleRate: Int, fftSize: Int, melBandCount: Int = 128, minimumFrequency: Float = 0,
                maximumFrequency: Float? = nil, scale: Scale = .slaney, normalization: Normalization = .slaney) throws {
        let nyquist = Float(sampleRate) / 2
        let maximumFrequency = maximumFrequency ?? nyquist
        func invalid(_ name: String, _ value: Any, _ reason: String) -> AudioDSPError {
            .invalidParameter(name: name, value: "\(value)", reason: reason)
        }
        guard sampleRate > 0 else { throw invalid("sampleRate", sampleRate, "must be positive") }
        guard fftSize >= 2 else { throw invalid("fftSize", fftSize, "must be at least 2") }
        guard melBandCount >= 1 else { throw invalid("melBandCount", melBandCount, "must be at least 1") }
        guard minimumFrequency >= 0, minimumFrequency.isFinite else {
            throw invalid("minimumFrequency", minimumFrequency, "must be finite and non-negative")
        }
        guard maximumFrequency <= nyquist else {
            throw invalid("maximumFrequency", maximumFrequency, "above the Nyquist frequency \(nyquist) Hz")
        }
        guard maximumFrequency > minimumFrequency else {
            throw invalid("maximumFrequency", maximumFrequency, "must exceed minimumFrequency (\(minimumFrequency) Hz)")
        }
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.melBandCount = melBandCount
        self.minimumFrequency = minimumFrequency
        self.maximumFrequency = maximumFrequency
        self.scale = scale
        self.normalization = normalization
        let bins = fftSize / 2 + 1
        weights = Self.filters(sampleRate: Double(sampleRate), fftSize: fftSize, bands: melBandCount,
                               minimum: Double(minimumFrequency), maximum: Double(maximumFrequency),
                               scale: scale, normalization: normalization)
        sparse = SparseRows(dense: weights, rowCount: melBandCount, columnCount: bins)
        sparseTransposed = sparse.transposed()
    }

    /// Applies the filters: `mel[m, t] = Σ_k weights[m, k] · spectrogram[k, t]` (librosa
    /// `melspectrogram(S=spectrogram)`), shape `[melBandCount, frames]`.
    ///
    /// - Precondition: `spectrogram.binCount == 1 + fftSize/2`.
    public func apply(_ spectrogram: Spectrogram) -> Spectrogram {
        precondition(spectrogram.rowCount == binCount,
                     "MelFilterbank.apply: \(spectrogram.rowCount) bins, the filterbank takes \(binCount)")
        let frames = spectrogram.frameCount
        var out = [Float](repeating: 0, count: melBandCount * frames)
        spectrogram.values.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                let (input, output) = (input.baseAddress!, output.baseAddress!)
                AudioDSPThreads.forEachRange(melBandCount, minimumPerThread: 8) { rows in
                    sparse.multiply(input, output, width: frames, rows: rows)
                }
            }
        }
        return Spectrogram(values: out, rowCount: melBandCount, frameCount: frames)
    }

    /// The centre frequency of each band in Hz, lowest first (librosa
    /// `mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=(scale == .htk))[1:-1]`): the peak of its triangle.
    public var bandCentres: [Double] {
        let low = Self.mel(fromHertz: Double(minimumFrequency), scale: scale)
        let high = Self.mel(fromHertz: Double(maximumFrequency), scale: scale)
        return (1...melBandCount).map {
            Self.hertz(fromMel: low + (high - low) * Double($0) / Double(melBandCount + 1), scale: scale)
        }
    }

    /// Hz → mel on `scale` (librosa `hz_to_mel`).
    static func mel(fromHertz frequency: Double, scale: Scale) -> Double {
        switch scale {
        case .htk:
            return 2595 * log10(1 + frequency / 700)
        case .slaney:
            let linear = frequency / (200.0 / 3)
            return frequency >= 1000 ? 15 + log(frequency / 1000) / (log(6.4) / 27) : linear
        }
    }

    /// mel → Hz on `scale` (librosa `mel_to_hz`).
    static func hertz(fromMel mel: Double, scale: Scale) -> Double {
        switch scale {
        case .htk:
            return 700 * (pow(10, mel / 2595) - 1)
        case .slaney:
            return mel >= 15 ? 1000 * exp(log(6.4) / 27 * (mel - 15)) : 200.0 / 3 * mel
        }
    }

    /// The dense filter matrix, following librosa's arithmetic (float64 ramps rounded to float32, then scaled).
    private static func filters(sampleRate: Double, fftSize: Int, bands: Int, minimum: Double, maximum: Double,
                                scale: Scale, normalization: Normalization) -> [Float] {
        let bins = fftSize / 2 + 1
        let frequencies = (0..<bins).map { Double($0) * sampleRate / Double(fftSize) }
        let low = mel(fromHertz: minimum, scale: scale), high = mel(fromHertz: maximum, scale: scale)
        let step = (high - low) / Double(bands + 1)
        let edges = (0..<(bands + 2)).map { index in
            hertz(fromMel: index == bands + 1 ? high : low + Double(index) * step, scale: scale)
        }
        var weights = [Float](repeating: 0, count: bands * bins)
        for band in 0..<bands {
            let lowerWidth = edges[band + 1] - edges[band], upperWidth = edges[band + 2] - edges[band + 1]
            let area = normalization == .slaney ? 2 / (edges[band + 2] - edges[band]) : 1
            for bin in 0..<bins {
                let rising = (frequencies[bin] - edges[band]) / lowerWidth
                let falling = (edges[band + 2] - frequencies[bin]) / upperWidth
                let weight = Float(max(0, min(rising, falling)))
                weights[band * bins + bin] = normalization == .slaney ? Float(Double(weight) * area) : weight
            }
        }
        return weights
    }
}

/// The mel spectrogram of `samples` (librosa `feature.melspectrogram(y, sr, n_fft, hop_length, win_length, window,
/// center, pad_mode, power, n_mels, fmin, fmax, htk, norm)`): `filterbank.apply(|stft.forward(samples)|^power)`,
/// shape `[melBandCount, frames]`. The filters are applied batch by batch as the STFT is computed, so the
/// `[bins, frames]` magnitude is never stored.
///
/// - Parameters:
///   - power: the exponent of the magnitude before filtering: 2 (default, librosa's) for power, 1 for amplitude.
/// - Throws: the errors of ``ShortTimeFourierTransform/forward(_:)``, and
///   ``AudioDSPError/invalidParameter(name:value:reason:)`` if the transform's and the filterbank's `fftSize` differ.
public func melSpectrogram(_ samples: [Float], stft: ShortTimeFourierTransform, filterbank: MelFilterbank,
                           power: Float = 2) throws -> Spectrogram {
    guard stft.fftSize == filterbank.fftSize else {
        throw AudioDSPError.invalidParameter(name: "fftSize", value: "\(stft.fftSize)",
                                             reason: "the mel filterbank was made for fftSize \(filterbank.fftSize)")
    }
    try validateFinite(samples, what: "samples")
    let frames = try stft.frameCount(sampleCount: samples.count)
    let values = [Float](unsafeUninitializedCapacity: filterbank.melBandCount * frames) { values, initialized in
        stft.transform(samples, count: samples.count, frameCount: frames,
                       into: .filtered(values.baseAddress!, filterbank: filterbank.sparse, power: power))
        initialized = values.count
    }
    return Spectrogram(values: values, rowCount: filterbank.melBandCount, frameCount: frames)
}
