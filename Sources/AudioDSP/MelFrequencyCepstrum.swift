import Foundation

/// Mel-frequency cepstral coefficients with librosa's definition (`feature.mfcc(y, sr, n_mfcc, n_fft, hop_length,
/// n_mels, ...)` with its defaults `dct_type=2`, `norm='ortho'`, `lifter=0`):
///
/// 1. the power mel spectrogram `M = W·|STFT(y)|²` (``melSpectrogram(_:stft:filterbank:power:)``: Hann window,
///    centred with zero padding, Slaney mel scale and normalisation — librosa `feature.melspectrogram`);
/// 2. `S = 10·log10(max(M, 1e-10))` floored at `max(S) − topDB` (``Decibels/powerToDecibels(_:reference:amin:topDB:)``
///    with reference 1 — librosa `power_to_db(M)`; the floor is relative to the whole clip's peak);
/// 3. the orthonormal DCT-II of each column of `S`, first ``coefficientCount`` coefficients
///    (``DiscreteCosineTransform``).
///
/// Coefficient 0 is the mean log level (it follows the clip's gain); the others describe the spectral envelope and
/// do not change when the signal is scaled, except where the floors apply. The result matches librosa to float
/// rounding (`Tests/Fixtures/make_transfer_measures_fixtures.py`).
public struct MelFrequencyCepstrum: Sendable {
    /// Sample rate of the input in Hz (librosa `sr`).
    public var sampleRate: Int { filterbank.sampleRate }
    /// Coefficients per frame (librosa `n_mfcc`). Default 20.
    public var coefficientCount: Int { cosineTransform.outputCount }
    /// FFT length in samples (librosa `n_fft`). Default 2048.
    public var fftSize: Int { transform.fftSize }
    /// Hop between frames in samples (librosa `hop_length`). Default 512.
    public var hopLength: Int { transform.hopLength }
    /// Mel bands before the DCT (librosa `n_mels`). Default 128.
    public var melBandCount: Int { filterbank.melBandCount }
    /// The dynamic range kept below the clip's loudest mel cell, in dB, or `nil` for none (librosa `power_to_db`'s
    /// `top_db`). Default 80.
    public let topDB: Float?

    /// The STFT (Hann, centred, zero padding).
    public let transform: ShortTimeFourierTransform
    /// The mel filterbank (Slaney scale and normalisation, 0 Hz to the Nyquist frequency).
    public let filterbank: MelFilterbank
    /// The DCT from ``melBandCount`` bands to ``coefficientCount`` coefficients.
    public let cosineTransform: DiscreteCosineTransform

    /// Configures the analysis; the defaults are librosa's.
    ///
    /// - Parameters:
    ///   - sampleRate: of the input, in Hz (`sr`). Default 22 050.
    ///   - coefficientCount: coefficients per frame (`n_mfcc`), `1 ... melBandCount`. Default 20.
    ///   - fftSize: FFT length (`n_fft`), ≥ 2. Default 2048.
    ///   - hopLength: hop in samples (`hop_length`), `1 ... fftSize`. Default 512.
    ///   - melBandCount: mel bands (`n_mels`), ≥ 1. Default 128.
    ///   - topDB: dynamic range below the peak in dB (`top_db`), ≥ 0, or `nil`. Default 80.
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for a value out of range.
    public init(sampleRate: Int = 22_050, coefficientCount: Int = 20, fftSize: Int = 2048, hopLength: Int = 512,
                melBandCount: Int = 128, topDB: Float? = 80) throws {
        if let topDB, !(topDB >= 0 && topDB.isFinite) {
            throw AudioDSPError.invalidParameter(name: "topDB", value: "\(topDB)", reason: "must be finite and non-negative, or nil")
        }
        transform = try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength)
        filterbank = try MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, melBandCount: melBandCount)
        guard (1...melBandCount).contains(coefficientCount) else {
            throw AudioDSPError.invalidParameter(name: "coefficientCount", value: "\(coefficientCount)",
                                                 reason: "must be in 1...melBandCount (\(melBandCount))")
        }
        cosineTransform = try DiscreteCosineTransform(inputCount: melBandCount, outputCount: coefficientCount)
        self.topDB = topDB
    }

    /// The coefficients of `samples` (mono, at ``sampleRate``), shape `[coefficientCount, frames]` with
    /// `frames = 1 + samples.count / hopLength`, as librosa returns them.
    ///
    /// - Throws: ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``.
    public func callAsFunction(_ samples: [Float]) throws -> Spectrogram {
        let mel = try melSpectrogram(samples, stft: transform, filterbank: filterbank, power: 2)
        return cosineTransform.apply(Decibels.powerToDecibels(mel, reference: .value(1), amin: 1e-10, topDB: topDB))
    }
}
