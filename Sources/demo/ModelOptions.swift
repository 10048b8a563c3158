import ArgumentParser
import Backbones
import Foundation
import StyleTransfer
import Vocoders

/// The backbone and vocoder choices of `demo transfer`.
struct ModelOptions: ParsableArguments {
    enum Backbone: String, ExpressibleByArgument, CaseIterable {
        case randomCNN = "random-cnn"
        case randomCNNWide = "random-cnn-wide"
    }

    enum VocoderChoice: String, ExpressibleByArgument, CaseIterable {
        case griffinlim
    }

    @Option(help: "Frozen network whose features define content and style: \(Backbone.allCases.map(\.rawValue).joined(separator: ", ")); default: the preset's (random-cnn-wide).")
    var backbone: Backbone = .randomCNNWide

    @Option(help: "Weights for the backbone (safetensors with PyTorch key names).")
    var weights: String?

    @Option(help: "How the output spectrogram becomes audio: \(VocoderChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var vocoder: VocoderChoice = .griffinlim

    @Option(help: "Griffin-Lim iterations.")
    var iterations: Int = 64

    @Option(help: "Filters of the wide random CNN; default: the preset's (Ulyanov used 4096).")
    var wideFilters: Int?

    /// The wide network: the preset's, with `--wide-filters` filters when given.
    private func wide(_ preset: StyleTransferPreset) -> RandomCNN.Architecture {
        guard let wideFilters else { return preset.architecture }
        return .ulyanov(frequencyBins: StyleTransferConfiguration.log1pMagnitude.rowCount, filterCount: wideFilters)
    }

    /// The feature extractor, loading `--weights` when given.
    func featureExtractor(seed: UInt64, preset: StyleTransferPreset) throws -> any FeatureExtractor {
        switch backbone {
        case .randomCNN:
            try weights.map { try RandomCNN(weightsAt: URL(fileURLWithPath: $0)) } ?? RandomCNN(seed: seed)
        case .randomCNNWide:
            try weights.map { try RandomCNN(wide(preset), weightsAt: URL(fileURLWithPath: $0)) }
                ?? RandomCNN(wide(preset), seed: seed)
        }
    }

    /// The vocoder for the configuration's front end.
    func makeVocoder(frontEnd: FrontEnd, seed: UInt64) throws -> any Vocoder {
        switch vocoder {
        case .griffinlim: try GriffinLimVocoder(frontEnd: frontEnd, iterations: iterations, seed: seed)
        }
    }

    /// A session with these choices.
    func session(configuration: StyleTransferConfiguration, seed: UInt64, preset: StyleTransferPreset) throws
        -> StyleTransferSession
    {
        try StyleTransferSession(
            featureExtractor: featureExtractor(seed: seed, preset: preset),
            vocoder: makeVocoder(frontEnd: configuration.frontEnd, seed: seed), configuration: configuration)
    }
}
