/// Convolution along rows (a `1 × k` kernel, `k ≥ 3`: `conv1d`) with stride 1 and dilation 1 by Winograd's minimal
/// filtering F(3, 3) on 3-tap chunks of the kernel: 5 multiplications per 3 outputs and chunk instead of 9, so a
/// kernel of 11 taps (4 chunks, the last one zero-padded) costs 20 multiplications per 3 outputs instead of 33.
///
/// With the interpolation points 0, 1, −1, 2, ∞, each input tile of 5 samples `d` (tiles step by 3) becomes `Bᵀ d`,
/// each chunk `g` of 3 taps becomes `G g`, and tile τ's output is `Aᵀ M` with `M_ξ = Σ_s U_{s,ξ} · V_ξ[τ + s]`: chunk
/// `s` of the kernel reads the input tile `s` tiles further on, so for each of the 5 entries ξ and each chunk one
/// `cblas_sgemm` adds `[outputChannels, channels] · [channels, tiles]` on a shifted view of the transformed input.
/// The input gradient is the same computation on the output gradient with the kernel reversed and its channel axes
/// swapped, at padding `k − 1 − padding`; the weight gradient is ``ShiftedProductConvolution``'s.
///
/// Each row's tiles are processed in blocks of at most ``blockTiles``; within a block the input transform is split over
/// ``NeuralCoreThreads`` by channel and the products and output transform by output channel, each thread running its
/// products on one OpenBLAS thread (the transformed kernel, `5·chunks·outputChannels·channels` scalars, is the large
/// operand here, so each thread reads only its own rows of it).
struct WinogradRowConvolution: ConvolutionKernel {
    /// Output tiles (3 outputs each) per block.
    static let blockTiles = 512

    let geometry: ConvolutionGeometry
    let outputChannels: Int
    /// The group's weight, `[outputChannels, channels, 1, k]`.
    let weight: UnsafePointer<Float>

