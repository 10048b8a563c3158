import AudioDSP
import Foundation

/// Lets a vocoder take spectrograms of another front end: a linear-frequency spectrogram (for example style
/// transfer's log1p STFT magnitude) is converted to the wrapped vocoder's own front end (for example the WaveNet's
/// 80-band log mel) before synthesis.
///
/// The conversion undoes the source's value scale and magnitude power, raises the amplitude to the target's power,
/// applies the target's mel filterbank (when it has one) and the target's value scale — exactly what the target's
/// ``AudioDSP/FrontEnd/analyze(_:)`` would compute from the same STFT. So both front ends must share the STFT: sample
/// rate, FFT size, hop, window length, window, centring and padding.
///
/// The wrapped vocoder gets the source features too (``Vocoder/synthesize(_:convertedFrom:)``): a guided
/// ``WaveNetVocoder`` (``WaveNet/Guide``) is then guided by Griffin-Lim of the source spectrogram itself rather than
/// of the converted mel, which has lost the source's detail between and above the mel bands.
///
/// ```swift
/// let vocoder = try FrontEndAdapter(from: StyleTransferConfiguration.log1pMagnitude, to: WaveNetVocoder.bundled())
/// ```
public struct FrontEndAdapter: Vocoder {
    /// The front end of the spectrograms this adapter accepts (the source).
    public let frontEnd: FrontEnd
    /// The vocoder that synthesises the converted spectrograms.
    public let vocoder: any Vocoder
    private let filterbank: MelFilterbank?

    /// An adapter from `source` spectrograms to `vocoder`.
    ///
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` naming the first STFT field that
    ///   differs, or ``VocodersError/invalidInput(what:reason:)`` when `source` is not a linear-frequency front end.
    public init(from source: FrontEnd, to vocoder: any Vocoder) throws {
        guard source.frequencyAxis == .linear else {
            throw VocodersError.invalidInput(what: "source front end", reason: "must have a linear frequency axis")
        }
        let target = vocoder.frontEnd
        for field: FrontEnd.Field in [.sampleRate, .fftSize, .hopLength, .windowLength, .window, .center, .padMode]
        where source.value(of: field) != target.value(of: field) {
            throw AudioDSPError.frontEndMismatch(field: field, expected: target.value(of: field),
                                                 actual: source.value(of: field))
        }
        self.frontEnd = source
        self.vocoder = vocoder
        filterbank = try target.makeFilterbank()
    }

    /// Converts `features` to the wrapped vocoder's front end and synthesises them.
    ///
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` for features of another front
    ///   end, and the wrapped vocoder's errors (``Vocoder/synthesize(_:convertedFrom:)``).
    public func synthesize(_ features: AcousticFeatures) throws -> Waveform {
        try frontEnd.requireMatch(features.frontEnd)
        let target = vocoder.frontEnd
        var magnitude = frontEnd.unscaled(features.spectrogram)
        let exponent = target.magnitudePower / frontEnd.magnitudePower
        if exponent != 1 {
            for index in magnitude.values.indices { magnitude.values[index] = powf(max(0, magnitude.values[index]), exponent) }
        }
        let converted = try AcousticFeatures(spectrogram: target.scaled(filterbank?.apply(magnitude) ?? magnitude),
                                             frontEnd: target, sampleCount: features.sampleCount)
        return try vocoder.synthesize(converted, convertedFrom: features)
    }
}
