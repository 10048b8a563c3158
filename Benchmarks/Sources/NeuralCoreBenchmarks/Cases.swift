import NeuralCore

/// One benchmark case: an input to optimise and the loss whose gradient an Adam step follows, with the nominal
/// floating-point operation count of one step (the products PyTorch performs for the same loss).
struct BenchmarkCase {
    let name: String
    let summary: String
    let flops: Double
    let input: Tensor
    let loss: (Tensor) -> Tensor

    /// Every case, in the order: (a) study CNN, (b) Ulyanov, (c) VGG conv, (d) VGG19 to conv5_1.
    static let names = ["study_cnn", "ulyanov", "vgg_conv", "vgg19"]

    /// Builds case `name` with seeded tensors (the same seeds on every run).
    static func make(_ name: String) -> BenchmarkCase? {
        var generator = RandomGenerator(seed: 0)
        switch name {
        case "study_cnn":
            let weight = Tensor.randomNormal(shape: [32, 1, 3, 1], standardDeviation: 0.5, generator: &generator)
            let target = Tensor.randomUniform(shape: [1, 32, 511, 860], generator: &generator)
            // Tolerance 0 keeps every frame of the style (no compression), so the work is the peer's.
            let styleFrames = GramTarget(pieces: [target.reshaped([32 * 511, 860])], tolerance: 0)
            let input = Tensor.randomUniform(shape: [1, 1, 513, 860], generator: &generator)
            // Conv forward and input gradient; Gram over time: the peer's 3 products forward and 3 backward (ours does
            // fewer: the style's own product once per target, XᵀX by ssyrk); channel Gram: 1 + 2. Nominal FLOPs.
            let positions: Double = 511 * 860, convolution: Double = 2 * 2 * 32 * 3 * positions
            let overTime: Double = 6 * 2 * 860 * 860 * 32 * 511, channelGram: Double = 3 * 2 * 32 * 32 * positions
            let flops = convolution + overTime + channelGram
            return BenchmarkCase(
                name: name, summary: "(a) study CNN `Conv2d(1,32,(3,1))` + LeakyReLU(0.2), 1×1×513×860, Gram over time + channel Gram + content",
                flops: flops, input: input
            ) { x in
                let a = leakyReLU(conv2d(x, weight: weight), negativeSlope: 0.2)
                return gramDistance(a.reshaped([32 * 511, 860]), to: styleFrames) + gram(a.reshaped([32, -1])).squared().sum()
                    + (a - target).squared().mean()
            }
        case "ulyanov":
            let weight = Tensor.randomNormal(shape: [4096, 513, 11], standardDeviation: 0.01, generator: &generator)
            let input = Tensor.randomUniform(shape: [1, 513, 860], generator: &generator)
            return BenchmarkCase(
                name: name, summary: "(b) Ulyanov conv1d 513→4096, k 11, 860 frames + ReLU",
                flops: 2 * 2 * 4096 * 513 * 11 * 850.0, input: input
            ) { x in relu(conv1d(x, weight: weight)).squared().mean() }
        case "vgg_conv":
            let weight = Tensor.randomNormal(shape: [64, 64, 3, 3], standardDeviation: 0.05, generator: &generator)
            let input = Tensor.randomUniform(shape: [1, 64, 128, 432], generator: &generator)
            return BenchmarkCase(
                name: name, summary: "(c) VGG-style 3×3 64→64, 1×64×128×432 + ReLU",
                flops: 2 * 2 * 64 * 576 * 128 * 432.0, input: input
            ) { x in relu(conv2d(x, weight: weight, padding: (1, 1))).squared().mean() }
        case "vgg19":
            let (features, flops) = vgg19FeaturesToConv5_1(height: 128, width: 432)
            let input = Tensor.randomUniform(shape: [1, 3, 128, 432], generator: &generator)
            return BenchmarkCase(
                name: name, summary: "(d) VGG19 `features[:29]` (to conv5_1), 1×3×128×432",
                flops: flops, input: input
            ) { x in features(x).squared().mean() }
        default:
            return nil
        }
    }

    /// torchvision's VGG19 `features` up to and including conv5_1 (`features[:29]`) built from NeuralCore layers
    /// with seeded weights, and its forward + input-gradient FLOP count at `height × width`.
    static func vgg19FeaturesToConv5_1(height: Int, width: Int) -> (Sequential, Double) {
        let plan: [Int?] = [64, 64, nil, 128, 128, nil, 256, 256, 256, 256, nil, 512, 512, 512, 512, nil, 512]
        var layers: [any UnaryLayer] = []
        var (channels, h, w, flops) = (3, height, width, 0.0)
        for (index, entry) in plan.enumerated() {
            guard let out = entry else {
                layers.append(MaxPool2d(kernelSize: 2, stride: 2))
                (h, w) = (h / 2, w / 2)
                continue
            }
            layers.append(Conv2d(inputChannels: channels, outputChannels: out, kernelSize: (3, 3), padding: (1, 1),
                                 seed: UInt64(index)))
            flops += 2 * 2 * Double(out * channels * 9 * h * w)  // forward and input gradient
            channels = out
            if index < plan.count - 1 { layers.append(ReLU()) }
        }
        return (Sequential(layers), flops)
    }
}
