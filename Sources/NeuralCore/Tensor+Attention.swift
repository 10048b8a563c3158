import Foundation

/// Multi-head self-attention in PyTorch `nn.MultiheadAttention`'s packed layout, batch first
/// (`batch_first=True`, no mask, no dropout): `x` is `[N, L, E]`; `inProjectionWeight` `[3E, E]` holds the query,
/// key and value projections stacked (PyTorch `in_proj_weight`), `inProjectionBias` `[3E]` (`in_proj_bias`),
/// `outProjectionWeight` `[E, E]` and `outProjectionBias` `[E]` (`out_proj.weight`, `out_proj.bias`). Each of the
/// `headCount` heads attends with `softmax(q·kᵀ/√(E/headCount))`. Returns `[N, L, E]`.
public func multiHeadSelfAttention(
    _ x: Tensor, inProjectionWeight: Tensor, inProjectionBias: Tensor?, outProjectionWeight: Tensor,
    outProjectionBias: Tensor?, headCount: Int
) -> Tensor {
    precondition(x.rank == 3, "multiHeadSelfAttention: input must be [N, L, E], got \(x.shape)")
    let (n, l, e) = (x.shape[0], x.shape[1], x.shape[2])
    precondition(e % headCount == 0, "multiHeadSelfAttention: embedding \(e) not divisible by \(headCount) heads")
    let d = e / headCount
    let qkv = linear(x, weight: inProjectionWeight, bias: inProjectionBias)
    func heads(_ part: Int) -> Tensor {
        qkv.sliced(alongAxis: 2, range: (part * e)..<((part + 1) * e)).reshaped([n, l, headCount, d]).permuted([0, 2, 1, 3])
    }
    let (q, k, v) = (heads(0), heads(1), heads(2))
    let attention = softmax(matmul(q, k.transposed) / Float(d).squareRoot(), axis: -1)
    let context = matmul(attention, v).permuted([0, 2, 1, 3]).reshaped([n, l, e])
    return linear(context, weight: outProjectionWeight, bias: outProjectionBias)
}
