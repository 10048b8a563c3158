import COpenBLAS

/// `C[m×n] = α·op(A)·op(B) + β·C` on raw row-major pointers through OpenBLAS `cblas_sgemm`, where `op(A)` is
/// `m×k` (`A` stored `k×m` when `transposeA`) and `op(B)` is `k×n`.
///
/// Products of at least ``productGrain`` multiply-adds per thread are split over ``NeuralCoreThreads`` along the
/// longer side of `C` (columns when `n ≥ m`, else rows) in multiples of 16, one OpenBLAS thread per part; each part
/// sums over `k` exactly as the whole product would.
func sgemm(
    _ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
    _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0,
    lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
) {
    guard m > 0 && n > 0 else { return }
    let lda = lda ?? (transposeA ? m : k), ldb = ldb ?? (transposeB ? k : n), ldc = ldc ?? n
    /// The product of rows `rows` and columns `columns` of `C`.
    func block(rows: Range<Int>, columns: Range<Int>) {
        let a = a + rows.lowerBound * (transposeA ? 1 : lda), b = b + columns.lowerBound * (transposeB ? ldb : 1)
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(rows.count), Int32(columns.count), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta,
            c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
    }
    let splitColumns = n >= m, long = splitColumns ? n : m, strips = (long + 15) / 16
    let stripWork = 16 * (splitColumns ? m : n) * max(k, 1)
    NeuralCoreThreads.forEachRange(strips, minimumPerThread: productGrain / stripWork + 1) { range in
        let part = (16 * range.lowerBound)..<min(long, 16 * range.upperBound)
        if splitColumns { block(rows: 0..<m, columns: part) } else { block(rows: part, columns: 0..<n) }
    }
}

/// Multiply-adds per thread below which a matrix product is not split (about 20 µs of one core's `sgemm`).
let productGrain = 1 << 21

extension Tensor {
    /// Batched `op(a)·op(b)` without recording. `a` is `[batch…, r, c]` (`op(a)` is `M×K`), `b` likewise; the batch
    /// axes must be equal or absent on one side (which is then shared by every batch entry).
    static func gemm(_ a: Tensor, transposeA: Bool, _ b: Tensor, transposeB: Bool) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank ≥ 2 operands, got \(a.shape) and \(b.shape)")
        let (ra, ca) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (rb, cb) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ca, ra) : (ra, ca)
        let (kb, n) = transposeB ? (cb, rb) : (rb, cb)
        precondition(k == kb, "matmul: inner extents differ in \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        precondition(
            batchA.isEmpty || batchB.isEmpty || batchA == batchB, "matmul: batch axes \(batchA) and \(batchB) differ")
        let batch = batchA.isEmpty ? batchB : batchA
        let batchCount = batch.reduce(1, *)
        let out = uninitializedScalars(batchCount * m * n) { po in
            guard k > 0 else { return po.initialize(repeating: 0, count: batchCount * m * n) }
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    if batchB.isEmpty && !transposeA {
                        // Fold the batch into the rows: one large product.
                        sgemm(pa.baseAddress!, transposeA: false, pb.baseAddress!, transposeB: transposeB,
                              po, m: batchCount * m, n: n, k: k)
                        return
                    }
                    let strideA = batchA.isEmpty ? 0 : ra * ca, strideB = batchB.isEmpty ? 0 : rb * cb
                    for i in 0..<batchCount {
                        sgemm(pa.baseAddress! + i * strideA, transposeA: transposeA, pb.baseAddress! + i * strideB,
                              transposeB: transposeB, po + i * m * n, m: m, n: n, k: k)
                    }
                }
            }
        }
        return Tensor(shape: batch + [m, n], scalars: out)
    }
}

/// The matrix product of the last two axes, batched over leading axes (PyTorch `torch.matmul` for operands of rank
/// ≥ 2): `a` is `[batch…, M, K]`, `b` is `[batch…, K, N]`, the result `[batch…, M, N]`. The batch axes must be
/// equal, or one operand must be a plain matrix (shared across the batch). Runs on `cblas_sgemm`.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Tensor.gemm(a, transposeA: false, b, transposeB: false)
    return Tensor.record(out, inputs: [a, b]) { g, needs in
        var ga: Tensor?
        var gb: Tensor?
        if needs[0] { ga = Tensor.gemm(g, transposeA: false, b, transposeB: true).summedToShape(a.shape) }
        if needs[1] {
            if b.rank == 2 && a.rank > 2 {
                let k = a.shape[a.rank - 1], n = b.shape[1]
                gb = Tensor.gemm(a.reshaped([-1, k]), transposeA: true, g.reshaped([-1, n]), transposeB: false)
            } else {
                gb = Tensor.gemm(a, transposeA: true, g, transposeB: false).summedToShape(b.shape)
            }
        }
        return [ga, gb]
    }
}

