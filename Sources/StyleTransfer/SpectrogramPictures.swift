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

    /// Writes each picture's features as an 8-bit colour-mapped PNG (low frequencies at the bottom), atomically,
    /// all on one dB range — from 80 dB below the highest peak among them to that peak — so that they compare side
    /// by side.
    ///
    /// - Returns: that dB range (the colour map's low and high ends), for a colour bar.
    @discardableResult
    public static func writeColorMapped(_ pictures: [(features: AcousticFeatures, url: URL)],
                                        colorMap: ColorMap = .default) throws -> ClosedRange<Float> {
        let converted = pictures.map { decibels(of: $0.features) }
        let peak = converted.compactMap { $0.decibels.values.max() }.max() ?? 0
        for ((decibels, parameters), picture) in zip(converted, pictures) {
            try SpectrogramImage.writeColorMapped(decibels, parameters: parameters, colorMap: colorMap,
                                                  decibelRange: (peak - 80)...peak, to: picture.url)
        }
        return (peak - 80)...peak
    }
}
