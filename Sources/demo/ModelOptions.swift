import ArgumentParser
import AudioDSP
import Backbones
import Foundation
import StyleTransfer
import Vocoders

/// The backbone and vocoder choices of `demo transfer`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Frozen network whose features define content and style: \(BackboneChoice.names); default: the preset's (random-cnn, the study's).")
    var backbone: BackboneChoice = .randomCNN

    @Option(help: "Weights for the backbone (safetensors with PyTorch key names; for audio, a demo train-backbone checkpoint, default the shipped one).")
    var weights: URL?

    @Option(help: "Accent converter for --accent (a demo train-accent checkpoint); default: the shipped one.")
    var accentWeights: URL?

    @Option(help: "Filters of the wide random CNN; default: Ulyanov's 4096.")
    var wideFilters: Int?

    @Option(help: "How the output spectrogram becomes audio: \(VocoderChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var vocoder: VocoderChoice = .griffinLim

    @Option(help: "Griffin-Lim iterations (the library's StyleTransferConfiguration.griffinLimIterations).")
    var iterations = StyleTransferConfiguration.griffinLimIterations

    @Option(help: "WaveNet checkpoint (safetensors from demo train-wavenet); default: the shipped model.")
    var checkpoint: URL?

    /// The vocoder for the configuration's front end: Griffin-Lim on it directly, or the WaveNet (which works on its
    /// own 80-band log mel) through a ``FrontEndAdapter``.
    func makeVocoder(frontEnd: FrontEnd, seed: UInt64) throws -> any Vocoder {
        switch vocoder {
        case .griffinLim:
            return try GriffinLimVocoder(frontEnd: frontEnd, iterations: iterations)
        case .wavenet:
            let wavenet = try checkpoint.map { try WaveNetVocoder(contentsOf: $0, seed: seed) }
                ?? WaveNetVocoder.bundled(seed: seed)
            return try FrontEndAdapter(from: frontEnd, to: wavenet)
        }
    }

    /// A session with these choices, seeded with the configuration's seed; the backbone's recommended layers replace
    /// the preset's.
    func session(configuration: StyleTransferConfiguration, preset: StyleTransferPreset) throws -> StyleTransferSession {
        let seed = configuration.seed
        let extractor = try backbone.makeFeatureExtractor(
            weights: weights, seed: seed, preset: preset, rowCount: configuration.frontEnd.rowCount,
            wideFilters: wideFilters)
        return try StyleTransferSession(
            featureExtractor: extractor, vocoder: makeVocoder(frontEnd: configuration.frontEnd, seed: seed),
            configuration: configuration.withRecommendedLayers(for: extractor),
            accentConverter: accentWeights.map(AccentConverter.init(contentsOf:)))
    }
}
