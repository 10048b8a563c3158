import Foundation

/// Convolution along the width with a `1 × k` kernel (stride 1, dilation 1; `conv1d` with a wide kernel) by
/// overlap-save in the frequency domain: the products run on the spectra of short blocks, so a long kernel costs
/// about as much as a short one.
///
/// Each input row, zero-padded, is cut into blocks of ``OverlapSavePlan/blockLength`` `N` samples that step by
/// `L = N − k + 1` (consecutive blocks overlap by `k − 1`). With `S_f` a block's discrete Fourier transform and
/// `W̃_f = Σ_j w[j]·e^{+2πi·f·j/N}` the transformed kernel, the first `L` samples of the inverse transform of
/// `Σ_c W̃_f[o, c]·S_f[c]` are exactly the block's `L` outputs (cross-correlation, no wrap-around). Per bin `f`
/// (`N/2 + 1` of them, the spectrum of a real signal) the sum over channels is two real `cblas_sgemm`s,
/// `[Re Y; Im Y] = [Re S; Im S]·(Re W̃)ᵀ + [−Im S; Re S]·(Im W̃)ᵀ` (`[2·blocks, channels] · [channels,
/// outputChannels]`, the orientation OpenBLAS runs fastest for few blocks: 67 against 52 GFLOP/s measured), which
/// yield the real and imaginary parts of every output block at once. For `k = 11`, `N = 32` that is 4·17 = 68
/// multiply-adds per channel pair for a block of 22 outputs instead of 242. The small transforms (blocks → spectra,
/// spectra → outputs, kernel → spectrum) are products with fixed DFT matrices.
///
/// The input gradient is the adjoint of every step, reusing the same transformed kernel (made once, in `init`,
/// `2·bins·channels·outputChannels` scalars — 286 MB for 513 → 4096 channels — in a ``HugePageBuffer``, kept while
/// the kernel lives, i.e. until the backward pass); the weight gradient is ``ShiftedProductConvolution``'s. Results
/// differ from a direct sum in the last bits (the DFT matrices mix every sample of a block; the error stays at
/// Float32 rounding of the block's largest terms).
struct OverlapSaveConvolution: ConvolutionKernel {
    let geometry: ConvolutionGeometry
    let outputChannels: Int
    /// The group's weight, `[outputChannels, channels, 1, kernelWidth]`.
    let weight: UnsafePointer<Float>
    let plan: OverlapSavePlan
    let matrices: OverlapSavePlan.Matrices
    /// The transformed kernel, transposed: `[2, bins, channels, outputChannels]`, `(Re W̃_f)ᵀ` for every bin, then
    /// `(Im W̃_f)ᵀ` for every bin.
    let spectrum: HugePageBuffer

    /// The smallest kernel width, and input and output channel counts, for which the frequency domain is considered.
    static let minimumKernelWidth = 4, minimumChannels = 32

