/// 3×3 convolution with stride 1 and dilation 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2016): 16 multiplications per 2×2 output tile and channel pair
/// instead of 36, so the matrix products do 4/9 of the multiply-adds of im2col or shifted products.
///
/// Every 4×4 input tile `d` (tiles step by 2 and overlap by 2; zero outside the image) becomes `V = Bᵀ d B`, every
/// kernel `g` becomes `U = G g Gᵀ`, and for each of the 16 entries ξ of a transformed tile the sum over channels is
/// one `cblas_sgemm`, `M_ξ = U_ξ · V_ξ` (`[outputChannels, channels] · [channels, tiles]`); a 2×2 output tile is
/// `Aᵀ M A`. The input gradient is the same computation on the output gradient, with the kernel rotated by 180° and
/// its channel axes swapped, at padding `2 − padding`; the weight gradient is ``ShiftedProductConvolution``'s.
///
/// Tiles are processed in blocks of about ``blockTiles`` (transform, 16 products, inverse transform), so that a
/// block's transformed data stays in cache; the blocks are split over ``NeuralCoreThreads``, each thread running its
/// products serially. The transforms run on 8 tiles of a tile row at a time (`SIMD8`). Results differ
/// from a direct sum in the last bits (the transforms add and subtract inputs before the products; the error stays at
/// Float32 rounding of the largest inputs).
struct WinogradConvolution: ConvolutionKernel {
    /// Tiles (2×2 outputs each) per block, rounded to whole tile rows.
    static let blockTiles = 512

    let geometry: ConvolutionGeometry
    let outputChannels: Int
    /// The group's weight, `[outputChannels, channels, 3, 3]`.
    let weight: UnsafePointer<Float>

    /// Whether `geometry` is one this kernel computes: a 3×3 kernel, stride 1, dilation 1.
    static func applies(to geometry: ConvolutionGeometry) -> Bool {
        geometry.kernelHeight == 3 && geometry.kernelWidth == 3 && geometry.stride == (1, 1)
            && geometry.dilation == (1, 1)
    }

    /// Output tiles (2×2 outputs each) below which other kernels are faster.
    static let minimumTiles = 48

