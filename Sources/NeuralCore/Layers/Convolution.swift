/// PyTorch's `extra_repr` of a convolution: channels, kernel and stride always; padding, dilation, output padding,
/// groups and bias only when not the default.
func convolutionDescription(
    inputChannels: Int, outputChannels: Int, kernelSize: [Int], stride: [Int], padding: [Int], dilation: [Int],
    outputPadding: [Int] = [], groups: Int, hasBias: Bool
) -> String {
    var text = "\(inputChannels), \(outputChannels), kernel_size=\(pythonTuple(kernelSize)), stride=\(pythonTuple(stride))"
    if padding.contains(where: { $0 != 0 }) { text += ", padding=\(pythonTuple(padding))" }
    if dilation.contains(where: { $0 != 1 }) { text += ", dilation=\(pythonTuple(dilation))" }
    if outputPadding.contains(where: { $0 != 0 }) { text += ", output_padding=\(pythonTuple(outputPadding))" }
    if groups != 1 { text += ", groups=\(groups)" }
    if !hasBias { text += ", bias=False" }
    return text
}

/// A 1-d convolution over `[N, C, L]` input (PyTorch `nn.Conv1d`), optionally causal.
///
/// Weight `[outputChannels, inputChannels/groups, kernelSize]`, bias `[outputChannels]`; output length
/// `⌊(L + 2·padding − dilation·(kernelSize−1) − 1)/stride⌋ + 1`. A causal layer pads `dilation·(kernelSize−1)`
/// zeros on the left only (WaveNet), so output frame `t` sees inputs up to `t` and, with stride 1, the length is
/// kept; `padding` must then be 0. Initialised as PyTorch: uniform in ±1/√(inputChannels/groups·kernelSize).
public final class Conv1d: Module, UnaryLayer {
    /// Input channels (`in_channels`).
    public let inputChannels: Int
    /// Output channels (`out_channels`).
    public let outputChannels: Int
    /// Kernel length (`kernel_size`).
    public let kernelSize: Int
    /// Step between output frames (`stride`), 1 by default.
    public let stride: Int
    /// Zeros added on both sides (`padding`), 0 by default.
    public let padding: Int
    /// Spacing between kernel taps (`dilation`), 1 by default.
    public let dilation: Int
    /// Channel groups (`groups`), 1 by default.
    public let groups: Int
    /// Left-only padding of `dilation·(kernelSize−1)` (no PyTorch equivalent: PyTorch code pads by hand).
    public let causal: Bool
    /// `[outputChannels, inputChannels/groups, kernelSize]`.
    @Parameter public var weight: Tensor
    /// `[outputChannels]`, or nil without bias.
    @Parameter public var bias: Tensor?

    /// Creates the layer with PyTorch's default initialisation drawn from `seed`.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, causal: Bool = false, seed: UInt64) {
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0, "channels must divide by groups")
        precondition(kernelSize > 0 && stride > 0 && dilation > 0 && padding >= 0, "invalid Conv1d geometry")
        precondition(!causal || padding == 0, "a causal Conv1d pads by itself; padding must be 0")
        (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups, self.causal) = (stride, padding, dilation, groups, causal)
        let fanIn = inputChannels / groups * kernelSize
        let initial = defaultLayerParameters(
            weightShape: [outputChannels, inputChannels / groups, kernelSize], fanIn: fanIn,
            biasCount: bias ? outputChannels : nil, seed: seed)
        self.weight = initial.weight
        self.bias = initial.bias
    }

    /// `[N, inputChannels, L]` → `[N, outputChannels, L′]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let input = causal ? x.padded([(0, 0), (0, 0), (dilation * (kernelSize - 1), 0)]) : x
        return conv1d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    public override var extraDescription: String {
        convolutionDescription(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: [kernelSize], stride: [stride],
            padding: [padding], dilation: [dilation], groups: groups, hasBias: bias != nil)
            + (causal ? ", causal=True" : "")
    }
}

