/// Convolution with stride 1 as a few matrix products on shifted views of the padded input, with no im2col matrix.
///
/// With the input zero-padded to `[channels, paddedHeight, paddedWidth]` and the output computed at the padded width
/// (the last `paddedWidth − outWidth` columns of each row are discarded), output position `q = y·paddedWidth + x`
/// reads input position `q + i·dilation.0·paddedWidth + j·dilation.1` at tap `(i, j)`: a constant shift. So the
/// output is `Σ_taps W_tap · P_shifted`, where `W_tap` is the `[outputChannels, channels]` slice of the weight and
/// `P_shifted` is the padded input viewed as a `[channels, positions]` matrix whose rows are `paddedHeight·paddedWidth`
/// apart — `cblas_sgemm` reads it in place. The forward pass groups the taps of one kernel row: a tile's padded rows
/// are copied `kernelWidth` times, each copy shifted by one tap (`[channels·kernelWidth, positions]`), so each kernel
/// row is one product with K = `channels·kernelWidth` and the output is rounded `kernelHeight` times instead of
/// `kernelHeight·kernelWidth` (fewer max-pool near-ties flip against a Float64 reference). The input gradient
/// scatters `W_tapᵀ · G` into the same shifted views of a padded gradient, and the weight gradient is
/// `G · P_shiftedᵀ` per tap. Rows are tiled (about
/// ``tileColumns`` positions per tile) so the tile of output and input stays in cache across the taps; products
/// are split by `sgemm`.
struct ShiftedProductConvolution: ConvolutionKernel {
    /// Output positions (at the padded width) per tile.
    static let tileColumns = 4096