    /// Whether `geometry` is one this kernel computes, and faster than the matrix products on shifted views: a
    /// `1 × k` kernel with `k ≥ 4`, stride 1, dilation 1, no padding along the height, at least 32 channels on both
    /// sides, and a best plan whose modelled cost (``OverlapSavePlan/cost``) is below 60 % of the direct
    /// `4·k·outWidth·height` operations per channel pair (forward and input gradient).
    static func applies(to geometry: ConvolutionGeometry, outputChannels: Int) -> Bool {
        guard geometry.kernelHeight == 1, geometry.padding.0 == 0, geometry.stride == (1, 1),
              geometry.dilation == (1, 1), geometry.kernelWidth >= minimumKernelWidth,
              min(geometry.channels, outputChannels) >= minimumChannels
        else { return false }
        let direct = 4 * Double(geometry.kernelWidth * geometry.outWidth * geometry.height)
        return OverlapSavePlan.best(for: geometry).cost < 0.6 * direct
    }

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        precondition(geometry.kernelHeight == 1 && geometry.padding.0 == 0 && geometry.stride == (1, 1)
                     && geometry.dilation == (1, 1), "OverlapSaveConvolution needs a 1×k kernel at stride 1, dilation 1")
        (self.geometry, self.outputChannels, self.weight) = (geometry, outputChannels, weight)
        plan = OverlapSavePlan.best(for: geometry)
        matrices = OverlapSavePlan.Matrices(plan: plan)
        let (o, c, k, rows, dft) = (outputChannels, geometry.channels, plan.kernelWidth, 2 * plan.bins, matrices.kernel)
        // Per input channel, `[cosines; sines] · w[·, c, ·]ᵀ` (`[2·bins, k] · [k, outputChannels]`).
        spectrum = HugePageBuffer(count: rows * c * o)
        let out = spectrum.pointer
        NeuralCoreThreads.forEachRange(c) { channels in
            for ch in channels {
                sgemm(dft, transposeA: false, weight + ch * k, transposeB: true, out + ch * o,
                      m: rows, n: o, k: k, ldb: c * k, ldc: c * o)
            }
        }
    }

    /// Scalars of one bin's input spectra, `[3, columns, channels]`: `−Im`, `Re`, `Im`.
    private var binSpectra: Int { 3 * plan.columns * geometry.channels }

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let (c, o, q, bins) = (geometry.channels, outputChannels, plan.columns, plan.bins)
        withScratch(bins * binSpectra) { spectra in
            withScratch(q * c * plan.blockLength) { blocks in
                cutBlocks(input, blocks)
                // Per block, `[cos; −sin] · blocks_qᵀ` into the `Re` and `Im` slots of every bin.
                forEachBlockAndPart { column, part, analysis in
                    sgemm(analysis, transposeA: false, blocks + column * c * plan.blockLength, transposeB: true,
                          spectra + (1 + part) * q * c + column * c, m: bins, n: c, k: plan.blockLength,
                          ldc: binSpectra)
                }
            }
            NeuralCoreThreads.forEachRange(bins) { range in
                for f in range {
                    let slots = spectra + f * binSpectra
                    for i in 0..<q * c { slots[i] = -slots[2 * q * c + i] }
                }
            }
            withScratch(2 * bins * q * o) { y in
                // Per bin, `[Re Y; Im Y] = [Re; Im]·(Re W̃)ᵀ + [−Im; Re]·(Im W̃)ᵀ` (`[2·columns, outputChannels]`).
                NeuralCoreThreads.forEachRange(bins) { range in
                    for f in range {
                        for part in 0..<2 {
                            sgemm(spectra + f * binSpectra + (1 - part) * q * c, transposeA: false,
                                  spectrum.pointer + (part * bins + f) * c * o, transposeB: false,
                                  y + 2 * f * q * o, m: 2 * q, n: o, k: c, beta: Float(part))
                        }
                    }
                }
                // Per block, `[outputChannels, L]` samples = `Y_qᵀ · synthesis`, written in place (cropped).
                forEachBlock { column, row, start, width in
                    sgemm(y + column * o, transposeA: true, matrices.synthesis, transposeB: false,
                          output + row * geometry.outWidth + start, m: o, n: width, k: 2 * bins, lda: q * o,
                          ldb: plan.outputsPerBlock, ldc: geometry.height * geometry.outWidth)
                }
            }
        }
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let (c, o, q, bins) = (geometry.channels, outputChannels, plan.columns, plan.bins)
        withScratch(2 * bins * q * o) { dy in
            // The synthesis adjoint, per block: `synthesis · G_qᵀ` (`[2·bins, outputChannels]`).
            forEachBlock { column, row, start, width in
                sgemm(matrices.synthesis, transposeA: false, outputGradient + row * geometry.outWidth + start,
                      transposeB: true, dy + column * o, m: 2 * bins, n: o, k: width, lda: plan.outputsPerBlock,
                      ldb: geometry.height * geometry.outWidth, ldc: q * o)
            }
            // Per bin, the gradients of `[Re; Im]` and of `[−Im; Re]`: `dY·Re W̃`, `dY·Im W̃` (`[4, columns, channels]`).
            withScratch(bins * 4 * q * c) { da in
                NeuralCoreThreads.forEachRange(bins) { range in
                    for f in range {
                        for part in 0..<2 {
                            sgemm(dy + 2 * f * q * o, transposeA: false, spectrum.pointer + (part * bins + f) * c * o,
                                  transposeB: true, da + (2 * f + part) * 2 * q * c, m: 2 * q, n: c, k: o)
                        }
                    }
                }
                // d Re = (1st slot) + (4th slot), d Im = (2nd slot) − (3rd slot), into the first two slots.
                NeuralCoreThreads.forEachRange(bins) { range in
                    for f in range {
                        let slots = da + f * 4 * q * c, n = q * c
                        for i in 0..<n {
                            slots[i] += slots[3 * n + i]
                            slots[n + i] -= slots[2 * n + i]
                        }
                    }
                }
                withScratch(q * c * plan.blockLength) { blocks in
                    // Per block, `d Re_qᵀ · cos + d Im_qᵀ · (−sin)` (`[channels, blockLength]`).
                    forEachBlockAndPart { column, part, analysis in
                        sgemm(da + part * q * c + column * c, transposeA: true, analysis, transposeB: false,
                              blocks + column * c * plan.blockLength, m: c, n: plan.blockLength, k: bins,
                              beta: Float(part), lda: 4 * q * c)
                    }
                    overlapAdd(blocks, inputGradient)
                }
            }
        }
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        ShiftedProductConvolution(geometry: geometry, outputChannels: outputChannels, weight: weight)
            .accumulateWeightGradient(outputGradient, input: input, weightGradient)
    }

    /// Runs `body(column, part, analysis)` for every block and for the real (`part` 0) then the imaginary part
    /// (`part` 1), `analysis` pointing at that part's `[bins, blockLength]` rows of the analysis matrix; blocks are
    /// split over ``NeuralCoreThreads`` (each range's products serial).
    private func forEachBlockAndPart(_ body: (Int, Int, UnsafePointer<Float>) -> Void) {
        matrices.analysis.withUnsafeBufferPointer { analysis in
            NeuralCoreThreads.forEachRange(plan.columns) { columns in
                for column in columns {
                    for part in 0..<2 { body(column, part, analysis.baseAddress! + part * plan.bins * plan.blockLength) }
                }
            }
        }
    }

    /// Runs `body(column, row, start, width)` for every block, split over ``NeuralCoreThreads`` (each range's
    /// products serial): block `column` of image row `row` covers outputs `start ..< start + width`
    /// (`width = L`, less in a row's last block).
    private func forEachBlock(_ body: (Int, Int, Int, Int) -> Void) {
        let (nb, l, ow) = (plan.blocksPerRow, plan.outputsPerBlock, geometry.outWidth)
        NeuralCoreThreads.forEachRange(plan.columns) { columns in
            for column in columns {
                let (row, j) = column.quotientAndRemainder(dividingBy: nb)
                body(column, row, j * l, min(l, ow - j * l))
            }
        }
    }

    /// Calls `body(block, offset, valid)` for every block of every channel row: `block` points at its
    /// `blockLength` samples in a `[columns, channels, blockLength]` buffer, `offset` is the index in the
    /// `[channels, height, width]` image of the block's first sample (block sample `i` is image scalar `offset + i`;
    /// negative in the left padding), `valid` the block samples that lie inside the image.
    /// Channel rows are split over ``NeuralCoreThreads``.
    private func forEachBlockOfEachRow(
        _ blocks: UnsafeMutablePointer<Float>,
        _ body: (_ block: UnsafeMutablePointer<Float>, _ offset: Int, _ valid: Range<Int>) -> Void
    ) {
        let (width, n, l, nb, c) = (geometry.width, plan.blockLength, plan.outputsPerBlock, plan.blocksPerRow,
                                    geometry.channels)
        NeuralCoreThreads.forEachRange(c * geometry.height, minimumPerThread: 64) { rows in
            for channelRow in rows {
                let (ch, row) = channelRow.quotientAndRemainder(dividingBy: geometry.height)
                for j in 0..<nb {
                    let start = j * l - geometry.padding.1, lower = max(0, -start)
                    body(blocks + ((row * nb + j) * c + ch) * n, channelRow * width + start,
                         lower..<max(lower, min(n, width - start)))
                }
            }
        }
    }

    /// Copies every block of the zero-padded input `[channels, height, width]` into `blocks`
    /// `[columns, channels, blockLength]` (block `j` of a row starts at padded position `j·L`).
    private func cutBlocks(_ input: UnsafePointer<Float>, _ blocks: UnsafeMutablePointer<Float>) {
        let n = plan.blockLength
        forEachBlockOfEachRow(blocks) { block, offset, valid in
            block.update(repeating: 0, count: valid.lowerBound)
            (block + valid.lowerBound).update(from: input + offset + valid.lowerBound, count: valid.count)
            (block + valid.upperBound).update(repeating: 0, count: n - valid.upperBound)
        }
    }

    /// The adjoint of ``cutBlocks(_:_:)``: writes `gradient` `[channels, height, width]` with the sum of every
    /// block's samples that fall inside the image.
    private func overlapAdd(_ blocks: UnsafeMutablePointer<Float>, _ gradient: UnsafeMutablePointer<Float>) {
        gradient.update(repeating: 0, count: geometry.channels * geometry.height * geometry.width)
        forEachBlockOfEachRow(blocks) { block, offset, valid in
            for i in valid { gradient[offset + i] += block[i] }
        }
    }
}

