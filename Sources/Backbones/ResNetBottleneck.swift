import NeuralCore

/// The ResNet bottleneck block of torchvision (`torchvision.models.resnet.Bottleneck`, "ResNet v1.5": the stride is
/// on the 3×3 convolution), with batch normalisation in inference mode.
///
/// `y = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x))`, where `conv1` is 1×1
/// `inputChannels → width`, `conv2` 3×3 `width → width` (stride `stride`, padding 1), `conv3` 1×1
/// `width → 4·width`, all without bias, and the shortcut is `x` itself or, when the stride is not 1 or the channel
/// count changes, `downsample` = 1×1 convolution (stride `stride`) + batch norm. Keys as torchvision:
/// `conv1.weight`, `bn1.{weight,bias,running_mean,running_var}`, …, `downsample.0.weight`, `downsample.1.*`.
///
/// Input `[N, inputChannels, H, W]`, output `[N, 4·width, ⌊(H−1)/stride⌋+1, ⌊(W−1)/stride⌋+1]`.
public final class ResNetBottleneck: Module, UnaryLayer {
    /// Output channels per unit of `width` (torchvision `Bottleneck.expansion`).
    public static let expansion = 4

    /// 1×1, `inputChannels → width`.
    public let conv1: Conv2d
    /// Batch norm after `conv1`.
    public let bn1: BatchNorm2d
    /// 3×3, `width → width`, the block's stride, padding 1.
    public let conv2: Conv2d
    /// Batch norm after `conv2`.
    public let bn2: BatchNorm2d
    /// 1×1, `width → 4·width`.
    public let conv3: Conv2d
    /// Batch norm after `conv3`.
    public let bn3: BatchNorm2d
    /// The projection shortcut (1×1 strided convolution + batch norm), or nil for the identity shortcut.
    public let downsample: Sequential?

    /// A block with torchvision's initialisation drawn from `seed`: convolutions Kaiming-normal (fan-out, ReLU
    /// gain), batch norms with weight 1, bias 0, running mean 0 and variance 1.
    ///
    /// - Parameters:
    ///   - inputChannels: channels of the block's input.
    ///   - width: channels inside the block (torchvision's `planes`); the output has `4·width`.
    ///   - stride: 1, or 2 for the first block of stages 2–4.
    public init(inputChannels: Int, width: Int, stride: Int = 1, seed: UInt64) {
        precondition(inputChannels > 0 && width > 0 && stride > 0, "ResNetBottleneck: sizes must be positive")
        var generator = RandomGenerator(seed: seed)
        func convolution(_ input: Int, _ output: Int, kernel: Int, stride: Int, padding: Int) -> Conv2d {
            let conv = Conv2d(inputChannels: input, outputChannels: output, kernelSize: (kernel, kernel),
                              stride: (stride, stride), padding: (padding, padding), bias: false, seed: seed)
            conv.weight = Tensor.kaimingNormal(shape: conv.weight.shape, mode: .fanOut, generator: &generator)
            return conv
        }
        let output = width * Self.expansion
        conv1 = convolution(inputChannels, width, kernel: 1, stride: 1, padding: 0)
        bn1 = BatchNorm2d(featureCount: width)
        conv2 = convolution(width, width, kernel: 3, stride: stride, padding: 1)
        bn2 = BatchNorm2d(featureCount: width)
        conv3 = convolution(width, output, kernel: 1, stride: 1, padding: 0)
        bn3 = BatchNorm2d(featureCount: output)
        downsample = stride != 1 || inputChannels != output
            ? Sequential(convolution(inputChannels, output, kernel: 1, stride: stride, padding: 0),
                         BatchNorm2d(featureCount: output))
            : nil
        super.init()
    }

    /// `[N, inputChannels, H, W]` → `[N, 4·width, H′, W′]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let residual = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))
        return relu(residual + (downsample?(x) ?? x))
    }
}