/// A fully connected layer, `x·weightᵀ + bias` (PyTorch `F.linear`): `x` is `[…, in]`, `weight` is `[out, in]`,
/// `bias` is `[out]` or `nil`; the result is `[…, out]`.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(weight.rank == 2 && x.shape.last == weight.shape[1], "linear: \(x.shape) · \(weight.shape)ᵀ")
    let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
    let flat = Tensor(shape: [x.scalarCount / max(inFeatures, 1), inFeatures], scalars: x.storage)
    var y = Tensor.gemm(flat, transposeA: false, weight, transposeB: true)
    if let bias {
        precondition(bias.shape == [outFeatures], "linear: bias shape \(bias.shape) ≠ [\(outFeatures)]")
        y = Tensor.zipBroadcast(y, bias, Scalar.Sum())
    }
    let out = Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], scalars: y.storage)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, inputs: inputs) { g, needs in
        let g2 = Tensor(shape: [g.scalarCount / max(outFeatures, 1), outFeatures], scalars: g.storage)
        var grads: [Tensor?] = [
            needs[0] ? Tensor(shape: x.shape, scalars: Tensor.gemm(g2, transposeA: false, weight, transposeB: false).storage) : nil,
            needs[1] ? Tensor.gemm(g2, transposeA: true, flat, transposeB: false) : nil,
        ]
        if inputs.count == 3 { grads.append(needs[2] ? g2.sum(alongAxes: [0]) : nil) }
        return grads
    }
}

/// `C[n×n] = α·AᵀA` (`transpose`, `A` stored `k×n`) or `α·A·Aᵀ` (`A` stored `n×k`) through `cblas_ssyrk` (half
/// the work of `sgemm`), with both triangles of `C` filled.
///
/// Above ``productGrain`` multiply-adds per thread it is two equal halves over ``NeuralCoreThreads``: with `h = n/2`,
/// the two diagonal blocks (`ssyrk` on rows `0..<h` and `h..<n`, `h²k/2 + (n−h)²k/2` multiply-adds) and the
/// off-diagonal block (`sgemm`, `h(n−h)k`).
func symmetricProduct(
    _ a: UnsafePointer<Float>, transpose: Bool, _ c: UnsafeMutablePointer<Float>, n: Int, k: Int, alpha: Float = 1
) {
    guard n > 0 else { return }
    let lda = transpose ? n : k, h = n / 2
    /// Row (or, transposed, column) `i` of `A`'s first operand.
    func rows(from i: Int) -> UnsafePointer<Float> { a + i * (transpose ? 1 : lda) }
    func diagonal(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, transpose ? CblasTrans : CblasNoTrans, Int32(range.count), Int32(k),
                    alpha, rows(from: range.lowerBound), Int32(lda), 0, c + range.lowerBound * (n + 1), Int32(n))
    }
    NeuralCoreThreads.forEachRange(2, minimumPerThread: n * n * k / 4 >= productGrain ? 1 : 2) { halves in
        for half in halves {
            if half == 0 {
                diagonal(0..<h)
                diagonal(h..<n)
            } else if h > 0 {
                sgemm(rows(from: 0), transposeA: transpose, rows(from: h), transposeB: !transpose, c + h, m: h,
                      n: n - h, k: k, alpha: alpha, lda: lda, ldb: lda, ldc: n)
            }
        }
    }
    for i in 1..<max(n, 1) {
        for j in 0..<i { c[i * n + j] = c[j * n + i] }
    }
}

/// The Gram matrix of the rows of `x` normalised by the column count: `G = x·xᵀ / N` for `x` of shape `[C, N]`
/// (or `[batch…, C, N]`, batched), giving `[C, C]`. For channel statistics of activations `[C, H, W]`, reshape to
/// `[C, H·W]`; for the "Gram over time" of spectrogram activations `[C, F, T]`, reshape to `[C·F, T]` (see
/// ``GramTarget`` and ``gramDistance(_:to:)`` to avoid building that large matrix).
///
/// One primitive: the forward pass is one `cblas_ssyrk` per batch entry, the gradient `(Ḡ + Ḡᵀ)·x / N` one
/// `cblas_sgemm`.
public func gram(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 2, "gram needs rank ≥ 2, got \(x.shape)")
    let (c, n) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    let batch = x.scalarCount / max(c * n, 1)
    let out = uninitializedScalars(batch * c * c) { po in
        x.withUnsafeBufferPointer { px in
            for b in 0..<batch {
                symmetricProduct(px.baseAddress! + b * c * n, transpose: false, po + b * c * c, n: c, k: n,
                                 alpha: 1 / Float(n))
            }
        }
    }
    let result = Tensor(shape: Array(x.shape.dropLast()) + [c], scalars: out)
    return Tensor.record(result, inputs: [x]) { g, _ in
        let dx = uninitializedScalars(x.scalarCount) { pdx in
            withScratch(c * c) { symmetric in
                g.withUnsafeBufferPointer { pg in
                    x.withUnsafeBufferPointer { px in
                        for b in 0..<batch {
                            let gb = pg.baseAddress! + b * c * c
                            for i in 0..<(c * c) { symmetric[i] = gb[i] + gb[(i % c) * c + i / c] }
                            sgemm(symmetric, transposeA: false, px.baseAddress! + b * c * n, transposeB: false,
                                  pdx + b * c * n, m: c, n: n, k: c, alpha: 1 / Float(n))
                        }
                    }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
