import Foundation
import NeuralCore

/// ResNet-50 (He et al. 2015) as torchvision's `resnet50()` ("v1.5"), with its exact `state_dict` keys and batch
/// normalisation in inference mode.
///
/// ## Layout and keys
/// The stem `conv1` (7×7, 3→64, stride 2, padding 3, no bias), `bn1`, ReLU and a 3×3 max pool (stride 2, padding 1);
/// then four stages `layer1 … layer4` of 3, 4, 6, 3 ``ResNetBottleneck`` blocks of width 64, 128, 256, 512 (outputs
/// 256, 512, 1024, 2048 channels), the first block of stages 2–4 with stride 2 and every first block with a
/// `downsample` shortcut. Keys `conv1.weight`, `bn1.running_mean`, `layer1.0.conv1.weight`,
/// `layer1.0.downsample.0.weight`, `layer3.5.bn3.running_var`, …, and `fc.weight` `[1000, 2048]`, `fc.bias`: the
/// classifier is held only so torchvision files load with full verification, never run by feature extraction.
/// PyTorch's `num_batches_tracked` counters are read and ignored.
///
/// ## Capturable layers
/// In forward order: `stem` (after the max pool, `[N, 64, H/4, W/4]`), then for each stage its blocks
/// `layer1.0`, `layer1.1`, `layer1.2` and the stage output `layer1` (the same tensor as its last block), …, `layer4`
/// (`[N, 2048, H/32, W/32]`, sizes rounded up). The forward pass stops after the last requested layer.
///
/// ## Input
/// NCHW with 3 channels, ImageNet-normalised by default; at least 32×32 (the total stride), so that `layer4` has one
/// position computed from real input.
public final class ResNet50: Module, TorchvisionImageBackbone {
    /// Bottleneck blocks per stage.
    public static let blocksPerStage = [3, 4, 6, 3]
    /// Bottleneck width per stage (output channels are four times as many).
    public static let widthPerStage = [64, 128, 256, 512]

    /// The stem convolution (7×7, stride 2, padding 3, no bias).
    public let conv1: Conv2d
    /// The stem batch norm.
    public let bn1: BatchNorm2d
    /// Stage 1: three blocks of width 64, stride 1.
    public let layer1: [ResNetBottleneck]
    /// Stage 2: four blocks of width 128, the first with stride 2.
    public let layer2: [ResNetBottleneck]
    /// Stage 3: six blocks of width 256, the first with stride 2.
    public let layer3: [ResNetBottleneck]
    /// Stage 4: three blocks of width 512, the first with stride 2.
    public let layer4: [ResNetBottleneck]
    /// The ImageNet classifier (2048 → 1000), loaded and verified but not used by ``features(of:layers:)``.
    public let fc: Linear
    /// How spectrograms become this network's input; ImageNet-normalised images by default.
    public let spectrogramInput: SpectrogramInput
    public let layerNames: [String]
    public static let modelName = "ResNet50"

    /// A ResNet-50 with torchvision's initialisation drawn from `seed` (convolutions Kaiming-normal fan-out, batch
    /// norms 1 and 0, the classifier PyTorch's default `Linear` initialisation). Frozen.
    ///
    /// - Warning: random deep networks transfer style poorly; load pretrained weights with
    ///   ``TorchvisionImageBackbone/init(weightsAt:spectrogramInput:)`` for style transfer.
    public init(seed: UInt64 = 0, spectrogramInput: SpectrogramInput = .image(.imageNet)) {
        var generator = RandomGenerator(seed: seed)
        conv1 = Conv2d(inputChannels: 3, outputChannels: 64, kernelSize: (7, 7), stride: (2, 2), padding: (3, 3),
                       bias: false, seed: seed)
        conv1.weight = Tensor.kaimingNormal(shape: conv1.weight.shape, mode: .fanOut, generator: &generator)
        bn1 = BatchNorm2d(featureCount: 64)
        var stages: [[ResNetBottleneck]] = []
        var names = ["stem"]
        var channels = 64
        for (stage, (count, width)) in zip(Self.blocksPerStage, Self.widthPerStage).enumerated() {
            var blocks: [ResNetBottleneck] = []
            for index in 0..<count {
                blocks.append(ResNetBottleneck(
                    inputChannels: channels, width: width, stride: index == 0 && stage > 0 ? 2 : 1,
                    seed: seed &+ UInt64(1 + 16 * stage + index)))
                channels = width * ResNetBottleneck.expansion
                names.append("layer\(stage + 1).\(index)")
            }
            names.append("layer\(stage + 1)")
            stages.append(blocks)
        }
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3])
        fc = Linear(inputFeatures: channels, outputFeatures: 1000, seed: seed &+ 99)
        layerNames = names
        self.spectrogramInput = spectrogramInput
        super.init()
        freeze()
    }

    /// 32×32, the network's total stride.
    public var minimumInputSize: (height: Int, width: Int) { (32, 32) }

    public func features(of modelInput: Tensor, layers: [String]) throws -> [String: Tensor] {
        let last = try validateImageRequest(modelInput, layers: layers)
        let requested = Set(layers)
        var captured: [String: Tensor] = [:]
        var x = maxPool2d(relu(bn1(conv1(modelInput))), kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))
        var position = 0
        func capture() { if requested.contains(layerNames[position]) { captured[layerNames[position]] = x } }
        capture()
        for stage in [layer1, layer2, layer3, layer4] {
            for block in stage {
                if position >= last { return captured }
                x = block(x)
                position += 1
                capture()
            }
            position += 1
            capture()
        }
        return captured
    }
}
