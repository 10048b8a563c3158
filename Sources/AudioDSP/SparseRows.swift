/// A sparse matrix stored as one contiguous run of non-zero columns per row (the shape of a mel filterbank: each
/// triangular filter covers a contiguous range of FFT bins), with its transpose in the same form.
///
/// ``multiply(_:_:width:rows:)`` computes `out[r, :] = Σ_c W[r, c] · in[c, :]` for row-major blocks of `width`
/// columns (frames), so the cost is `2 · nonZeros · width` flops instead of a dense product's `2 · rows · columns ·
/// width`, and the inner loop is a contiguous, auto-vectorised axpy over frames.
struct SparseRows: Sendable, Equatable {
    let rowCount: Int
    let columnCount: Int
    /// Row `r`'s non-zero run covers columns `starts[r] ..< starts[r] + (offsets[r + 1] − offsets[r])`, with weights
    /// `values[offsets[r] ..< offsets[r + 1]]`.
    let starts: [Int]
    let offsets: [Int]
    let values: [Float]

    /// Keeps, for every row of the dense `[rowCount, columnCount]` matrix, the run from its first to its last
    /// non-zero entry.
    init(dense: [Float], rowCount: Int, columnCount: Int) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        var starts: [Int] = [], offsets = [0], values: [Float] = []
        for row in 0..<rowCount {
            let rowValues = dense[row * columnCount ..< (row + 1) * columnCount]
            if let first = rowValues.firstIndex(where: { $0 != 0 }), let last = rowValues.lastIndex(where: { $0 != 0 }) {
                starts.append(first - row * columnCount)
                values += dense[first...last]
            } else {
                starts.append(0)
            }
            offsets.append(values.count)
        }
        self.starts = starts
        self.offsets = offsets
        self.values = values
    }

    /// Row `row`'s weights, in column order from `starts[row]`.
    func weights(ofRow row: Int) -> ArraySlice<Float> { values[offsets[row] ..< offsets[row + 1]] }

    /// The transpose, in the same contiguous-run form.
    func transposed() -> SparseRows {
        var dense = [Float](repeating: 0, count: rowCount * columnCount)
        for row in 0..<rowCount {
            for (offset, weight) in weights(ofRow: row).enumerated() { dense[(starts[row] + offset) * rowCount + row] = weight }
        }
        return SparseRows(dense: dense, rowCount: columnCount, columnCount: rowCount)
    }

    /// `output[r, :] = Σ_c W[r, c] · input[c, :]` for the rows in `rows`, on row-major blocks `width` columns wide
    /// (`input` is `[columnCount, width]`, `output` is `[rowCount, width]`).
    func multiply(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, width: Int, rows: Range<Int>) {
        values.withUnsafeBufferPointer { values in
            for row in rows {
                let destination = output + row * width
                destination.update(repeating: 0, count: width)
                var source = input + starts[row] * width
                for index in offsets[row] ..< offsets[row + 1] {
                    let weight = values[index]
                    for frame in 0..<width { destination[frame] += weight * source[frame] }
                    source += width
                }
            }
        }
    }

    /// `output[r · outputStride + f] = Σ_c W[r, c] · frames[f · frameStride + c]` for every row `r` and the `count`
    /// frames `f` of a frame-major block (each frame's `columnCount` values contiguous): one contiguous dot product
    /// per row and frame, eight columns at a time.
    func multiply(frames input: UnsafePointer<Float>, frameStride: Int, count: Int,
                  _ output: UnsafeMutablePointer<Float>, outputStride: Int) {
        values.withUnsafeBufferPointer { values in
            starts.withUnsafeBufferPointer { starts in
                offsets.withUnsafeBufferPointer { offsets in
                    for row in 0..<rowCount {
                        let weights = values.baseAddress! + offsets[row], length = offsets[row + 1] - offsets[row]
                        let whole = length / 8 * 8
                        for frame in 0..<count {
                            let source = input + frame * frameStride + starts[row]
                            var partial = SIMD8<Float>()
                            for i in stride(from: 0, to: whole, by: 8) {
                                partial += UnsafeRawPointer(weights + i).loadUnaligned(as: SIMD8<Float>.self)
                                    * UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
                            }
                            var sum = partial.sum()
                            for i in whole..<length { sum += weights[i] * source[i] }
                            output[row * outputStride + frame] = sum
                        }
                    }
                }
            }
        }
    }
}
