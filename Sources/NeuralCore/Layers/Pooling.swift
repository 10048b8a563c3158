/// Maximum over `kernelSize × kernelSize` windows of NCHW input (PyTorch `nn.MaxPool2d`, dilation 1, floor mode).
///
/// Input `[N, C, H, W]`, output `[N, C, ⌊(H + 2·padding − kernelSize)/stride⌋ + 1, …]`; padding counts as −∞.
public final class MaxPool2d: Module, UnaryLayer {
    /// Window size (`kernel_size`).
    public let kernelSize: Int
    /// Window step (`stride`); PyTorch's default is the kernel size.
    public let stride: Int
    /// Implicit −∞ padding on each side (`padding`), 0 by default.
    public let padding: Int

    /// Creates the layer; `stride` defaults to `kernelSize` as in PyTorch.
    public init(kernelSize: Int, stride: Int, padding: Int = 0) {
        precondition(kernelSize > 0 && stride > 0 && padding >= 0 && padding <= kernelSize / 2,
                     "MaxPool2d needs positive kernel and stride and padding ≤ kernel/2")
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    /// Creates a layer whose stride equals its kernel size (PyTorch's default).
    public convenience init(kernelSize: Int) { self.init(kernelSize: kernelSize, stride: kernelSize) }

    /// The pooled tensor.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        maxPool2d(x, kernelSize: (kernelSize, kernelSize), stride: (stride, stride), padding: (padding, padding))
    }

    public override var extraDescription: String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }
}

/// Average pooling of NCHW input to a fixed output size (PyTorch `nn.AdaptiveAvgPool2d`): output cell `(i, j)`
/// averages rows `⌊i·H/h⌋ ..< ⌈(i+1)·H/h⌉` and the matching columns.
public final class AdaptiveAvgPool2d: Module, UnaryLayer {
    /// The output height and width (`output_size`).
    public let outputSize: (height: Int, width: Int)

    /// Creates the layer.
    public init(outputSize: (height: Int, width: Int)) {
        precondition(outputSize.height > 0 && outputSize.width > 0, "AdaptiveAvgPool2d needs a positive output size")
        self.outputSize = outputSize
    }

    /// `[N, C, H, W]` → `[N, C, outputSize.height, outputSize.width]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        adaptiveAvgPool2d(x, outputSize: (outputSize.height, outputSize.width))
    }

    public override var extraDescription: String { "output_size=\(pythonTuple([outputSize.height, outputSize.width]))" }
}
