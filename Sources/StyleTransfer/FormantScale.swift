import AudioDSP
import Foundation
import Vocoders

/// The frequency factor that best aligns one clip's formants with another's: the warp `α` for which the content's
/// mean log spectral envelope `E_c(f / α)` differs least from the style's `E_s(f)` between 150 Hz and 5 kHz, up to a
/// constant level (least squares over a grid of `α` from 0.75 to 1.33 in steps of 0.005).
///
/// Envelopes are ``AudioDSP/SpectralEnvelope`` (cepstral smoothing, 40 coefficients) of each frame of a 2048-point
/// STFT (hop 512), averaged in dB over the frames within 40 dB of the loudest, so pauses and the two clips' pitches
/// do not enter.
struct FormantScale {
    /// The factor (1.15: the style's formants lie 15 % higher than the content's).
    let factor: Float

    static let searchRange: ClosedRange<Float> = 0.75...1.33
    static let searchStep: Float = 0.005
    static let band: ClosedRange<Float> = 150...5000

    /// Estimates the factor between `content` and `style` (mono, at `sampleRate`).
    init(content: [Float], style: [Float], sampleRate: Int) throws {
        let frontEnd = try FrontEnd(sampleRate: sampleRate, fftSize: 2048, hopLength: 512, frequencyAxis: .linear,
                                    valueScale: .linear)
        let envelope = try SpectralEnvelope(fftSize: 2048)
        let contentLevels = try Self.meanLogEnvelope(content, frontEnd: frontEnd, envelope: envelope)
        let styleLevels = try Self.meanLogEnvelope(style, frontEnd: frontEnd, envelope: envelope)
        let binHertz = Float(sampleRate) / 2048
        let bins = (0..<contentLevels.count).filter { Self.band.contains(Float($0) * binHertz) }
        var best = (factor: Float(1), error: Float.infinity)
        var candidate = Self.searchRange.lowerBound
        while candidate <= Self.searchRange.upperBound + Self.searchStep / 2 {
            let differences = bins.map { bin in
                Self.interpolated(contentLevels, at: Float(bin) / candidate) - styleLevels[bin]
            }
            let mean = differences.reduce(0, +) / Float(differences.count)
            let error = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            if error < best.error { best = (candidate, error) }
            candidate += Self.searchStep
        }
        factor = best.factor
    }

    /// The mean over active frames (``FrameActivity``, within 40 dB of the loudest) of each bin's envelope, in dB.
    private static func meanLogEnvelope(_ samples: [Float], frontEnd: FrontEnd, envelope: SpectralEnvelope) throws
        -> [Float]
    {
        let magnitude = try frontEnd.analyze(Waveform(samples: samples, sampleRate: frontEnd.sampleRate)).spectrogram
        let active = FrameActivity(magnitude, frontEnd: frontEnd, rangeDecibels: 40).isActive
        return meanRowLevels(try envelope(magnitude), active: active, decibelsPerDecade: 20)
    }

    /// `levels` at fractional bin `position`, linearly interpolated (the last bin beyond the end).
    private static func interpolated(_ levels: [Float], at position: Float) -> Float {
        let lower = min(Int(position), levels.count - 1), upper = min(lower + 1, levels.count - 1)
        let weight = position - Float(lower)
        return levels[lower] + (levels[upper] - levels[lower]) * min(max(weight, 0), 1)
    }
}