/// How ``OverlapSaveConvolution`` cuts rows into blocks, and the DFT matrices of that block length.
struct OverlapSavePlan {
    /// The DFT length `N` (even).
    let blockLength: Int
    /// The kernel width `k`.
    let kernelWidth: Int
    /// Blocks per output row, `⌈outWidth / L⌉`.
    let blocksPerRow: Int
    /// Rows of the image (each convolved on its own).
    let rows: Int

    /// Outputs per block, `L = N − k + 1`.
    var outputsPerBlock: Int { blockLength - kernelWidth + 1 }
    /// Bins of a real signal's spectrum, `N/2 + 1`.
    var bins: Int { blockLength / 2 + 1 }
    /// Blocks of the whole image, the columns of each bin's product.
    var columns: Int { rows * blocksPerRow }

    init(blockLength: Int, kernelWidth: Int, outWidth: Int, rows: Int) {
        (self.blockLength, self.kernelWidth, self.rows) = (blockLength, kernelWidth, rows)
        let l = blockLength - kernelWidth + 1
        blocksPerRow = (outWidth + l - 1) / l
    }

    /// The modelled cost per channel pair, in floating-point operations: the forward and input-gradient products
    /// (`4·columns·bins` multiply-adds each) plus `168·bins` for the transformed kernel's memory traffic (written once
    /// and streamed through both products, 24 bytes per bin and channel pair, at the ~7 operations per byte that
    /// sgemm and memory manage on these machines).
    var cost: Double { Double(bins) * (16 * Double(columns) + 168) }

