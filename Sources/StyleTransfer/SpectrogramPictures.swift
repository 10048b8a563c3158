import AudioDSP
import Foundation
import Vocoders

/// Spectrogram pictures of acoustic features: their magnitude in dB (reference 1, 80 dB range below the peak)
/// with the image parameters of their front end, as ``AudioDSP/SpectrogramImage`` writes them.
public enum SpectrogramPictures {
    /// The features as a dB spectrogram `[bins, frames]` and the parameters that describe its analysis.
    public static func decibels(of features: AcousticFeatures) -> (decibels: Spectrogram, parameters: SpectrogramImageParameters) {
        let frontEnd = features.frontEnd
        let magnitude = frontEnd.unscaled(features.spectrogram)
        let decibels = frontEnd.magnitudePower == 2
            ? Decibels.powerToDecibels(magnitude) : Decibels.amplitudeToDecibels(magnitude)
        let scale: SpectrogramImageParameters.FrequencyScale = switch frontEnd.frequencyAxis {
        case .linear:
            .linear
        case let .mel(bands):
            .mel(bandCount: bands.count, minimumFrequency: bands.minimumFrequency,
                 maximumFrequency: bands.maximumFrequency, scale: bands.scale, normalization: bands.normalization)
        }
        let parameters = SpectrogramImageParameters(
            sampleRate: frontEnd.sampleRate, fftSize: frontEnd.fftSize, hopLength: frontEnd.hopLength,
            frequencyScale: scale, power: frontEnd.magnitudePower == 2 ? 2 : 1)
        return (decibels, parameters)
    }

    /// Writes the features as an 8-bit colour-mapped PNG (low frequencies at the bottom), atomically. Pass the
    /// same `decibelRange` for pictures that should be compared side by side.
    public static func writeColorMapped(_ features: AcousticFeatures, decibelRange: ClosedRange<Float>? = nil,
                                        colorMap: ColorMap = .default, to url: URL) throws {
        let (decibels, parameters) = decibels(of: features)
        try SpectrogramImage.writeColorMapped(decibels, parameters: parameters, colorMap: colorMap,
                                              decibelRange: decibelRange, to: url)
    }

    /// One dB range covering all `features`: from 80 dB below the highest peak to that peak.
    public static func sharedRange(_ features: [AcousticFeatures]) -> ClosedRange<Float> {
        let peak = features.map { decibels(of: $0).decibels.values.max() ?? 0 }.max() ?? 0
        return (peak - 80)...peak
    }
}
