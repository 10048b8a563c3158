/// The gated activation unit of WaveNet and PixelCNN (van den Oord et al. 2016): `tanh(a) ⊙ σ(b)`, where `a` and `b`
/// are the first and second halves of `x` along `axis` (PyTorch: `a, b = x.chunk(2, dim=axis)`,
/// `torch.tanh(a) * torch.sigmoid(b)`).
///
/// One primitive instead of two slices, two activations and a product: one pass reads both halves in place and
/// computes `t = tanh(a) = 1 − 2/(e^{2a} + 1)` and `s = σ(b) = 1/(1 + e^{−b})` eight lanes at a time with
/// ``vectorExp(_:)`` (absolute error below 1e-6 against libm's `tanhf` and `expf`; the same formulas as the WaveNet
/// generator's kernel), keeping `t` and `s` for the backward pass; that pass writes `ḡ·s·(1 − t²)` and
/// `ḡ·t·s·(1 − s)` into the two halves of one gradient. Elements are split over ``NeuralCoreThreads``.
///
/// - Parameters:
///   - x: any tensor whose extent along `axis` is even.
///   - axis: the axis to split (negative counts from the end). Default 1, the channels of an `[N, C, L]` activation.
/// - Returns: `x`'s shape with half the extent along `axis`.
public func gatedActivation(_ x: Tensor, alongAxis axis: Int = 1) -> Tensor {
    let axis = x.normalizedAxis(axis)
    precondition(x.shape[axis] % 2 == 0, "gatedActivation: odd extent \(x.shape[axis]) along axis \(axis) of \(x.shape)")
    var outShape = x.shape
    outShape[axis] /= 2
    // Each of the `outer` blocks of x holds its a-half then its b-half, `half` scalars each.
    let half = outShape[axis...].reduce(1, *), outer = x.shape[..<axis].reduce(1, *)
    let (blocksPerHalf, count) = ((half + 7) / 8, outer * half)
    /// Runs `body(a, b, lanes)` for every eight-lane block, with `a` the offset of its scalars in the a-half (in x's
    /// layout; the b-half's are at `a + half`) and `o` its offset in the output's layout.
    func forEachBlock(_ body: (_ a: Int, _ o: Int, _ lanes: Int) -> Void) {
        NeuralCoreThreads.forEachRange(outer * blocksPerHalf, minimumPerThread: elementwiseGrain / 8) { blocks in
            for block in blocks {
                let (row, column) = (block / blocksPerHalf, 8 * (block % blocksPerHalf))
                body(2 * row * half + column, row * half + column, min(8, half - column))
            }
        }
    }
    // t and s in x's layout (t where a was, s where b was), and y, in one pass.
    var y: [Float] = []
    let activations = uninitializedScalars(x.scalarCount) { pts in
        y = uninitializedScalars(count) { py in
            x.withUnsafeBufferPointer { px in
                let px = px.baseAddress!
                forEachBlock { a, o, lanes in
                    let t = 1 - 2 / (vectorExp(2 * loadLanes(px + a, lanes)) + 1)
                    let s = 1 / (1 + vectorExp(-loadLanes(px + a + half, lanes)))
                    storeLanes(t, pts + a, lanes)
                    storeLanes(s, pts + a + half, lanes)
                    storeLanes(t * s, py + o, lanes)
                }
            }
        }
    }
    let inputShape = x.shape
    return Tensor.record(Tensor(shape: outShape, scalars: y), inputs: [x]) { g, _ in
        let dx = uninitializedScalars(2 * count) { pd in
            g.withUnsafeBufferPointer { pg in
                activations.withUnsafeBufferPointer { pts in
                    let (pg, pts) = (pg.baseAddress!, pts.baseAddress!)
                    forEachBlock { a, o, lanes in
                        let (g, t, s) = (loadLanes(pg + o, lanes), loadLanes(pts + a, lanes), loadLanes(pts + a + half, lanes))
                        storeLanes(g * s * (1 - t * t), pd + a, lanes)
                        storeLanes(g * t * (s * (1 - s)), pd + a + half, lanes)
                    }
                }
            }
        }
        return [Tensor(shape: inputShape, scalars: dx)]
    }
}
