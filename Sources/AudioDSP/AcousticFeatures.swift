import Foundation

/// A spectrogram together with the ``FrontEnd`` that made it, and optionally the length of the audio it was analysed
/// from: a vocoder's input, style transfer's content, style and output.
///
/// Make it with ``FrontEnd/analyze(_:)`` from audio, or wrap a spectrogram from elsewhere (a style-transfer result,
/// a TTS model) with ``init(spectrogram:frontEnd:sampleCount:)``, which checks that its shape fits the front end.
/// A vocoder then checks the front end itself with ``FrontEnd/requireMatch(_:)``.
public struct AcousticFeatures: Sendable, Equatable {
    /// The values, `[frontEnd.rowCount, frames]` (bins or mel bands by frames), already on the front end's value scale.
    public let spectrogram: Spectrogram
    /// The analysis that made ``spectrogram``.
    public let frontEnd: FrontEnd
    /// The number of samples analysed, or `nil` when unknown; vocoders return audio of this length when it is set
    /// (otherwise the inverse STFT's implied length, `hopLength · (frames − 1)` when centring).
    public let sampleCount: Int?

    /// Wraps a spectrogram made with `frontEnd`.
    ///
    /// - Parameters:
    ///   - spectrogram: `[frontEnd.rowCount, frames]`, on the front end's value scale.
    ///   - frontEnd: the front end that made it.
    ///   - sampleCount: the analysed audio's length in samples, or `nil`.
    /// - Throws: ``AudioDSPError/frontEndMismatch(field:expected:actual:)`` when the row count does not fit
    ///   (field `melBandCount` for a mel front end, `fftSize` for a linear one), and
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` when `sampleCount` would not give `frames` frames.
    public init(spectrogram: Spectrogram, frontEnd: FrontEnd, sampleCount: Int? = nil) throws {
        guard spectrogram.rowCount == frontEnd.rowCount else {
            switch frontEnd.frequencyAxis {
            case .mel:
                throw AudioDSPError.frontEndMismatch(field: .melBandCount, expected: "\(frontEnd.rowCount)",
                                                     actual: "\(spectrogram.rowCount)")
            case .linear:
                throw AudioDSPError.frontEndMismatch(
                    field: .fftSize, expected: "\(frontEnd.fftSize) (\(frontEnd.rowCount) bins)",
                    actual: "a spectrogram of \(spectrogram.rowCount) bins (fftSize \(2 * (spectrogram.rowCount - 1)))")
            }
        }
        if let sampleCount {
            let frames = try? frontEnd.makeTransform().frameCount(sampleCount: sampleCount)
            guard sampleCount >= 1, frames == spectrogram.frameCount else {
                throw AudioDSPError.invalidParameter(
                    name: "sampleCount", value: "\(sampleCount)",
                    reason: "the front end makes \(frames.map(String.init) ?? "no") frames from it, the spectrogram has \(spectrogram.frameCount)")
            }
        }
        self.spectrogram = spectrogram
        self.frontEnd = frontEnd
        self.sampleCount = sampleCount
    }

    /// The features on librosa's default decibel scale, as spectrogram pictures show them: the front end's value
    /// scale undone (``FrontEnd/unscaled(_:)``), then ``FrontEnd/ValueScale/defaultDecibels(magnitudePower:)``
    /// (librosa `power_to_db(S, ref=1.0)` for `magnitudePower` 2, `amplitude_to_db(S, ref=1.0)` for 1, with their
    /// default `amin` and `top_db=80`). The front end of the result differs from ``frontEnd`` only in its value scale.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` (name `magnitudePower`) for a front end
    ///   whose magnitude power is neither 1 nor 2.
    public func inDecibels() throws -> AcousticFeatures {
        let decibels = try frontEnd.withValueScale(.defaultDecibels(magnitudePower: frontEnd.magnitudePower))
        return try AcousticFeatures(spectrogram: decibels.scaled(frontEnd.unscaled(spectrogram)), frontEnd: decibels,
                                    sampleCount: sampleCount)
    }
}