/// A 2-d convolution over NCHW input (PyTorch `nn.Conv2d`).
///
/// Weight `[outputChannels, inputChannels/groups, kH, kW]` (OIHW), bias `[outputChannels]`; output height
/// `⌊(H + 2·padding.0 − dilation.0·(kH−1) − 1)/stride.0⌋ + 1`, width likewise. Initialised as PyTorch: uniform in
/// ±1/√(inputChannels/groups·kH·kW).
public final class Conv2d: Module, UnaryLayer {
    /// Input channels (`in_channels`).
    public let inputChannels: Int
    /// Output channels (`out_channels`).
    public let outputChannels: Int
    /// Kernel (height, width) (`kernel_size`).
    public let kernelSize: (Int, Int)
    /// Step (vertical, horizontal) (`stride`), (1, 1) by default.
    public let stride: (Int, Int)
    /// Zeros added (top/bottom, left/right) (`padding`), (0, 0) by default.
    public let padding: (Int, Int)
    /// Spacing between kernel taps (`dilation`), (1, 1) by default.
    public let dilation: (Int, Int)
    /// Channel groups (`groups`), 1 by default.
    public let groups: Int
    /// `[outputChannels, inputChannels/groups, kH, kW]`.
    @Parameter public var weight: Tensor
    /// `[outputChannels]`, or nil without bias.
    @Parameter public var bias: Tensor?

    /// Creates the layer with PyTorch's default initialisation drawn from `seed`.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
                seed: UInt64) {
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0, "channels must divide by groups")
        precondition(min(kernelSize.0, kernelSize.1, stride.0, stride.1, dilation.0, dilation.1) > 0
                     && min(padding.0, padding.1) >= 0, "invalid Conv2d geometry")
        (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        let fanIn = inputChannels / groups * kernelSize.0 * kernelSize.1
        let initial = defaultLayerParameters(
            weightShape: [outputChannels, inputChannels / groups, kernelSize.0, kernelSize.1], fanIn: fanIn,
            biasCount: bias ? outputChannels : nil, seed: seed)
        self.weight = initial.weight
        self.bias = initial.bias
    }

    /// `[N, inputChannels, H, W]` → `[N, outputChannels, H′, W′]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    public override var extraDescription: String {
        convolutionDescription(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: [kernelSize.0, kernelSize.1],
            stride: [stride.0, stride.1], padding: [padding.0, padding.1], dilation: [dilation.0, dilation.1],
            groups: groups, hasBias: bias != nil)
    }
}

/// A 1-d transposed convolution over `[N, C, L]` input (PyTorch `nn.ConvTranspose1d`), used to upsample
/// conditioning features.
///
/// Weight `[inputChannels, outputChannels/groups, kernelSize]` (PyTorch's transposed layout), bias
/// `[outputChannels]`; output length `(L−1)·stride − 2·padding + dilation·(kernelSize−1) + outputPadding + 1`.
/// Initialised as PyTorch: uniform in ±1/√(outputChannels/groups·kernelSize) (PyTorch takes the fan-in from the
/// weight's second dimension).
public final class ConvTranspose1d: Module, UnaryLayer {
    /// Input channels (`in_channels`).
    public let inputChannels: Int
    /// Output channels (`out_channels`).
    public let outputChannels: Int
    /// Kernel length (`kernel_size`).
    public let kernelSize: Int
    /// Upsampling step (`stride`), 1 by default.
    public let stride: Int
    /// Frames removed from both ends of the full output (`padding`), 0 by default.
    public let padding: Int
    /// Extra frames added at the end (`output_padding`), 0 by default; must be below `stride` or `dilation`.
    public let outputPadding: Int
    /// Spacing between kernel taps (`dilation`), 1 by default.
    public let dilation: Int
    /// Channel groups (`groups`), 1 by default.
    public let groups: Int
    /// `[inputChannels, outputChannels/groups, kernelSize]`.
    @Parameter public var weight: Tensor
    /// `[outputChannels]`, or nil without bias.
    @Parameter public var bias: Tensor?

    /// Creates the layer with PyTorch's default initialisation drawn from `seed`.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true, seed: UInt64) {
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0, "channels must divide by groups")
        precondition(kernelSize > 0 && stride > 0 && dilation > 0 && padding >= 0, "invalid ConvTranspose1d geometry")
        precondition(outputPadding >= 0 && (outputPadding < stride || outputPadding < dilation),
                     "outputPadding must be smaller than stride or dilation")
        (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
        (self.stride, self.padding, self.outputPadding) = (stride, padding, outputPadding)
        (self.dilation, self.groups) = (dilation, groups)
        let initial = defaultLayerParameters(
            weightShape: [inputChannels, outputChannels / groups, kernelSize], fanIn: outputChannels / groups * kernelSize,
            biasCount: bias ? outputChannels : nil, seed: seed)
        self.weight = initial.weight
        self.bias = initial.bias
    }

    /// `[N, inputChannels, L]` → `[N, outputChannels, L′]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        convTranspose1d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                        dilation: dilation, groups: groups)
    }

    public override var extraDescription: String {
        convolutionDescription(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: [kernelSize], stride: [stride],
            padding: [padding], dilation: [dilation], outputPadding: [outputPadding], groups: groups, hasBias: bias != nil)
    }
}
