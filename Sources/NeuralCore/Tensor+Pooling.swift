extension Tensor {
    /// The number of (image, channel) planes of an `[N, C, H, W]` tensor.
    fileprivate var planeCount: Int { shape[0] * shape[1] }
}

/// 2-D max pooling (PyTorch `F.max_pool2d(kernel_size, stride, padding)`), `x` `[N, C, H, W]`; padding is
/// `-∞`. Output extent `⌊(H + 2·padding − kernel)/stride⌋ + 1`. The gradient goes to the first maximum of each window.
public func maxPool2d(
    _ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)
) -> Tensor {
    precondition(x.rank == 4, "maxPool2d: input must be [N, C, H, W], got \(x.shape)")
    let stride = stride ?? kernelSize
    let (h, w) = (x.shape[2], x.shape[3])
    let oh = (h + 2 * padding.0 - kernelSize.0) / stride.0 + 1, ow = (w + 2 * padding.1 - kernelSize.1) / stride.1 + 1
    let planes = x.planeCount, windowCount = oh * ow
    // The flat input index of each window's first maximum, -1 for a window wholly in the padding.
    var argmax = [Int](repeating: -1, count: planes * windowCount)
    let out = uninitializedScalars(planes * windowCount) { po in
        x.withUnsafeBufferPointer { p in
            argmax.withUnsafeMutableBufferPointer { argmax in
                let (p, argmax) = (p.baseAddress!, argmax.baseAddress!)
                NeuralCoreThreads.forEachRange(planes) {
                    for plane in $0 {
                        for y in 0..<oh {
                            for xo in 0..<ow {
                                let o = (plane * oh + y) * ow + xo
                                var best = -Float.infinity, bestIndex = -1
                                for i in 0..<kernelSize.0 {
                                    let r = y * stride.0 - padding.0 + i
                                    guard r >= 0 && r < h else { continue }
                                    for j in 0..<kernelSize.1 {
                                        let c = xo * stride.1 - padding.1 + j
                                        guard c >= 0 && c < w else { continue }
                                        let index = (plane * h + r) * w + c
                                        if p[index] > best || bestIndex < 0 { best = p[index]; bestIndex = index }
                                    }
                                }
                                po[o] = best
                                argmax[o] = bestIndex
                            }
                        }
                    }
                }
            }
        }
    }
    let result = Tensor(shape: [x.shape[0], x.shape[1], oh, ow], scalars: out)
    return Tensor.record(result, inputs: [x]) { g, _ in
        var dx = [Float](repeating: 0, count: x.scalarCount)
        dx.withUnsafeMutableBufferPointer { dx in
            g.withUnsafeBufferPointer { pg in
                argmax.withUnsafeBufferPointer { argmax in
                    let (dx, pg, argmax) = (dx.baseAddress!, pg.baseAddress!, argmax.baseAddress!)
                    // A window's maximum lies in the window's own plane: planes are written by one thread each.
                    NeuralCoreThreads.forEachRange(planes) {
                        for o in ($0.lowerBound * windowCount)..<($0.upperBound * windowCount) where argmax[o] >= 0 {
                            dx[argmax[o]] += pg[o]
                        }
                    }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}

/// 2-D average pooling (PyTorch `F.avg_pool2d(kernel_size, stride, padding)` with `count_include_pad=True`,
/// `ceil_mode=False`): every window is divided by `kernel.0·kernel.1`, padded zeros included.
public func avgPool2d(
    _ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)
) -> Tensor {
    let stride = stride ?? kernelSize
    let (h, w) = (x.shape[2], x.shape[3])
    let oh = (h + 2 * padding.0 - kernelSize.0) / stride.0 + 1, ow = (w + 2 * padding.1 - kernelSize.1) / stride.1 + 1
    let windows = (0..<oh).flatMap { y in
        (0..<ow).map { xo in
            (rows: max(0, y * stride.0 - padding.0)..<min(h, y * stride.0 - padding.0 + kernelSize.0),
             cols: max(0, xo * stride.1 - padding.1)..<min(w, xo * stride.1 - padding.1 + kernelSize.1))
        }
    }
    return windowAverage(x, outShape: (oh, ow), windows: windows, divisors: windows.map { _ in Float(kernelSize.0 * kernelSize.1) })
}

/// Adaptive average pooling to `outputSize` (PyTorch `F.adaptive_avg_pool2d`): output cell `(i, j)` averages rows
/// `⌊i·H/H'⌋ ..< ⌈(i+1)·H/H'⌉` and the matching columns.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    let (h, w) = (x.shape[2], x.shape[3])
    let (oh, ow) = outputSize
    func range(_ i: Int, _ n: Int, _ size: Int) -> Range<Int> { (i * size / n)..<(((i + 1) * size + n - 1) / n) }
    let windows = (0..<oh).flatMap { y in (0..<ow).map { xo in (rows: range(y, oh, h), cols: range(xo, ow, w)) } }
    return windowAverage(x, outShape: outputSize, windows: windows, divisors: windows.map { Float($0.rows.count * $0.cols.count) })
}

/// Averages each plane of `x` `[N, C, H, W]` over the given windows (row-major over the output cells), dividing
/// by `divisors`; the gradient spreads each output's gradient evenly over its window.
private func windowAverage(
    _ x: Tensor, outShape: (Int, Int), windows: [(rows: Range<Int>, cols: Range<Int>)], divisors: [Float]
) -> Tensor {
    precondition(x.rank == 4, "pooling: input must be [N, C, H, W], got \(x.shape)")
    let (h, w) = (x.shape[2], x.shape[3]), planes = x.planeCount, cells = windows.count
    var out = [Float](repeating: 0, count: planes * cells)
    for plane in 0..<planes {
        for (cell, window) in windows.enumerated() {
            var total: Float = 0
            for r in window.rows { for c in window.cols { total += x.storage[(plane * h + r) * w + c] } }
            out[plane * cells + cell] = total / divisors[cell]
        }
    }
    let result = Tensor(shape: [x.shape[0], x.shape[1], outShape.0, outShape.1], scalars: out)
    return Tensor.record(result, inputs: [x]) { g, _ in
        var dx = [Float](repeating: 0, count: x.scalarCount)
        for plane in 0..<planes {
            for (cell, window) in windows.enumerated() {
                let share = g.storage[plane * cells + cell] / divisors[cell]
                for r in window.rows { for c in window.cols { dx[(plane * h + r) * w + c] += share } }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
