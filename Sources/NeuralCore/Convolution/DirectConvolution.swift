/// Convolution by direct loops over rows, for tiny patches (`patchSize ≤ ConvolutionAlgorithm.directPatchLimit`,
/// such as a 1-channel (3,1) kernel): every output row is a sum of `patchSize` scaled input rows, so no column
/// buffer is built. Output rows (forward) and input rows (input gradient, gathered) are split over
/// ``NeuralCoreThreads``; the weight gradient is split over output channels.
struct DirectConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    let outputChannels: Int
    let weight: UnsafePointer<Float>

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        (self.geometry, self.outputChannels, self.weight) = (geometry, outputChannels, weight)
    }

    /// Scalars per thread below which rows are not split.
    private static let minimumScalarsPerThread = 32_768

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = geometry, (oh, ow) = (g.outHeight, g.outWidth)
        NeuralCoreThreads.forEachRange(outputChannels * oh, minimumPerThread: Self.minimumScalarsPerThread / ow + 1) {
            for row in $0 {
                let o = row / oh, y = row % oh
                let out = output + row * ow
                out.update(repeating: 0, count: ow)
                for c in 0..<g.channels {
                    for i in 0..<g.kernelHeight {
                        guard let h = g.inputRow(y, i) else { continue }
                        for j in 0..<g.kernelWidth {
                            let w = weight[((o * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j]
                            let source = input + (c * g.height + h) * g.width + g.columnOffset(j)
                            let valid = g.validColumns(j)
                            if g.stride.1 == 1 {
                                for x in valid { out[x] += w * source[x] }
                            } else {
                                for x in valid { out[x] += w * source[x * g.stride.1] }
                            }
                        }
                    }
                }
            }
        }
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let g = geometry, (oh, ow) = (g.outHeight, g.outWidth)
        NeuralCoreThreads.forEachRange(
            g.channels * g.height, minimumPerThread: Self.minimumScalarsPerThread / g.width + 1
        ) {
            for row in $0 {
                let c = row / g.height, h = row % g.height
                let target = inputGradient + row * g.width
                target.update(repeating: 0, count: g.width)
                for o in 0..<outputChannels {
                    for i in 0..<g.kernelHeight {
                        // Output row y reads input row h at kernel row i when y·stride − padding + i·dilation = h.
                        let numerator = h + g.padding.0 - i * g.dilation.0
                        guard numerator >= 0 && numerator % g.stride.0 == 0 && numerator / g.stride.0 < oh else {
                            continue
                        }
                        let source = outputGradient + (o * oh + numerator / g.stride.0) * ow
                        for j in 0..<g.kernelWidth {
                            let w = weight[((o * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j]
                            let shifted = target + g.columnOffset(j)
                            if g.stride.1 == 1 {
                                for x in g.validColumns(j) { shifted[x] += w * source[x] }
                            } else {
                                for x in g.validColumns(j) { shifted[x * g.stride.1] += w * source[x] }
                            }
                        }
                    }
                }
            }
        }
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        let g = geometry, (oh, ow) = (g.outHeight, g.outWidth)
        NeuralCoreThreads.forEachRange(outputChannels) {
            for o in $0 {
                for c in 0..<g.channels {
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let valid = g.validColumns(j)
                            var total: Float = 0
                            for y in 0..<oh {
                                guard let h = g.inputRow(y, i) else { continue }
                                let gradientRow = outputGradient + (o * oh + y) * ow
                                let source = input + (c * g.height + h) * g.width + g.columnOffset(j)
                                total += g.stride.1 == 1
                                    ? dot(gradientRow + valid.lowerBound, source + valid.lowerBound, count: valid.count)
                                    : valid.reduce(0) { $0 + gradientRow[$1] * source[$1 * g.stride.1] }
                            }
                            weightGradient[((o * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j] += total
                        }
                    }
                }
            }
        }
    }
}