    /// The cheapest plan (by ``cost``) over the block lengths `2^p` and `3·2^p` from 8 to 384 that are at least `2k`
    /// (so that a block yields at least `k + 1` outputs), or `2k + 2` for kernels longer than 192.
    static func best(for geometry: ConvolutionGeometry) -> OverlapSavePlan {
        let k = geometry.kernelWidth
        let lengths = (3...8).flatMap { [1 << $0, 3 << ($0 - 1)] }.filter { $0 >= 2 * k }
        let candidates = (lengths.isEmpty ? [2 * k + 2] : lengths).map {
            OverlapSavePlan(blockLength: $0, kernelWidth: k, outWidth: geometry.outWidth, rows: geometry.height)
        }
        return candidates.min { $0.cost < $1.cost }!
    }

    /// A plan's DFT matrices (computed in `Double`, stored as `Float`; ``best(for:)`` compares plans without them).
    struct Matrices {
        /// `[2·bins, kernelWidth]`: `cos(2π·f·j/N)` in row `f`, `sin(2π·f·j/N)` in row `bins + f` (the kernel's DFT).
        let kernel: [Float]
        /// `[2·bins, N]`: `cos(2π·f·n/N)` in row `f`, `−sin(2π·f·n/N)` in row `bins + f` (a block times its transpose
        /// is its spectrum, real parts then imaginary parts).
        let analysis: [Float]
        /// `[2·bins, L]`: the inverse real DFT restricted to a block's first `L` samples; row `2f` is
        /// `a_f·cos(2π·f·t/N)/N`, row `2f + 1` is `−a_f·sin(2π·f·t/N)/N`, with `a_f = 1` at bins 0 and `N/2`, else 2.
        let synthesis: [Float]

        init(plan: OverlapSavePlan) {
            let (bins, n) = (plan.bins, plan.blockLength)
            /// `cos` or `sin` of `2π·(product mod N)/N`.
            func trigonometric(_ product: Int, sine: Bool) -> Double {
                let angle = 2 * Double.pi * Double(product % n) / Double(n)
                return sine ? sin(angle) : cos(angle)
            }
            func table(_ columns: Int, scale: (Int, Bool) -> Double) -> [Float] {
                [false, true].flatMap { sine in
                    (0..<bins).flatMap { f in (0..<columns).map { j in Float(scale(f, sine) * trigonometric(f * j, sine: sine)) } }
                }
            }
            kernel = table(plan.kernelWidth) { _, _ in 1 }
            analysis = table(n) { _, sine in sine ? -1 : 1 }
            synthesis = (0..<bins).flatMap { f in
                let scale = (f == 0 || 2 * f == n ? 1 : 2) / Double(n)
                return [false, true].flatMap { sine in
                    (0..<plan.outputsPerBlock).map { t in Float((sine ? -1 : 1) * scale * trigonometric(f * t, sine: sine)) }
                }
            }
        }
    }
}
