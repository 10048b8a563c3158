extension Tensor {
    /// The sum over `axes` (PyTorch `sum(dim=axes, keepdim=keepingDimensions)`); negative axes count from the end.
    /// Accumulates in `Double`.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let axes = Set(axes.map(normalizedAxis))
        var result = self.detached
        // Each run of adjacent reduced axes is summed in one pass.
        var axis = 0
        while axis < rank {
            guard axes.contains(axis) else { axis += 1; continue }
            var end = axis + 1
            while end < rank && axes.contains(end) { end += 1 }
            result = result.summedUntracked(alongAxes: axis..<end)
            axis = end
        }
        let keptShape = result.shape
        let finalShape = keepingDimensions ? keptShape : shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        let out = Tensor(shape: finalShape, scalars: result.storage)
        let source = shape
        return Tensor.record(out, inputs: [self]) { g, _ in [g.reshaped(keptShape).broadcasted(to: source)] }
    }

    /// The mean over `axes` (PyTorch `mean(dim=axes, keepdim=keepingDimensions)`).
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let count = Set(axes.map(normalizedAxis)).reduce(1) { $0 * shape[$1] }
        return sum(alongAxes: axes, keepingDimensions: keepingDimensions) / Float(count)
    }

    /// The sum of all scalars as a rank-0 tensor (PyTorch `sum()`).
    public func sum() -> Tensor { sum(alongAxes: Array(0..<rank)) }

    /// The mean of all scalars as a rank-0 tensor (PyTorch `mean()`).
    public func mean() -> Tensor { sum() / Float(scalarCount) }

    /// Sums the adjacent axes `axes`, keeping them with extent 1 (no recording). Accumulates in `Double` (a
    /// contiguous run is summed in blocks of 1024 with sixteen-lane `Float` accumulators first); large sums are
    /// split over ``NeuralCoreThreads``.
    private func summedUntracked(alongAxes axes: Range<Int>) -> Tensor {
        let outer = shape[..<axes.lowerBound].reduce(1, *), n = shape[axes].reduce(1, *)
        let inner = shape[axes.upperBound...].reduce(1, *)
        var outShape = shape
        for axis in axes { outShape[axis] = 1 }
        let sums = storage.withUnsafeBufferPointer { buffer -> [Float] in
            let p = buffer.baseAddress!
            if inner == 1 && outer == 1 {
                // One long contiguous sum: partial sums (one per thread for long sums), added in order.
                let parts = max(1, min(NeuralCoreThreads.threadCount, n / elementwiseGrain))
                var partial = [Double](repeating: 0, count: parts)
                partial.withUnsafeMutableBufferPointer { partial in
                    let partial = partial.baseAddress!
                    NeuralCoreThreads.forEachRange(parts) { range in
                        for part in range {
                            let start = n * part / parts, end = n * (part + 1) / parts
                            partial[part] = contiguousSum(p + start, count: end - start)
                        }
                    }
                }
                return [Float(partial.reduce(0, +))]
            }
            return uninitializedScalars(outer * inner) { out in
                NeuralCoreThreads.forEachRange(outer, minimumPerThread: max(1, elementwiseGrain / max(n * inner, 1))) {
                    for o in $0 {
                        if inner == 1 {
                            out[o] = Float(contiguousSum(p + o * n, count: n))
                            continue
                        }
                        var accumulator = [Double](repeating: 0, count: inner)
                        accumulator.withUnsafeMutableBufferPointer { a in
                            for k in 0..<n {
                                let row = p + (o * n + k) * inner
                                for i in 0..<inner { a[i] += Double(row[i]) }
                            }
                            for i in 0..<inner { out[o * inner + i] = Float(a[i]) }
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, scalars: sums)
    }
}
