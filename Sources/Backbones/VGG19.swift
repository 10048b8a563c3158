import Foundation
import NeuralCore

/// VGG19 (Simonyan & Zisserman 2014), torchvision's `vgg19()` — configuration "E" — with its exact `state_dict` keys,
/// the backbone of Gatys et al.'s style transfer.
///
/// ## Layout and keys
/// `features` is torchvision's `nn.Sequential` of 37 modules: sixteen 3×3 convolutions (padding 1, with bias) in five
/// stages of 2, 2, 4, 4, 4, each followed by a ReLU, and a 2×2 max pool (stride 2) after each stage. Keys
/// `features.{i}.weight` `[out, in, 3, 3]` and `features.{i}.bias` for the convolutions (i = 0, 2, 5, 7, 10, …, 34).
/// `classifier` (`classifier.0`, `.3`, `.6`: Linear 25088→4096→4096→1000) is held only so that torchvision files
/// load with full verification; feature extraction never runs it (nor the adaptive average pool before it).
///
/// ## Capturable layers
/// In forward order: `conv1_1`, `relu1_1`, `conv1_2`, `relu1_2`, `pool1`, `conv2_1`, …, `conv5_4`, `relu5_4`, `pool5`
/// — `conv` is the convolution's output (before the ReLU), as in the style-transfer literature. Each is
/// `[N, C, H/2^s, W/2^s]` with `s` the number of pools before it and `C` 64, 128, 256, 512, 512 per stage.
/// The forward pass stops after the last requested layer.
///
/// ## Input
/// NCHW with 3 channels, ImageNet-normalised by default (``SpectrogramInput/image(_:)``); any size of at least
/// 32×32 (the five pools must leave one position).
public final class VGG19: Module, TorchvisionImageBackbone {
    /// Convolutions per stage in configuration "E".
    public static let convolutionsPerStage = [2, 2, 4, 4, 4]
    /// Output channels per stage.
    public static let channelsPerStage = [64, 128, 256, 512, 512]

    /// torchvision's `features`: convolutions, ReLUs and max pools in forward order.
    public let features: Sequential
    /// torchvision's `classifier`, loaded and verified but not used by ``features(of:layers:)``.
    public let classifier: Sequential
    /// How spectrograms become this network's input; ``SpectrogramInput/image(_:)`` with ImageNet statistics by
    /// default (what the pretrained weights expect).
    public let spectrogramInput: SpectrogramInput
    public let layerNames: [String]
    public static let modelName = "VGG19"

    /// A VGG19 with torchvision's initialisation of the convolutions drawn from `seed` (weights Kaiming-normal with
    /// fan-out and ReLU gain, biases zero), so that activations keep their scale through all sixteen layers. The
    /// classifier, which feature extraction never runs, keeps PyTorch's default `Linear` initialisation (torchvision
    /// redraws it normal(0, 0.01); skipping that saves drawing 123 million numbers twice). Frozen.
    ///
    /// - Warning: random deep networks transfer style poorly (their deep layers carry little structure); load
    ///   pretrained weights with ``TorchvisionImageBackbone/init(weightsAt:spectrogramInput:)`` for style transfer.
    ///   Random weights are meant for tests, benchmarks and parity checks.
    public init(seed: UInt64 = 0, spectrogramInput: SpectrogramInput = .image(.imageNet)) {
        var generator = RandomGenerator(seed: seed)
        var layers: [any UnaryLayer] = []
        var names: [String] = []
        var inputChannels = 3
        for (stage, (count, channels)) in zip(Self.convolutionsPerStage, Self.channelsPerStage).enumerated() {
            for index in 1...count {
                let conv = Conv2d(inputChannels: inputChannels, outputChannels: channels, kernelSize: (3, 3),
                                  padding: (1, 1), seed: seed &+ UInt64(layers.count))
                conv.weight = Tensor.kaimingNormal(shape: conv.weight.shape, mode: .fanOut, generator: &generator)
                conv.bias = Tensor(zeros: [channels])
                layers += [conv, ReLU()]
                names += ["conv\(stage + 1)_\(index)", "relu\(stage + 1)_\(index)"]
                inputChannels = channels
            }
            layers.append(MaxPool2d(kernelSize: 2, stride: 2))
            names.append("pool\(stage + 1)")
        }
        features = Sequential(layers)
        layerNames = names
        let widths = [512 * 7 * 7, 4096, 4096, 1000]
        var head: [any UnaryLayer] = []
        for index in 0..<3 {
            let linear = Linear(inputFeatures: widths[index], outputFeatures: widths[index + 1],
                                seed: seed &+ 100 &+ UInt64(index))
            head += index < 2 ? [linear, ReLU(), Dropout()] : [linear]
        }
        classifier = Sequential(head)
        self.spectrogramInput = spectrogramInput
        super.init()
        freeze()
    }

    /// 32×32: five 2×2 pools must leave at least one position.
    public var minimumInputSize: (height: Int, width: Int) { (32, 32) }

    public func features(of modelInput: Tensor, layers: [String]) throws -> [String: Tensor] {
        let last = try validateImageRequest(modelInput, layers: layers)
        let requested = Set(layers)
        var captured: [String: Tensor] = [:]
        var x = modelInput
        for (index, layer) in features.layers.enumerated() where index <= last {
            x = layer(x)
            if requested.contains(layerNames[index]) { captured[layerNames[index]] = x }
        }
        return captured
    }
}
