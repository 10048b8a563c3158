import Foundation

/// Multi-head self-attention in PyTorch `nn.MultiheadAttention`'s packed layout, batch first
/// (`batch_first=True`, no mask, no dropout): `x` is `[N, L, E]`; `inProjectionWeight` `[3E, E]` holds the query,
/// key and value projections stacked (PyTorch `in_proj_weight`), `inProjectionBias` `[3E]` (`in_proj_bias`),
/// `outProjectionWeight` `[E, E]` and `outProjectionBias` `[E]` (`out_proj.weight`, `out_proj.bias`). Each of the
/// `headCount` heads attends with `softmax(q·kᵀ/√(E/headCount))`. Returns `[N, L, E]`.
///
/// The projections are `linear`s; between them, ``scaledDotProductAttention(_:headCount:)`` attends per head on the
/// packed `[N, L, 3E]` projections in place.
public func multiHeadSelfAttention(
    _ x: Tensor, inProjectionWeight: Tensor, inProjectionBias: Tensor?, outProjectionWeight: Tensor,
    outProjectionBias: Tensor?, headCount: Int
) -> Tensor {
    precondition(x.rank == 3, "multiHeadSelfAttention: input must be [N, L, E], got \(x.shape)")
    precondition(x.shape[2] % headCount == 0, "multiHeadSelfAttention: embedding \(x.shape[2]) not divisible by \(headCount) heads")
    let qkv = linear(x, weight: inProjectionWeight, bias: inProjectionBias)
    return linear(scaledDotProductAttention(qkv, headCount: headCount), weight: outProjectionWeight, bias: outProjectionBias)
}

/// Scaled dot-product attention of every head on packed projections: `qkv` is `[N, L, 3E]` (queries, keys and values
/// side by side, as a packed input projection makes them), and head `h` of sample `b` reads columns `h·d..<(h+1)·d`
/// of each third (`d = E/headCount`). The result `[N, L, E]` holds head `h`'s `softmax(q·kᵀ/√d)·v` in columns
/// `h·d..<(h+1)·d`, ready for the output projection.
///
/// One primitive, fused per head: the scores are one `cblas_sgemm` reading the queries and keys in place (leading
/// dimension 3E, no sliced or permuted copies), the softmax runs on them in place, and the weighted sum of the
/// values is written straight into the head's columns of the result. The `[N, heads, L, L]` probabilities are kept
/// for the backward pass, which computes the value, query and key gradients with five products per head, written into
/// the packed gradient in place. Heads are split over ``NeuralCoreThreads``, each running its small products
/// serially.
public func scaledDotProductAttention(_ qkv: Tensor, headCount: Int) -> Tensor {
    precondition(qkv.rank == 3 && qkv.shape[2] % (3 * headCount) == 0,
                 "scaledDotProductAttention: expected [N, L, 3E] with E divisible by \(headCount), got \(qkv.shape)")
    let (n, l, e) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3), d = e / headCount
    let scale = 1 / Float(d).squareRoot(), heads = n * headCount
    /// The offsets of head `index`'s queries in `qkv` and of its columns in the result.
    func offsets(_ index: Int) -> (packed: Int, context: Int) {
        let (b, h) = (index / headCount, index % headCount)
        return (b * l * 3 * e + h * d, b * l * e + h * d)
    }
    var probabilities = [Float]()
    let context = uninitializedScalars(n * l * e) { pc in
        probabilities = uninitializedScalars(heads * l * l) { pp in
            qkv.withUnsafeBufferPointer { px in
                NeuralCoreThreads.forEachRange(heads) {
                    for index in $0 {
                        let (packed, out) = offsets(index), q = px.baseAddress! + packed, p = pp + index * l * l
                        sgemm(q, transposeA: false, q + e, transposeB: true, p, m: l, n: l, k: d, alpha: scale,
                              lda: 3 * e, ldb: 3 * e)
                        for row in 0..<l { softmaxRow(p + row * l, p + row * l, count: l) }
                        sgemm(p, transposeA: false, q + 2 * e, transposeB: false, pc + out, m: l, n: d, k: l,
                              ldb: 3 * e, ldc: e)
                    }
                }
            }
        }
    }
    let result = Tensor(shape: [n, l, e], scalars: context)
    return Tensor.record(result, inputs: [qkv]) { g, _ in
        let dqkv = uninitializedScalars(qkv.scalarCount) { pd in
            qkv.withUnsafeBufferPointer { px in
                g.withUnsafeBufferPointer { pg in
                    probabilities.withUnsafeBufferPointer { pp in
                        NeuralCoreThreads.forEachRange(heads) { range in
                            withScratch(l * l) { scores in
                                for index in range {
                                    let (packed, out) = offsets(index), q = px.baseAddress! + packed
                                    let p = pp.baseAddress! + index * l * l, go = pg.baseAddress! + out, dq = pd + packed
                                    // dV = Pᵀ·G; dP = G·Vᵀ, then through the softmax; dQ = dS·K/√d, dK = dSᵀ·Q/√d.
                                    sgemm(p, transposeA: true, go, transposeB: false, dq + 2 * e, m: l, n: d, k: l,
                                          ldb: e, ldc: 3 * e)
                                    sgemm(go, transposeA: false, q + 2 * e, transposeB: true, scores, m: l, n: l, k: d,
                                          lda: e, ldb: 3 * e)
                                    for row in 0..<l {
                                        softmaxRowGradient(scores + row * l, softmax: p + row * l, scores + row * l, count: l)
                                    }
                                    sgemm(scores, transposeA: false, q + e, transposeB: false, dq, m: l, n: d, k: l,
                                          alpha: scale, ldb: 3 * e, ldc: 3 * e)
                                    sgemm(scores, transposeA: true, q, transposeB: false, dq + e, m: l, n: d, k: l,
                                          alpha: scale, ldb: 3 * e, ldc: 3 * e)
                                }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(shape: qkv.shape, scalars: dqkv)]
    }
}