    let geometry: ConvolutionGeometry
    let outputChannels: Int
    /// The group's weight, `[outputChannels, channels, kernelHeight, kernelWidth]`.
    let weight: UnsafePointer<Float>
    let paddedHeight: Int, paddedWidth: Int
    /// Scalars past the last padded plane that the last taps' shifted views reach (read or written, never used).
    let slack: Int

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        precondition(geometry.stride == (1, 1), "ShiftedProductConvolution needs stride 1")
        self.geometry = geometry
        self.outputChannels = outputChannels
        self.weight = weight
        paddedHeight = geometry.height + 2 * geometry.padding.0
        paddedWidth = geometry.width + 2 * geometry.padding.1
        slack = (geometry.kernelWidth - 1) * geometry.dilation.1
    }

    private var plane: Int { paddedHeight * paddedWidth }
    private var paddedCount: Int { geometry.channels * plane + slack }

    /// The weight tap-major, `[tapCount, outputChannels, channels]` (gradients).
    private func tapWeights() -> [Float] {
        let (taps, channels) = (geometry.tapCount, geometry.channels)
        return uninitializedScalars(taps * outputChannels * channels) { packed in
            // Output channel by output channel, so that the channel's block of the weight stays in cache.
            for o in 0..<outputChannels {
                for t in 0..<taps {
                    let row = packed + (t * outputChannels + o) * channels, source = weight + o * channels * taps + t
                    for c in 0..<channels { row[c] = source[c * taps] }
                }
            }
        }
    }

    /// The weight by kernel row, `[kernelHeight, outputChannels, channels·kernelWidth]` (forward pass).
    private func rowWeights() -> [Float] {
        let (kh, kw, channels) = (geometry.kernelHeight, geometry.kernelWidth, geometry.channels)
        return uninitializedScalars(kh * outputChannels * channels * kw) { packed in
            for i in 0..<kh {
                for o in 0..<outputChannels {
                    let row = packed + (i * outputChannels + o) * channels * kw
                    for c in 0..<channels {
                        (row + c * kw).update(from: weight + ((o * channels + c) * kh + i) * kw, count: kw)
                    }
                }
            }
        }
    }

    /// The offset of tap `t`'s shifted view.
    private func shift(_ t: Int) -> Int {
        (t / geometry.kernelWidth) * geometry.dilation.0 * paddedWidth + (t % geometry.kernelWidth) * geometry.dilation.1
    }

    /// Calls `body(rows, positions)` for each tile of output rows, with a buffer of `outputChannels × positions`.
    private func forEachTile(_ body: (Range<Int>, Int, UnsafeMutablePointer<Float>) -> Void) {
        let oh = geometry.outHeight, tile = max(1, min(oh, Self.tileColumns / paddedWidth))
        withScratch(outputChannels * tile * paddedWidth) { buffer in
            for start in stride(from: 0, to: oh, by: tile) {
                let rows = start..<min(oh, start + tile)
                body(rows, rows.count * paddedWidth, buffer)
            }
        }
    }

    /// Writes the zero-padded input (and zero slack) into `padded`.
    private func pad(_ input: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let g = geometry
        NeuralCoreThreads.forEachRange(g.channels) {
            for c in $0 {
                let plane = padded + c * self.plane
                plane.update(repeating: 0, count: g.padding.0 * paddedWidth)
                for h in 0..<g.height {
                    let row = plane + (h + g.padding.0) * paddedWidth
                    row.update(repeating: 0, count: g.padding.1)
                    (row + g.padding.1).update(from: input + (c * g.height + h) * g.width, count: g.width)
                    (row + g.padding.1 + g.width).update(repeating: 0, count: g.padding.1)
                }
                (plane + (g.height + g.padding.0) * paddedWidth).update(repeating: 0, count: g.padding.0 * paddedWidth)
            }
        }
        (padded + g.channels * plane).update(repeating: 0, count: slack)
    }

    /// Copies output-gradient rows `rows` into `widened` at the padded width, zeroing the discarded columns.
    private func widen(_ outputGradient: UnsafePointer<Float>, rows: Range<Int>, into widened: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (geometry.outHeight, geometry.outWidth)
        for o in 0..<outputChannels {
            for (r, y) in rows.enumerated() {
                let target = widened + (o * rows.count + r) * paddedWidth
                target.update(from: outputGradient + (o * oh + y) * ow, count: ow)
                (target + ow).update(repeating: 0, count: paddedWidth - ow)
            }
        }
    }

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = geometry, (oh, ow) = (g.outHeight, g.outWidth), k = g.channels * g.kernelWidth
        let halo = (g.kernelHeight - 1) * g.dilation.0 * paddedWidth
        let maximumSpan = min(oh, max(1, Self.tileColumns / paddedWidth)) * paddedWidth + halo
        withScratch(paddedCount) { padded in
            pad(input, into: padded)
            withScratch(k * maximumSpan) { shifted in
                rowWeights().withUnsafeBufferPointer { packed in
                    forEachTile { rows, positions, tile in
                        // Row (c, j) of `shifted`: the tile's padded rows of channel c, shifted by tap column j.
                        let span = positions + halo, start = padded + rows.lowerBound * paddedWidth
                        NeuralCoreThreads.forEachRange(k, minimumPerThread: elementwiseGrain / span + 1) {
                            for row in $0 {
                                (shifted + row * span).update(
                                    from: start + (row / g.kernelWidth) * plane + (row % g.kernelWidth) * g.dilation.1,
                                    count: span)
                            }
                        }
                        for i in 0..<g.kernelHeight {
                            sgemm(packed.baseAddress! + i * outputChannels * k, transposeA: false,
                                  shifted + i * g.dilation.0 * paddedWidth, transposeB: false, tile,
                                  m: outputChannels, n: positions, k: k, beta: i == 0 ? 0 : 1, ldb: span)
                        }
                        for o in 0..<outputChannels {
                            for (r, y) in rows.enumerated() {
                                (output + (o * oh + y) * ow).update(from: tile + (o * rows.count + r) * paddedWidth, count: ow)
                            }
                        }
                    }
                }
            }
        }
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let g = geometry
        withScratch(paddedCount) { padded in
            padded.update(repeating: 0, count: paddedCount)
            tapWeights().withUnsafeBufferPointer { packed in
                forEachTile { rows, positions, tile in
                    widen(outputGradient, rows: rows, into: tile)
                    for t in 0..<g.tapCount {
                        sgemm(packed.baseAddress! + t * outputChannels * g.channels, transposeA: true, tile,
                              transposeB: false, padded + rows.lowerBound * paddedWidth + shift(t),
                              m: g.channels, n: positions, k: outputChannels, beta: 1, ldc: plane)
                    }
                }
            }
            NeuralCoreThreads.forEachRange(g.channels) {
                for c in $0 {
                    for h in 0..<g.height {
                        (inputGradient + (c * g.height + h) * g.width).update(
                            from: padded + c * plane + (h + g.padding.0) * paddedWidth + g.padding.1, count: g.width)
                    }
                }
            }
        }
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        let (taps, channels) = (geometry.tapCount, geometry.channels)
        withScratch(paddedCount) { padded in
            pad(input, into: padded)
            withScratch(taps * outputChannels * channels) { packedGradient in
                packedGradient.update(repeating: 0, count: taps * outputChannels * channels)
                forEachTile { rows, positions, tile in
                    widen(outputGradient, rows: rows, into: tile)
                    for t in 0..<taps {
                        sgemm(tile, transposeA: false, padded + rows.lowerBound * paddedWidth + shift(t),
                              transposeB: true, packedGradient + t * outputChannels * channels,
                              m: outputChannels, n: channels, k: positions, beta: 1, ldb: plane)
                    }
                }
                for o in 0..<outputChannels {
                    for c in 0..<channels {
                        for t in 0..<taps {
                            weightGradient[(o * channels + c) * taps + t] += packedGradient[(t * outputChannels + o) * channels + c]
                        }
                    }
                }
            }
        }
    }
}
