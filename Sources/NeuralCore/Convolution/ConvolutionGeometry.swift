/// The geometry of one 2-D convolution of one image and one group (`[channels, height, width]` input, weights
/// `[outputChannels, channels, kernelHeight, kernelWidth]`), shared by every convolution kernel and by
/// `convTranspose1d`.
struct ConvolutionGeometry {
    let channels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    var outHeight: Int { (height + 2 * padding.0 - dilation.0 * (kernelHeight - 1) - 1) / stride.0 + 1 }
    var outWidth: Int { (width + 2 * padding.1 - dilation.1 * (kernelWidth - 1) - 1) / stride.1 + 1 }
    /// Scalars of one input patch, `channels·kernelHeight·kernelWidth` (the K of the im2col product).
    var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Kernel taps per channel, `kernelHeight·kernelWidth`.
    var tapCount: Int { kernelHeight * kernelWidth }

    /// The input row read by output row `y` at kernel row `i`, or `nil` where it lies in the padding.
    @inline(__always) func inputRow(_ y: Int, _ i: Int) -> Int? {
        let h = y * stride.0 - padding.0 + i * dilation.0
        return h >= 0 && h < height ? h : nil
    }

    /// The offset added to `x·stride.1` to get the input column read by output column `x` at kernel column `j`.
    @inline(__always) func columnOffset(_ j: Int) -> Int { j * dilation.1 - padding.1 }

    /// The output columns whose input column at kernel column `j` lies inside the image (not in the padding).
    func validColumns(_ j: Int) -> Range<Int> {
        let offset = columnOffset(j), s = stride.1
        // x·s + offset ≥ 0  ⇔  x ≥ ⌈−offset/s⌉;  x·s + offset ≤ width − 1  ⇔  x ≤ ⌊(width − 1 − offset)/s⌋.
        let first = offset >= 0 ? 0 : (-offset + s - 1) / s
        let lastNumerator = width - 1 - offset
        let end = lastNumerator < 0 ? 0 : min(outWidth, lastNumerator / s + 1)
        return first < end ? first..<end : 0..<0
    }

    /// Unfolds output rows `rows` of one image `[channels, height, width]` into columns
    /// `[patchSize, rows.count·outWidth]` (the im2col matrix restricted to those rows), writing every entry.
    /// Patch rows are split over ``NeuralCoreThreads``.
    func im2col(_ image: UnsafePointer<Float>, rows: Range<Int>, _ cols: UnsafeMutablePointer<Float>) {
        let ow = outWidth, n = rows.count * ow
        NeuralCoreThreads.forEachRange(patchSize, minimumPerThread: max(1, 16_384 / max(n, 1))) { patchRows in
            for row in patchRows {
                let c = row / tapCount, i = (row / kernelWidth) % kernelHeight, j = row % kernelWidth
                let valid = validColumns(j), offset = columnOffset(j)
                for (t, y) in rows.enumerated() {
                    let out = cols + row * n + t * ow
                    guard let h = inputRow(y, i) else {
                        out.update(repeating: 0, count: ow)
                        continue
                    }
                    out.update(repeating: 0, count: valid.lowerBound)
                    (out + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound)
                    let source = image + (c * height + h) * width + offset
                    if stride.1 == 1 {
                        (out + valid.lowerBound).update(from: source + valid.lowerBound, count: valid.count)
                    } else {
                        for x in valid { out[x] = source[x * stride.1] }
                    }
                }
            }
        }
    }

    /// Adds columns `[patchSize, rows.count·outWidth]` of output rows `rows` back into an image gradient
    /// `[channels, height, width]` (the adjoint of ``im2col(_:rows:_:)``). Channels are split over
    /// ``NeuralCoreThreads`` (each channel's plane is written by one thread).
    func col2im(_ cols: UnsafePointer<Float>, rows: Range<Int>, _ image: UnsafeMutablePointer<Float>) {
        let ow = outWidth, n = rows.count * ow
        NeuralCoreThreads.forEachRange(channels) { channelRange in
            for c in channelRange {
                for i in 0..<kernelHeight {
                    for j in 0..<kernelWidth {
                        let row = (c * kernelHeight + i) * kernelWidth + j
                        let valid = validColumns(j), offset = columnOffset(j)
                        for (t, y) in rows.enumerated() {
                            guard let h = inputRow(y, i) else { continue }
                            let source = cols + row * n + t * ow
                            let target = image + (c * height + h) * width + offset
                            if stride.1 == 1 {
                                for x in valid { target[x] += source[x] }
                            } else {
                                for x in valid { target[x * stride.1] += source[x] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output rows per tile so that a tile holds about `columns` output positions (at least one row).
    func tileRows(columns: Int) -> Int { max(1, min(outHeight, columns / max(outWidth, 1))) }
}

/// Runs `body` with an uninitialised scratch buffer of `count` scalars (a ``HugePageBuffer``), freed afterwards.
@inline(__always)
func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    let buffer = HugePageBuffer(count: count)
    return try withExtendedLifetime(buffer) { try body(buffer.pointer) }
}

/// An array of `count` scalars whose every element `body` writes (no zero-filling first).
@inline(__always)
func uninitializedScalars(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { body(buffer.baseAddress!) }
        initialized = count
    }
}

/// Runs `body(start, lanes, taps)` over `count` kernels of `kernelSize` scalars each (`weight`, kernel after kernel),
/// 16 kernels at a time and split over ``NeuralCoreThreads``: `taps[16·t + l]` is tap `t` of kernel `start + l`
/// (counted from the kernel's end when `reversed`) for `l < lanes` (other lanes hold stale taps). The Winograd kernel
/// transform reads its 16-lane vectors from it.
func forEachSixteenKernels(
    _ weight: UnsafePointer<Float>, count: Int, kernelSize: Int, reversed: Bool,
    _ body: (_ start: Int, _ lanes: Int, _ taps: UnsafePointer<Float>) -> Void
) {
    NeuralCoreThreads.forEachRange((count + 15) / 16, minimumPerThread: 64) { groups in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 * kernelSize) { buffer in
            let taps = buffer.baseAddress!
            taps.initialize(repeating: 0, count: 16 * kernelSize)  // lanes past `lanes` are read but never stored
            for group in groups {
                let start = 16 &* group, lanes = min(16, count &- start)
                for l in 0..<lanes {
                    let kernel = weight + (start &+ l) &* kernelSize, lane = taps + l
                    if reversed {
                        for t in 0..<kernelSize { lane[16 &* t] = kernel[kernelSize &- 1 &- t] }
                    } else {
                        for t in 0..<kernelSize { lane[16 &* t] = kernel[t] }
                    }
                }
                body(start, lanes, taps)
            }
        }
    }
}
