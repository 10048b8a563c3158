// Shape operations. All return new contiguous tensors (there are no strided views).

extension Tensor {
    /// The same scalars with a new shape of equal scalar count (PyTorch `reshape`). One extent may be `-1`, inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && scalarCount % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[unknown] = scalarCount / known
        }
        precondition(target.reduce(1, *) == scalarCount, "cannot reshape \(shape) to \(newShape)")
        let source = shape
        return Tensor.record(Tensor(shape: target, scalars: storage), inputs: [self]) { g, _ in
            [g.reshaped(source)]
        }
    }

    /// The tensor with its axes reordered: axis `i` of the result is axis `axes[i]` of `self` (PyTorch `permute`).
    public func permuted(_ axes: [Int]) -> Tensor {
        let axes = axes.map(normalizedAxis)
        precondition(axes.sorted() == Array(0..<rank), "permuted: \(axes) is not a permutation of \(rank) axes")
        if axes == Array(0..<rank) { return self }
        let outShape = axes.map { shape[$0] }
        let inStrides = Tensor.strides(of: shape)
        let stepStrides = axes.map { inStrides[$0] }
        let count = scalarCount
        let swapsLastTwo = count > 0 && axes == Array(0..<(rank - 2)) + [rank - 1, rank - 2]
        var out = swapsLastTwo ? transposedMatrices(rows: shape[rank - 2], columns: shape[rank - 1])
            : [Float](repeating: 0, count: count)
        if count > 0 && !swapsLastTwo {
            let inner = outShape[rank - 1], innerStride = stepStrides[rank - 1]
            var index = [Int](repeating: 0, count: rank - 1)
            storage.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { po in
                    var o = 0
                    while o < count {
                        var base = 0
                        for d in 0..<(rank - 1) { base += index[d] * stepStrides[d] }
                        for j in 0..<inner { po[o + j] = p[base + j * innerStride] }
                        o += inner
                        var d = rank - 2
                        while d >= 0 {
                            index[d] += 1
                            if index[d] < outShape[d] { break }
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// The scalars of `self`, a batch of `rows × columns` matrices, with every matrix transposed: copied in 32×32
    /// tiles (reading rows, writing columns within a tile that stays in cache, where a plain strided gather misses
    /// cache on every read of a tall matrix), the tiles split over ``NeuralCoreThreads``.
    private func transposedMatrices(rows: Int, columns: Int) -> [Float] {
        let tile = 32, tileRows = (rows + tile - 1) / tile, matrix = rows * columns
        let tileCount = scalarCount / matrix * tileRows
        return uninitializedScalars(scalarCount) { po in
            storage.withUnsafeBufferPointer { p in
                let p = p.baseAddress!
                NeuralCoreThreads.forEachRange(tileCount, minimumPerThread: elementwiseGrain / (tile * columns) + 1) {
                    for index in $0 {
                        let (b, r0) = (index / tileRows, index % tileRows * tile)
                        let source = p + b * matrix, target = po + b * matrix
                        for c0 in stride(from: 0, to: columns, by: tile) {
                            for r in r0..<min(rows, r0 + tile) {
                                for c in c0..<min(columns, c0 + tile) { target[c * rows + r] = source[r * columns + c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The tensor with axes `first` and `second` swapped (PyTorch `transpose(dim0, dim1)`); negative axes count
    /// from the end.
    public func transposed(_ first: Int, _ second: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(normalizedAxis(first), normalizedAxis(second))
        return permuted(axes)
    }

    /// The last two axes swapped (PyTorch `mT`; `t()` for a matrix).
    public var transposed: Tensor { transposed(-2, -1) }

    /// The entries `range` along `axis` (PyTorch `narrow(axis, range.lowerBound, range.count)`, or `x[..., a:b]`).
    public func sliced(alongAxis axis: Int, range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) out of \(shape)")
        var origin = [Int](repeating: 0, count: rank)
        origin[axis] = range.lowerBound
        var region = shape
        region[axis] = range.count
        let out = Tensor.copyRegion(of: self, from: origin, size: region, into: Tensor(zeros: region), at: nil)
        let source = shape
        return Tensor.record(out, inputs: [self]) { g, _ in
            [Tensor.copyRegion(of: g, from: nil, size: region, into: Tensor(zeros: source), at: origin)]
        }
    }

    /// The tensor padded with `value` (PyTorch `F.pad(mode='constant')`): `padding[i]` gives the number of entries
    /// added before and after axis `i` (one pair per axis, outermost first; unlike `F.pad`'s last-axis-first
    /// order).
    public func padded(_ padding: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(padding.count == rank, "padded: need \(rank) (before, after) pairs, got \(padding.count)")
        precondition(padding.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "padded: negative padding")
        let outShape = zip(shape, padding).map { $0 + $1.before + $1.after }
        let origin = padding.map(\.before)
        let out = Tensor.copyRegion(
            of: self, from: nil, size: shape, into: Tensor(repeating: value, shape: outShape), at: origin)
        let source = shape
        return Tensor.record(out, inputs: [self]) { g, _ in
            [Tensor.copyRegion(of: g, from: origin, size: source, into: Tensor(zeros: source), at: nil)]
        }
    }

    /// The tensor repeated along axes of extent 1 (and new leading axes) to `targetShape` (PyTorch `expand` followed
    /// by `contiguous`).
    public func broadcasted(to targetShape: [Int]) -> Tensor {
        precondition(broadcastShape(shape, targetShape) == targetShape, "cannot broadcast \(shape) to \(targetShape)")
        if shape == targetShape { return self }
        let out = scalarCount == 1
            ? Tensor(repeating: storage[0], shape: targetShape)
            : Tensor.zipBroadcast(self, Tensor(zeros: targetShape), Scalar.First())
        let source = shape
        return Tensor.record(out, inputs: [self]) { g, _ in [g.summedToShape(source)] }
    }

    /// Copies the block of extent `size` starting at `from` (all zeros when `nil`) in `source` into `destination`
    /// at `at` (all zeros when `nil`), without recording.
    static func copyRegion(of source: Tensor, from: [Int]?, size: [Int], into destination: Tensor, at: [Int]?)
        -> Tensor
    {
        var destination = destination.detached
        let rank = size.count
        guard size.reduce(1, *) > 0 else { return destination }
        if rank == 0 {
            destination.storage[0] = source.storage[0]
            return destination
        }
        let from = from ?? [Int](repeating: 0, count: rank)
        let at = at ?? [Int](repeating: 0, count: rank)
        let ss = strides(of: source.shape), ds = strides(of: destination.shape)
        let inner = size[rank - 1]
        var index = [Int](repeating: 0, count: rank - 1)
        let rows = size.dropLast().reduce(1, *)
        source.storage.withUnsafeBufferPointer { ps in
            destination.storage.withUnsafeMutableBufferPointer { pd in
                for _ in 0..<rows {
                    var s = from[rank - 1], d = at[rank - 1]
                    for k in 0..<(rank - 1) {
                        s += (from[k] + index[k]) * ss[k]
                        d += (at[k] + index[k]) * ds[k]
                    }
                    for j in 0..<inner { pd[d + j] = ps[s + j] }
                    var k = rank - 2
                    while k >= 0 {
                        index[k] += 1
                        if index[k] < size[k] { break }
                        index[k] = 0
                        k -= 1
                    }
                }
            }
        }
        return destination
    }
}

/// The tensors joined along `axis` (PyTorch `torch.cat(tensors, dim=axis)`); all other extents must agree.
public func concatenated(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concatenated: no tensors")
    let first = tensors[0]
    let axis = first.normalizedAxis(axis)
    for t in tensors {
        precondition(
            t.rank == first.rank && (0..<t.rank).allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
            "concatenated: shapes \(first.shape) and \(t.shape) differ off axis \(axis)")
    }
    var outShape = first.shape
    outShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
    var out = Tensor(zeros: outShape)
    var origins: [[Int]] = []
    var offset = 0
    for t in tensors {
        var origin = [Int](repeating: 0, count: first.rank)
        origin[axis] = offset
        origins.append(origin)
        out = Tensor.copyRegion(of: t, from: nil, size: t.shape, into: out, at: origin)
        offset += t.shape[axis]
    }
    let shapes = tensors.map(\.shape)
    return Tensor.record(out, inputs: tensors) { g, needs in
        (0..<shapes.count).map { i in
            needs[i]
                ? Tensor.copyRegion(of: g, from: origins[i], size: shapes[i], into: Tensor(zeros: shapes[i]), at: nil)
                : nil
        }
    }
}
