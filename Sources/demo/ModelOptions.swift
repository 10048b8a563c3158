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

    @Option(help: "Frozen network whose features define content and style: \(Backbone.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backbone: Backbone = .randomCNN

    @Option(help: "Weights for the backbone (safetensors with PyTorch key names).")
    var weights: String?

    @Option(help: "How the output spectrogram becomes audio: \(VocoderChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var vocoder: VocoderChoice = .griffinlim

    @Option(help: "Griffin-Lim iterations.")
    var iterations: Int = 64

    /// The configuration with the backbone's layers (the presets are written for the random CNN).
    func adapted(_ configuration: StyleTransferConfiguration) throws -> StyleTransferConfiguration {
        configuration
    }

    @Option(help: "Filters of the wide random CNN (Ulyanov used 4096).")
    var wideFilters: Int = 512

    private var wide: RandomCNN.Architecture {
        .ulyanov(frequencyBins: StyleTransferConfiguration.log1pMagnitude.rowCount, filterCount: wideFilters)
    }

    /// The feature extractor, loading `--weights` when given.
    func featureExtractor(seed: UInt64) throws -> any FeatureExtractor {
        switch backbone {
        case .randomCNN:
            try weights.map { try RandomCNN(weightsAt: URL(fileURLWithPath: $0)) } ?? RandomCNN(seed: seed)
        case .randomCNNWide:
            try weights.map { try RandomCNN(wide, weightsAt: URL(fileURLWithPath: $0)) } ?? RandomCNN(wide, seed: seed)
        }
    }

    /// The vocoder for the configuration's front end.
    func makeVocoder(frontEnd: FrontEnd, seed: UInt64) throws -> any Vocoder {
        switch vocoder {
        case .griffinlim: try GriffinLimVocoder(frontEnd: frontEnd, iterations: iterations, seed: seed)
        }
    }

    /// A session with these choices.
    func session(configuration: StyleTransferConfiguration, seed: UInt64) throws -> StyleTransferSession {
        try StyleTransferSession(
            featureExtractor: featureExtractor(seed: seed),
            vocoder: makeVocoder(frontEnd: configuration.frontEnd, seed: seed), configuration: configuration)
    }
}
