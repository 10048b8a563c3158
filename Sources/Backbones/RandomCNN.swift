import Foundation
import NeuralCore

/// The random, untrained single-layer convolutional networks of audio style transfer: the study's
/// `Conv2d(1, C, kernel (3, 1)) + LeakyReLU(0.2)` and Ulyanov's wide 1-d variant.
///
/// Weights are drawn once from `seed` and frozen; the bias is zero. Keys are `conv1.weight` and `conv1.bias`, as in
/// the study's PyTorch code (`self.conv1 = nn.Conv2d(...)`), so its weights load with ``NeuralCore/Module/load(safetensors:)``.
///
/// Capturable layers: `conv1` (the convolution) and `relu1` (after the activation: LeakyReLU(0.2) for
/// ``Architecture/study(filterCount:)``, ReLU for ``Architecture/ulyanov(rowCount:filterCount:kernelWidth:)``).
public final class RandomCNN: Module, FeatureExtractor {
    /// Which of the two published random networks.
    public enum Architecture: Sendable, Equatable {
        /// The study's network (after mazzzystar/randomCNN-voice-transfer): input `[1, 1, bins, frames]`,
        /// `Conv2d(1, filterCount, kernel (3, 1), stride 1, padding 0)` — three neighbouring frequency bins of one
        /// frame — weights standard normal (`torch.randn`), then `LeakyReLU(0.2)`. Default 32 filters.
        case study(filterCount: Int = 32)
        /// Ulyanov & Lebedev's "Audio texture synthesis and style transfer" (2016): the spectrogram's `rowCount`
        /// rows (frequency bins or mel bands) are input channels (`[1, rowCount, 1, frames]`), a `1 × kernelWidth`
        /// convolution over time with `filterCount` filters (4096 and 11 in the original), weights normal with
        /// standard deviation `√2 · √(2 / ((rowCount + filterCount) · kernelWidth))` as in his code, then ReLU.
        case ulyanov(rowCount: Int, filterCount: Int = 4096, kernelWidth: Int = 11)
    }

    /// The network's architecture.
    public let architecture: Architecture
    /// The single convolution (frozen).
    public let conv1: Conv2d

    /// Draws the network's weights from `seed` (standard normal for the study, Ulyanov's scale for his variant) and
    /// freezes them; the bias is zero.
    public init(_ architecture: Architecture = .study(), seed: UInt64 = 0) {
        self.architecture = architecture
        var generator = RandomGenerator(seed: seed)
        switch architecture {
        case let .study(filterCount):
            precondition(filterCount > 0, "RandomCNN: filterCount must be positive")
            conv1 = Conv2d(inputChannels: 1, outputChannels: filterCount, kernelSize: (3, 1), seed: seed)
            conv1.weight = Tensor.randomNormal(shape: [filterCount, 1, 3, 1], generator: &generator)
        case let .ulyanov(bins, filterCount, kernelWidth):
            precondition(bins > 0 && filterCount > 0 && kernelWidth > 0, "RandomCNN: sizes must be positive")
            conv1 = Conv2d(inputChannels: bins, outputChannels: filterCount, kernelSize: (1, kernelWidth), seed: seed)
            let deviation = Float(2).squareRoot() * (2 / Float((bins + filterCount) * kernelWidth)).squareRoot()
            conv1.weight = Tensor.randomNormal(
                shape: [filterCount, bins, 1, kernelWidth], standardDeviation: deviation, generator: &generator)
        }
        conv1.bias = Tensor(zeros: [conv1.outputChannels])
        super.init()
        freeze()
    }

    /// Loads the convolution's weights from a safetensors file with keys `conv1.weight` and `conv1.bias`.
    ///
    /// - Throws: ``BackbonesError/weights(path:_:)`` naming the missing, unexpected or mis-shaped key, or
    ///   ``BackbonesError/wrongModel(path:model:expectedKey:foundKey:)``.
    public convenience init(_ architecture: Architecture = .study(), weightsAt url: URL) throws {
        self.init(architecture, seed: 0)
        try loadBackboneWeights(from: url, model: "RandomCNN")
    }

    public var layerNames: [String] { ["conv1", "relu1"] }

    public var spectrogramInput: SpectrogramInput {
        switch architecture {
        case .study: .singleChannel
        case .ulyanov: .binsAsChannels
        }
    }

    public var minimumInputSize: (height: Int, width: Int) { conv1.kernelSize }

    public func features(of modelInput: Tensor, layers: [String]) throws -> [String: Tensor] {
        let last = try validateRequest(modelInput, layers: layers)
        try requireChannels(conv1.inputChannels, of: modelInput)
        var captured: [String: Tensor] = [:]
        let convolved = conv1(modelInput)
        if layers.contains("conv1") { captured["conv1"] = convolved }
        if last >= 1 {
            captured["relu1"] = switch architecture {
            case .study: leakyReLU(convolved, negativeSlope: 0.2)
            case .ulyanov: relu(convolved)
            }
        }
        return captured
    }
}
