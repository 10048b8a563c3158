/// Convolution by im2col + `cblas_sgemm`, tiled over output rows so that the column buffer holds about
/// ``tileColumns`` output positions (`patchSize × tileColumns` scalars, a few MB for a 3×3 kernel over 64 channels)
/// instead of the whole `patchSize × outHeight·outWidth` matrix. Any stride, padding and dilation. Unfolding is split
/// over ``NeuralCoreThreads`` and the products are split by `sgemm`.
struct Im2colConvolution: ConvolutionKernel {
    /// Output positions per tile.
    static let tileColumns = 4096

    let geometry: ConvolutionGeometry
    let outputChannels: Int
    let weight: UnsafePointer<Float>

    init(geometry: ConvolutionGeometry, outputChannels: Int, weight: UnsafePointer<Float>) {
        (self.geometry, self.outputChannels, self.weight) = (geometry, outputChannels, weight)
    }

    /// Calls `body(rows, columns)` for each tile of output rows with a column buffer for it.
    private func forEachTile(_ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let tile = geometry.tileRows(columns: Self.tileColumns), oh = geometry.outHeight
        withScratch(geometry.patchSize * tile * geometry.outWidth) { cols in
            for start in stride(from: 0, to: oh, by: tile) { body(start..<min(oh, start + tile), cols) }
        }
    }

    func forward(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let ow = geometry.outWidth, spatial = geometry.outHeight * ow, k = geometry.patchSize
        forEachTile { rows, cols in
            geometry.im2col(input, rows: rows, cols)
            sgemm(weight, transposeA: false, cols, transposeB: false, output + rows.lowerBound * ow,
                  m: outputChannels, n: rows.count * ow, k: k, ldc: spatial)
        }
    }

    func inputGradient(_ outputGradient: UnsafePointer<Float>, _ inputGradient: UnsafeMutablePointer<Float>) {
        let ow = geometry.outWidth, spatial = geometry.outHeight * ow, k = geometry.patchSize
        inputGradient.update(repeating: 0, count: geometry.channels * geometry.height * geometry.width)
        forEachTile { rows, cols in
            sgemm(weight, transposeA: true, outputGradient + rows.lowerBound * ow, transposeB: false, cols,
                  m: k, n: rows.count * ow, k: outputChannels, ldb: spatial)
            geometry.col2im(cols, rows: rows, inputGradient)
        }
    }

    func accumulateWeightGradient(
        _ outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, _ weightGradient: UnsafeMutablePointer<Float>
    ) {
        let ow = geometry.outWidth, spatial = geometry.outHeight * ow, k = geometry.patchSize
        forEachTile { rows, cols in
            geometry.im2col(input, rows: rows, cols)
            sgemm(outputGradient + rows.lowerBound * ow, transposeA: false, cols, transposeB: true, weightGradient,
                  m: outputChannels, n: k, k: rows.count * ow, beta: 1, lda: spatial)
        }
    }
}
