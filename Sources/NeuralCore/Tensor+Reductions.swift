extension Tensor {
    /// The sum over `axes` (PyTorch `sum(dim=axes, keepdim=keepingDimensions)`); negative axes count from the end.
    /// Accumulates in `Double`.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) -> Tensor {
        let axes = Set(axes.map(normalizedAxis))
        var result = self.detached
        for axis in axes.sorted() { result = result.summedUntracked(alongAxis: axis) }
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

    /// Sums one axis, keeping it with extent 1 (no recording); `Double` accumulators.
    private func summedUntracked(alongAxis axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        var acc = [Double](repeating: 0, count: outer * inner)
        storage.withUnsafeBufferPointer { p in
            acc.withUnsafeMutableBufferPointer { a in
                for o in 0..<outer {
                    for k in 0..<n {
                        let base = (o * n + k) * inner
                        for i in 0..<inner { a[o * inner + i] += Double(p[base + i]) }
                    }
                }
            }
        }
        return Tensor(shape: outShape, scalars: acc.map { Float($0) })
    }
}
