/// A 1×1 convolution without padding as one matrix product: the output `[outputChannels, positions]` is
/// `W · X` with the weight `[outputChannels, channels]` and the input viewed as `[channels, positions]`, read in
/// place at stride 1 (no im2col matrix, no padded or shifted copies). At other strides the sampled positions are first
/// gathered into a `[channels, outHeight·outWidth]` buffer (a quarter of the input at stride 2), and the input
/// gradient `Wᵀ · G` is computed there and scattered back, every other input position receiving zero. The weight
/// gradient is `G · Xᵀ`. Dilation has no effect on a 1×1 kernel. Products are split by `sgemm`; gathers and
/// scatters are split over ``NeuralCoreThreads`` by channel.
struct PointwiseConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    let outputChannels: Int
    let weight: UnsafePointer<Float>

    /// Whether `geometry` is a 1×1 kernel without padding.
    static func applies(to geometry: ConvolutionGeometry) -> Bool {
        geometry.kernelHeight == 1 && geometry.kernelWidth == 1 && geometry.padding == (0, 0)
    }

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        precondition(Self.applies(to: geometry), "PointwiseConvolution needs a 1×1 kernel without padding")
        (self.geometry, self.outputChannels, self.weight) = (geometry, outputChannels, weight)
    }

    private var positions: Int { geometry.outHeight * geometry.outWidth }
    private var isStrided: Bool { geometry.stride != (1, 1) }

    /// Calls `body` with the input as a `[channels, positions]` matrix: `input` itself at stride 1, else a gathered
    /// copy of the sampled positions.
    private func withSampledInput(_ input: UnsafePointer<Float>, _ body: (UnsafePointer<Float>) -> Void) {
        guard isStrided else { return body(input) }
        let g = geometry, (oh, ow) = (g.outHeight, g.outWidth)
        withScratch(g.channels * positions) { sampled in
            NeuralCoreThreads.forEachRange(g.channels, minimumPerThread: elementwiseGrain / max(positions, 1) + 1) {
                for c in $0 {
                    for y in 0..<oh {
                        let source = input + (c * g.height + y * g.stride.0) * g.width, target = sampled + (c * oh + y) * ow
                        for x in 0..<ow { target[x] = source[x * g.stride.1] }
                    }
                }
            }
            body(sampled)
        }
    }

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        withSampledInput(input) { x in
            sgemm(weight, transposeA: false, x, transposeB: false, output, m: outputChannels, n: positions,
                  k: geometry.channels)
        }
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let g = geometry
        guard isStrided else {
            return sgemm(weight, transposeA: true, outputGradient, transposeB: false, inputGradient, m: g.channels,
                         n: positions, k: outputChannels)
        }
        let (oh, ow) = (g.outHeight, g.outWidth)
        withScratch(g.channels * positions) { sampled in
            sgemm(weight, transposeA: true, outputGradient, transposeB: false, sampled, m: g.channels, n: positions,
                  k: outputChannels)
            NeuralCoreThreads.forEachRange(g.channels, minimumPerThread: elementwiseGrain / max(g.height * g.width, 1) + 1) {
                for c in $0 {
                    let plane = inputGradient + c * g.height * g.width
                    plane.update(repeating: 0, count: g.height * g.width)
                    for y in 0..<oh {
                        let target = plane + y * g.stride.0 * g.width, source = sampled + (c * oh + y) * ow
                        for x in 0..<ow { target[x * g.stride.1] = source[x] }
                    }
                }
            }
        }
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        withSampledInput(input) { x in
            sgemm(outputGradient, transposeA: false, x, transposeB: true, weightGradient, m: outputChannels,
                  n: geometry.channels, k: positions, beta: 1)
        }
    }
}
