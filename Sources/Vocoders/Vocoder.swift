import AudioDSP
import Foundation

/// Turns a spectrogram back into audio.
///
/// A vocoder works only on the spectrograms of its own ``frontEnd``; conforming types reject any other with
/// ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` by calling
/// `frontEnd.requireMatch(features.frontEnd)` first in ``synthesize(_:)``. Use ``AudioDSP/FrontEnd/analyze(_:)`` on
/// the vocoder's own front end to make its input from audio:
///
/// ```swift
/// let vocoder = try GriffinLimVocoder(frontEnd: .default, iterations: 100)
/// let features = try vocoder.frontEnd.analyze(clip)     // [80, frames], log-clamped amplitude mel
/// let audio = try vocoder.synthesize(features)           // same length and rate as `clip`
/// ```
public protocol Vocoder: Sendable {
    /// The analysis this vocoder's input must come from.
    var frontEnd: FrontEnd { get }

    /// Synthesises mono audio at `frontEnd.sampleRate` from `features`, `features.sampleCount` samples long when
    /// that is set.
    ///
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` when `features.frontEnd` is not
    ///   ``frontEnd``, and the vocoder's own errors.
    func synthesize(_ features: AcousticFeatures) throws -> Waveform

    /// Synthesises `features`, which were converted from `source`, the same sound on another front end with the same
    /// STFT (what ``FrontEndAdapter`` passes). A vocoder that can use the source's detail does; the default ignores
    /// `source` and calls ``synthesize(_:)``.
    ///
    /// - Throws: the errors of ``synthesize(_:)``, and those of whatever the vocoder does with `source`.
    func synthesize(_ features: AcousticFeatures, convertedFrom source: AcousticFeatures) throws -> Waveform
}

extension Vocoder {
    /// Ignores `source`: ``synthesize(_:)`` of `features`.
    public func synthesize(_ features: AcousticFeatures, convertedFrom source: AcousticFeatures) throws -> Waveform {
        try synthesize(features)
    }

    /// Synthesises audio from a bare spectrogram said to come from `frontEnd` (see
    /// ``AudioDSP/AcousticFeatures/init(spectrogram:frontEnd:sampleCount:)`` for the checks).
    ///
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` when `frontEnd` differs from the
    ///   vocoder's or the spectrogram's row count does not fit it, plus the errors of ``synthesize(_:)``.
    public func synthesize(_ spectrogram: Spectrogram, frontEnd: FrontEnd, sampleCount: Int? = nil) throws -> Waveform {
        try synthesize(AcousticFeatures(spectrogram: spectrogram, frontEnd: frontEnd, sampleCount: sampleCount))
    }

    /// Copy synthesis: analyses `waveform` with the vocoder's own front end and synthesises it back, same length.
    ///
    /// - Throws: the errors of ``AudioDSP/FrontEnd/analyze(_:)`` and ``synthesize(_:)``.
    public func resynthesize(_ waveform: Waveform) throws -> Waveform {
        try synthesize(frontEnd.analyze(waveform))
    }
}