    /// Whether the output has at least ``minimumTiles`` tiles. Each call transforms the whole kernel (forward, and
    /// rotated for the input gradient: 16 scalars per channel pair into a fresh buffer), which the saved
    /// multiply-adds repay only over enough tiles: ResNet50's 3×3 layers at 1/32 of a 128×432 input (14 tiles) ran
    /// faster on shifted products (the whole step at 2 threads 0.43 → 0.39 s; no change at 1 thread), while its
    /// layers at 1/16 (56 tiles) and above did not gain from leaving Winograd.
    static func pays(for geometry: ConvolutionGeometry) -> Bool {
        (geometry.outHeight + 1) / 2 * ((geometry.outWidth + 1) / 2) >= minimumTiles
    }

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        precondition(Self.applies(to: geometry), "WinogradConvolution needs a 3×3 kernel, stride 1 and dilation 1")
        (self.geometry, self.outputChannels, self.weight) = (geometry, outputChannels, weight)
    }

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let g = geometry
        Self.correlate(
            input, channels: g.channels, height: g.height, width: g.width, padding: g.padding,
            kernel: transformedKernel(rotated: false), transposed: false, outputChannels: outputChannels, output,
            outHeight: g.outHeight, outWidth: g.outWidth)
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let g = geometry
        Self.correlate(
            outputGradient, channels: outputChannels, height: g.outHeight, width: g.outWidth,
            padding: (2 - g.padding.0, 2 - g.padding.1), kernel: transformedKernel(rotated: true), transposed: true,
            outputChannels: g.channels, inputGradient, outHeight: g.height, outWidth: g.width)
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        ShiftedProductConvolution(geometry: geometry, outputChannels: outputChannels, weight: weight)
            .accumulateWeightGradient(outputGradient, input: input, weightGradient)
    }

    /// The transformed kernels `G g Gᵀ`, `[16, outputChannels, channels]`, of every kernel rotated by 180° when
    /// `rotated` (the input gradient's, whose products read each matrix transposed).
    ///
    /// Computed for 16 kernels at a time, so that each of the 16 planes gets whole cache lines (planes a power of two
    /// apart would otherwise evict each other's partly written lines), split over ``NeuralCoreThreads``.
    private func transformedKernel(rotated: Bool) -> [Float] {
        let (channels, outputs) = (geometry.channels, outputChannels), plane = channels * outputs
        return uninitializedScalars(16 * plane) { u in
            forEachSixteenKernels(weight, count: plane, kernelSize: 9, reversed: rotated) {
                start, lanes, taps in
                @inline(__always) func tap(_ t: Int) -> SIMD16<Float> {
                    UnsafeRawPointer(taps + 16 * t).loadUnaligned(as: SIMD16<Float>.self)
                }
                /// Row `i` of U from row `i` of `G g` (`a0…a2`): `(a0, (a0 + a1 + a2)/2, (a0 − a1 + a2)/2, a2)`.
                @inline(__always) func store(_ i: Int, _ a0: SIMD16<Float>, _ a1: SIMD16<Float>, _ a2: SIMD16<Float>) {
                    let row = u + 4 * i * plane + start
                    storeLanes(a0, row, lanes)
                    storeLanes(0.5 * (a0 + a1 + a2), row + plane, lanes)
                    storeLanes(0.5 * (a0 - a1 + a2), row + 2 * plane, lanes)
                    storeLanes(a2, row + 3 * plane, lanes)
                }
                // Rows of G g: g₀, (g₀ + g₁ + g₂)/2, (g₀ − g₁ + g₂)/2, g₂ for the kernel rows gᵢ.
                let (g00, g01, g02, g10, g11, g12) = (tap(0), tap(1), tap(2), tap(3), tap(4), tap(5))
                let (g20, g21, g22) = (tap(6), tap(7), tap(8))
                store(0, g00, g01, g02)
                store(1, 0.5 * (g00 + g10 + g20), 0.5 * (g01 + g11 + g21), 0.5 * (g02 + g12 + g22))
                store(2, 0.5 * (g00 - g10 + g20), 0.5 * (g01 - g11 + g21), 0.5 * (g02 - g12 + g22))
                store(3, g20, g21, g22)
            }
        }
    }

    /// Writes `output` `[outputChannels, outHeight, outWidth]` (`outHeight = height + 2·padding.0 − 2`, likewise the
    /// width) with the 3×3 cross-correlation of `input` `[channels, height, width]`, zero-padded by `padding` (which
    /// may be negative: a crop), with the transformed kernel `kernel`: `[16, outputChannels, channels]`, or
    /// `[16, channels, outputChannels]` read transposed when `transposed`.
    private static func correlate(
        _ input: UnsafePointer<Float>, channels: Int, height: Int, width: Int, padding: (Int, Int), kernel: [Float],
        transposed: Bool, outputChannels: Int, _ output: UnsafeMutablePointer<Float>, outHeight: Int, outWidth: Int
    ) {
        let layout = TileLayout(outHeight: outHeight, outWidth: outWidth)
        // At most `blockTiles` per block, and at least one block per thread where there are enough tile rows.
        let perThread = (layout.tileRows + NeuralCoreThreads.threadCount - 1) / NeuralCoreThreads.threadCount
        let blockRows = max(1, min(perThread, blockTiles / layout.paddedTileColumns))
        let blocks = (layout.tileRows + blockRows - 1) / blockRows
        let maximumTiles = blockRows * layout.paddedTileColumns
        kernel.withUnsafeBufferPointer { u in
            NeuralCoreThreads.forEachRange(blocks) { blockRange in
                withScratch(16 * channels * maximumTiles) { transformed in
                    withScratch(16 * outputChannels * maximumTiles) { products in
                        withScratch(4 * layout.rowLength) { rows in
                            for block in blockRange {
                                let tileRows = block * blockRows..<min(layout.tileRows, (block + 1) * blockRows)
                                let tiles = tileRows.count * layout.paddedTileColumns
                                for c in 0..<channels {
                                    layout.transformInput(
                                        input + c * height * width, height: height, width: width, padding: padding,
                                        tileRows: tileRows, rows: rows, transformed + c * tiles, entryStride: channels * tiles)
                                }
                                for entry in 0..<16 {
                                    sgemm(u.baseAddress! + entry * outputChannels * channels, transposeA: transposed,
                                          transformed + entry * channels * tiles, transposeB: false,
                                          products + entry * outputChannels * tiles, m: outputChannels, n: tiles, k: channels)
                                }
                                for o in 0..<outputChannels {
                                    layout.transformOutput(
                                        products + o * tiles, entryStride: outputChannels * tiles, tileRows: tileRows,
                                        output + o * outHeight * outWidth)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How one channel's output of a Winograd F(2×2, 3×3) convolution is cut into 2×2 tiles: `tileRows` rows of
/// `tileColumns` tiles, stored with rows of `paddedTileColumns` (a multiple of 8, for the `SIMD8` transforms; the
/// extra tiles read zeros and are never written out).
private struct TileLayout {
    let outHeight: Int, outWidth: Int
    let tileRows: Int, tileColumns: Int, paddedTileColumns: Int

    init(outHeight: Int, outWidth: Int) {
        (self.outHeight, self.outWidth) = (outHeight, outWidth)
        tileRows = (outHeight + 1) / 2
        tileColumns = (outWidth + 1) / 2
        paddedTileColumns = (tileColumns + 7) / 8 * 8
    }

    /// Scalars of one zero-padded input row as the tile transforms read it (`2·paddedTileColumns + 2`).
    var rowLength: Int { 2 * paddedTileColumns + 2 }

    /// Writes `Bᵀ d B` of the tiles in `tileRows` of one channel `image` `[height, width]`: entry ξ of tile `t` (the
    /// block's tiles counted row by row at the padded row length) goes to `transformed[ξ·entryStride + t]`. `rows` is
    /// scratch for 4 input rows of ``rowLength``.
    @inline(__always)
    func transformInput(
        _ image: UnsafePointer<Float>, height: Int, width: Int, padding: (Int, Int), tileRows: Range<Int>,
        rows: UnsafeMutablePointer<Float>, _ transformed: UnsafeMutablePointer<Float>, entryStride: Int
    ) {
        let length = rowLength
        // The input columns that land inside a padded row: u = x + padding.1 for 0 ≤ x < width, 0 ≤ u < length.
        let firstColumn = max(0, padding.1), lastColumn = min(length, width + padding.1)
        for (blockRow, tileRow) in tileRows.enumerated() {
            for r in 0..<4 {
                let row = rows + r * length, y = 2 * tileRow + r - padding.0
                guard y >= 0 && y < height && firstColumn < lastColumn else {
                    row.update(repeating: 0, count: length)
                    continue
                }
                row.update(repeating: 0, count: firstColumn)
                (row + firstColumn).update(from: image + y * width + firstColumn - padding.1, count: lastColumn - firstColumn)
                (row + lastColumn).update(repeating: 0, count: length - lastColumn)
            }
            let target = transformed + blockRow * paddedTileColumns
            for t in stride(from: 0, to: paddedTileColumns, by: 8) {
                // Each input row of 8 tiles times B (its columns combined), then the rows combined (Bᵀ ·).
                let (r0, r1, r2, r3) = (rowTimesB(rows + 2 * t), rowTimesB(rows + length + 2 * t),
                                        rowTimesB(rows + 2 * length + 2 * t), rowTimesB(rows + 3 * length + 2 * t))
                let entry = target + t
                storeBᵀ(r0.0, r1.0, r2.0, r3.0, entry, entryStride)
                storeBᵀ(r0.1, r1.1, r2.1, r3.1, entry + entryStride, entryStride)
                storeBᵀ(r0.2, r1.2, r2.2, r3.2, entry + 2 * entryStride, entryStride)
                storeBᵀ(r0.3, r1.3, r2.3, r3.3, entry + 3 * entryStride, entryStride)
            }
        }
    }

    /// One input row of 8 consecutive tiles (`row[2l…2l+3]` for tile `l`) times B: `(d0 − d2, d1 + d2, d2 − d1,
    /// d1 − d3)`.
    @inline(__always)
    private func rowTimesB(_ row: UnsafePointer<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let a = UnsafeRawPointer(row).loadUnaligned(as: SIMD16<Float>.self)
        let b = UnsafeRawPointer(row + 2).loadUnaligned(as: SIMD16<Float>.self)
        let (d0, d1, d2, d3) = (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
        return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
    }

    /// Stores column `j` of `Bᵀ e` (rows `e0…e3` of column j) at entries `(i, j)`, `i = 0…3`: `p + 4i·entryStride`.
    @inline(__always)
    private func storeBᵀ(
        _ e0: SIMD8<Float>, _ e1: SIMD8<Float>, _ e2: SIMD8<Float>, _ e3: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>,
        _ entryStride: Int
    ) {
        storeLanes(e0 - e2, p, 8)
        storeLanes(e1 + e2, p + 4 * entryStride, 8)
        storeLanes(e2 - e1, p + 8 * entryStride, 8)
        storeLanes(e1 - e3, p + 12 * entryStride, 8)
    }

    /// Writes the 2×2 outputs `Aᵀ M A` of the tiles in `tileRows` into one output channel `[outHeight, outWidth]`,
    /// reading entry ξ of tile `t` from `products[ξ·entryStride + t]` (the layout ``transformInput`` writes).
    @inline(__always)
    func transformOutput(
        _ products: UnsafePointer<Float>, entryStride: Int, tileRows: Range<Int>, _ output: UnsafeMutablePointer<Float>
    ) {
        for (blockRow, tileRow) in tileRows.enumerated() {
            let source = products + blockRow * paddedTileColumns
            let y = 2 * tileRow, secondRow = y + 1 < outHeight
            for t in stride(from: 0, to: tileColumns, by: 8) {
                // Each column j of 8 tiles' M combined over rows (Aᵀ ·), then the two rows times A.
                let (c0, c1, c2, c3) = (aᵀTimes(source + t, entryStride), aᵀTimes(source + entryStride + t, entryStride),
                                        aᵀTimes(source + 2 * entryStride + t, entryStride),
                                        aᵀTimes(source + 3 * entryStride + t, entryStride))
                write(c0.0 + c1.0 + c2.0, c1.0 - c2.0 - c3.0, row: output + y * outWidth, tile: t)
                if secondRow { write(c0.1 + c1.1 + c2.1, c1.1 - c2.1 - c3.1, row: output + (y + 1) * outWidth, tile: t) }
            }
        }
    }

    /// Column j of `Aᵀ M` for 8 tiles, reading `M[i][j]` at `p + 4i·entryStride`: `(m0 + m1 + m2, m1 − m2 − m3)`.
    @inline(__always)
    private func aᵀTimes(_ p: UnsafePointer<Float>, _ entryStride: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        let (m0, m1, m2, m3) = (loadLanes(p, 8), loadLanes(p + 4 * entryStride, 8), loadLanes(p + 8 * entryStride, 8),
                                loadLanes(p + 12 * entryStride, 8))
        return (m0 + m1 + m2, m1 - m2 - m3)
    }

    /// Writes one output row of 8 tiles starting at tile column `tile`: `left[l]` at column `2(tile + l)`, `right[l]`
    /// next to it, within the row's `outWidth` columns.
    @inline(__always)
    private func write(_ left: SIMD8<Float>, _ right: SIMD8<Float>, row: UnsafeMutablePointer<Float>, tile: Int) {
        let start = row + 2 * tile
        if 2 * tile + 16 <= outWidth {
            var pair = SIMD16<Float>()
            for l in 0..<8 {
                pair[2 * l] = left[l]
                pair[2 * l + 1] = right[l]
            }
            UnsafeMutableRawPointer(start).storeBytes(of: pair, as: SIMD16<Float>.self)
        } else {
            for l in 0..<min(8, tileColumns - tile) {
                start[2 * l] = left[l]
                if 2 * (tile + l) + 1 < outWidth { start[2 * l + 1] = right[l] }
            }
        }
    }
}