    /// Whether `geometry` is one this kernel computes: a `1 × k` kernel with `k ≥ 3`, stride 1, dilation 1.
    static func applies(to geometry: ConvolutionGeometry) -> Bool {
        geometry.kernelHeight == 1 && geometry.kernelWidth >= 3 && geometry.stride == (1, 1)
            && geometry.dilation == (1, 1)
    }

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        precondition(Self.applies(to: geometry), "WinogradRowConvolution needs a 1×k kernel (k ≥ 3), stride 1, dilation 1")
        (self.geometry, self.outputChannels, self.weight) = (geometry, outputChannels, weight)
    }

    /// Kernel chunks of 3 taps.
    private var chunks: Int { (geometry.kernelWidth + 2) / 3 }

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = geometry
        correlate(
            input, channels: g.channels, rows: g.height, width: g.width, padding: g.padding.1,
            kernel: transformedKernel(reversed: false), transposed: false, outputChannels: outputChannels, output,
            outWidth: g.outWidth)
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let g = geometry
        correlate(
            outputGradient, channels: outputChannels, rows: g.height, width: g.outWidth,
            padding: g.kernelWidth - 1 - g.padding.1, kernel: transformedKernel(reversed: true), transposed: true,
            outputChannels: g.channels, inputGradient, outWidth: g.width)
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        ShiftedProductConvolution(geometry: geometry, outputChannels: outputChannels, weight: weight)
            .accumulateWeightGradient(outputGradient, input: input, weightGradient)
    }

    /// The transformed chunks `G g`, `[5, chunks, outputChannels, channels]`, of every kernel's taps in reverse order
    /// when `reversed` (the input gradient's, whose products read each matrix transposed). Taps past the kernel's end
    /// are zero.
    private func transformedKernel(reversed: Bool) -> [Float] {
        let (channels, outputs, k, chunks) = (geometry.channels, outputChannels, geometry.kernelWidth, chunks)
        let plane = channels * outputs
        // 16 kernels at a time, so that each of the 5·chunks planes gets whole cache lines (see WinogradConvolution).
        return uninitializedScalars(5 * chunks * plane) { u in
            forEachSixteenKernels(weight, count: plane, kernelSize: k, paddedSize: 3 * chunks, reversed: reversed) {
                start, lanes, taps in
                @inline(__always) func tap(_ t: Int) -> SIMD16<Float> {
                    UnsafeRawPointer(taps + 16 * t).loadUnaligned(as: SIMD16<Float>.self)
                }
                for s in 0..<chunks {
                    let (g0, g1, g2) = (tap(3 * s), tap(3 * s + 1), tap(3 * s + 2))
                    @inline(__always) func entry(_ e: Int, _ value: SIMD16<Float>) {
                        storeLanes(value, u + (e * chunks + s) * plane + start, lanes)
                    }
                    entry(0, 0.5 * g0)
                    entry(1, -0.5 * (g0 + g1 + g2))
                    entry(2, (g1 - g0 - g2) / 6)
                    entry(3, (g0 + 2 * g1 + 4 * g2) / 6)
                    entry(4, g2)
                }
            }
        }
    }

    /// Writes `output` `[outputChannels, rows, outWidth]` (`outWidth = width + 2·padding − k + 1`) with the
    /// cross-correlation along rows of `input` `[channels, rows, width]`, zero-padded by `padding` on both sides of
    /// each row (negative: a crop), with the transformed kernel `kernel` (``transformedKernel(reversed:)``'s layout:
    /// matrices `[outputChannels, channels]`, or `[channels, outputChannels]` read transposed when `transposed`).
    private func correlate(
        _ input: UnsafePointer<Float>, channels: Int, rows: Int, width: Int, padding: Int, kernel: [Float],
        transposed: Bool, outputChannels: Int, _ output: UnsafeMutablePointer<Float>, outWidth: Int
    ) {
        let chunks = chunks, plane = channels * outputChannels
        let tilesPerRow = (outWidth + 2) / 3, blockTiles = min(Self.blockTiles, tilesPerRow)
        let blocksPerRow = (tilesPerRow + blockTiles - 1) / blockTiles, inputTiles = blockTiles + chunks - 1
        kernel.withUnsafeBufferPointer { u in
            let u = u.baseAddress!
            withScratch(5 * channels * inputTiles) { transformed in
                withScratch(5 * outputChannels * blockTiles) { products in
                    for block in 0..<rows * blocksPerRow {
                        let row = block / blocksPerRow, first = (block % blocksPerRow) * blockTiles
                        let tiles = min(blockTiles, tilesPerRow - first), reach = tiles + chunks - 1
                        // Bᵀ d of input tiles first ..< first + reach: samples 3τ − padding … 3τ − padding + 4.
                        NeuralCoreThreads.forEachRange(channels, minimumPerThread: 16) { channelRange in
                            for c in channelRange {
                                let source = input + (c * rows + row) * width
                                @inline(__always) func sample(_ x: Int) -> Float { x >= 0 && x < width ? source[x] : 0 }
                                let target = transformed + c * reach, stride = channels * reach
                                for t in 0..<reach {
                                    let x = 3 * (first + t) - padding
                                    let (d0, d1, d2, d3, d4) = (sample(x), sample(x + 1), sample(x + 2), sample(x + 3), sample(x + 4))
                                    target[t] = 2 * d0 - d1 - 2 * d2 + d3
                                    target[stride + t] = d3 - 2 * d1 - d2
                                    target[2 * stride + t] = 2 * d1 - 3 * d2 + d3
                                    target[3 * stride + t] = d3 - d1
                                    target[4 * stride + t] = 2 * d1 - d2 - 2 * d3 + d4
                                }
                            }
                        }
                        // Output channels split over the threads, so that each thread reads its own rows of the
                        // (large) transformed kernel.
                        NeuralCoreThreads.forEachRangeWithSerialProducts(outputChannels) { outputRange in
                            let (o0, m) = (outputRange.lowerBound, outputRange.count)
                            for entry in 0..<5 {
                                for s in 0..<chunks {
                                    let matrix = u + (entry * chunks + s) * plane + (transposed ? o0 : o0 * channels)
                                    sgemm(matrix, transposeA: transposed, transformed + entry * channels * reach + s,
                                          transposeB: false, products + (entry * outputChannels + o0) * tiles, m: m,
                                          n: tiles, k: channels, beta: s == 0 ? 0 : 1,
                                          lda: transposed ? outputChannels : channels, ldb: reach)
                                }
                            }
                            // Aᵀ M: outputs 3τ … 3τ + 2 of each tile, within the row.
                            let stride = outputChannels * tiles
                            for o in outputRange {
                                let m = products + o * tiles, target = output + (o * rows + row) * outWidth + 3 * first
                                for t in 0..<tiles {
                                    let (m0, m1, m2, m3, m4) = (m[t], m[stride + t], m[2 * stride + t], m[3 * stride + t],
                                                                m[4 * stride + t])
                                    let x = 3 * t, count = min(3, outWidth - 3 * (first + t))
                                    target[x] = m0 + m1 + m2 + m3
                                    if count > 1 { target[x + 1] = m1 - m2 + 2 * m3 }
                                    if count > 2 { target[x + 2] = m1 + m2 + 4 * m3 + m4 }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
