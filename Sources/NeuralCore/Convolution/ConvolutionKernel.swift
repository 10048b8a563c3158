/// One way of computing a 2-D convolution of one image and one group, and its two gradients.
///
/// Pointers are row-major: input and input gradient `[channels, height, width]`, output and output gradient
/// `[outputChannels, outHeight, outWidth]`, weight and weight gradient `[outputChannels, channels, kernelHeight,
/// kernelWidth]` (the geometry's). Every kernel computes the same sums; they differ in speed only.
protocol ConvolutionKernel {
    /// Prepares the kernel for `geometry` and a group's weight (which the kernel may repack).
    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>)

    /// Writes every element of `output` with the convolution of `input`.
    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>)

    /// Writes every element of `inputGradient` with the vector-Jacobian product of `outputGradient`.
    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>)

    /// Adds the weight gradient of `outputGradient` at `input` to `weightGradient`.
    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>)
}

/// The kernels `conv2d` chooses from, by geometry.
enum ConvolutionAlgorithm {
    /// Direct loops over rows: no column buffer; for tiny patches (a 1-channel (3,1) kernel).
    case direct
    /// One matrix product on the input as it is (gathered at strides above 1): 1×1 kernels without padding only.
    case pointwise
    /// Matrix products on shifted views of the padded input (per kernel row forward, per tap for the gradients):
    /// no im2col matrix; stride 1 only.
    case shiftedProducts
    /// Winograd F(2×2, 3×3) tiles: 4/9 of the multiply-adds; 3×3 kernels at stride 1 and dilation 1 only.
    case winograd
    /// Overlap-save in the frequency domain: one product per DFT bin of short blocks; wide `1 × k` kernels at
    /// stride 1 and dilation 1 (`conv1d` with `k ≥ 4` and many channels) only.
    case overlapSave
    /// Row tiles of the im2col matrix, each followed by one matrix product: any geometry.
    case im2col

    /// Patches up to this size are convolved directly.
    static let directPatchLimit = 8

    /// The fastest applicable kernel: direct for patches of at most ``directPatchLimit`` scalars; pointwise for 1×1
    /// kernels without padding (ResNet's bottleneck and shortcut convolutions); Winograd for 3×3
    /// kernels at stride 1 and dilation 1 with enough output tiles to repay the kernel transform; overlap-save where ``OverlapSaveConvolution/applies(to:outputChannels:)``
    /// (wide `1 × k` kernels); shifted products for other stride-1 kernels with at least 16 input channels
    /// when the output channels do not dwarf the input channels (there the im2col matrix is cheap next to the
    /// product); im2col otherwise.
    static func choose(for geometry: ConvolutionGeometry, outputChannels: Int) -> ConvolutionAlgorithm {
        if geometry.patchSize <= directPatchLimit { return .direct }
        if PointwiseConvolution.applies(to: geometry) { return .pointwise }
        if WinogradConvolution.applies(to: geometry) && WinogradConvolution.pays(for: geometry) { return .winograd }
        if OverlapSaveConvolution.applies(to: geometry, outputChannels: outputChannels) { return .overlapSave }
        if geometry.stride == (1, 1) && geometry.channels >= 16 && outputChannels <= 4 * geometry.channels {
            return .shiftedProducts
        }
        return .im2col
    }

    /// The kernel type implementing this algorithm.
    var kernelType: any ConvolutionKernel.Type {
        switch self {
        case .direct: DirectConvolution.self
        case .pointwise: PointwiseConvolution.self
        case .shiftedProducts: ShiftedProductConvolution.self
        case .winograd: WinogradConvolution.self
        case .overlapSave: OverlapSaveConvolution.self
        case .im2col: Im2colConvolution.self
        }
    }
}
