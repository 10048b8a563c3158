import ArgumentParser
import Backbones
import Foundation
import StyleTransfer

/// The backbones the CLI offers, by their command-line names.
enum BackboneChoice: String, ExpressibleByArgument, CaseIterable {
    case randomCNN = "random-cnn"
    case randomCNNWide = "random-cnn-wide"
    case vgg19
    case resnet50
    case vitB16 = "vit-b16"
    case audio

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The network, from `weights` (safetensors with PyTorch keys) or seeded; random deep networks get a warning on
    /// standard error. `audio` is the trained ``AudioBackbone`` (a `demo train-backbone` checkpoint, or the shipped one).
    /// `random-cnn` is the preset's network; `random-cnn-wide` Ulyanov's over `rowCount`, with
    /// `wideFilters` filters when given (else the library's default).
    func makeFeatureExtractor(weights url: URL?, seed: UInt64, preset: StyleTransferPreset = .gender,
                              rowCount: Int = StyleTransferConfiguration.decibelMagnitude.rowCount,
                              wideFilters: Int? = nil) throws -> any FeatureExtractor {
        if url == nil, [.vgg19, .resnet50, .vitB16].contains(self) {
            FileHandle.standardError.write(Data(
                "warning: random \(rawValue) weights (seed \(seed)); random deep networks transfer style poorly, pass --weights\n".utf8))
        }
        switch self {
        case .randomCNN:
            return try url.map { try RandomCNN(preset.architecture, weightsAt: $0) } ?? RandomCNN(preset.architecture, seed: seed)
        case .randomCNNWide:
            let wide: RandomCNN.Architecture = wideFilters.map { .ulyanov(rowCount: rowCount, filterCount: $0) }
                ?? .ulyanov(rowCount: rowCount)
            return try url.map { try RandomCNN(wide, weightsAt: $0) } ?? RandomCNN(wide, seed: seed)
        case .vgg19: return try url.map { try VGG19(weightsAt: $0) } ?? VGG19(seed: seed)
        case .resnet50: return try url.map { try ResNet50(weightsAt: $0) } ?? ResNet50(seed: seed)
        case .vitB16: return try url.map { try VisionTransformer(weightsAt: $0) } ?? VisionTransformer(seed: seed)
        case .audio: return try url.map { try AudioBackbone(contentsOf: $0) } ?? AudioBackbone.bundled()
        }
    }
}
