/// The Gram matrix `G = S·Sᵀ / N` of a constant matrix `S` `[R, N]` (rows × columns, e.g. a style clip's activations
/// reshaped to features × frames), kept in whichever form makes distances to it cheapest.
///
/// ## Forms
/// - When `R ≤ N` the `[R, R]` matrix itself is kept (`R²` scalars, no more than `S` has).
/// - When `R > N` — the "Gram over time" of a spectrogram network, `R = C·F'` (filters × frequency rows, e.g.
///   32 · 511 = 16 352) against a few hundred frames — the `R×R` matrix (here 1 GiB) is never formed: columns
///   whose products make every distance, through `‖A·Aᵀ − B·Bᵀ‖² = ‖AᵀA‖² − 2‖AᵀB‖² + ‖BᵀB‖²`, are kept instead.
///   They are `S` compressed: `S·Vₖ` `[R, k]`, with `Vₖ` the eigenvectors of `SᵀS` (`dsyevd`, in `Double`) whose
///   eigenvalues `λ` carry all but ``defaultTolerance`` of `‖G‖² ∝ Σλ²`, found for each piece first and then for the
///   compressed pieces together, so a clip of any length enters piece by piece. `(S·Vₖ)(S·Vₖ)ᵀ`
///   is `S·Sᵀ` without its weakest directions, so distances change by a relative ~1e-6 while `k` is a few dozen
///   columns for a spectrogram network's activations (measured: 64 of 296 frames of speech keep all but 6e-6),
///   which makes the style's share of every distance and gradient `N/k` times cheaper, whatever the clip's length.
///
/// ``gramDistance(_:to:)`` is the differentiable distance of a tracked matrix to a target; ``squaredDistance(to:)``
/// compares two targets (e.g. a whole output clip against a style, for measurement).
///
/// ```swift
/// let target = GramTarget(pieces: styleChunks.map { $0.reshaped([32 * 511, -1]) })  // [C·F', frames] each
/// let loss = gramDistance(output.reshaped([32 * 511, -1]), to: target)              // ‖X·Xᵀ/Nₓ − G‖²
/// ```
public struct GramTarget: Sendable {
    /// `R`, the row count of `S` (and the side of the Gram matrix).
    public let rowCount: Int
    /// `N`, the total column count of `S` over all pieces (the normalisation of the Gram matrix).
    public let columnCount: Int
    /// `‖G‖²`, the squared Frobenius norm of the Gram matrix, accumulated in `Double`.
    public let squaredNorm: Double

    enum Form {
        /// The `[R, R]` Gram matrix.
        case matrix(Tensor)
        /// The compressed columns `S·Vₖ` `[R, k]`.
        case columns(Tensor)
    }

    let form: Form

    /// The share of `‖G‖²` that the compression of a target kept as columns may discard: 1e-6.
    public static let defaultTolerance = 1e-6

    /// The Gram matrix of the columns of `pieces` taken together, `G = Σₚ Sₚ·Sₚᵀ / Σₚ Nₚ`.
    ///
    /// - Parameters:
    ///   - pieces: matrices `[R, Nₚ]` of equal row count `R ≥ 1`, at least one, with `Σ Nₚ ≥ 1`. Only their values
    ///     are used (any tape is ignored: the target is a constant).
    ///   - tolerance: the share of `‖G‖²` the compression of a target kept as columns may discard, in `[0, 1)`
    ///     (0 keeps every direction with a positive eigenvalue). Default ``defaultTolerance``.
    public init(pieces: [Tensor], tolerance: Double = GramTarget.defaultTolerance) {
        precondition(tolerance >= 0 && tolerance < 1, "GramTarget: tolerance \(tolerance) outside [0, 1)")
        precondition(!pieces.isEmpty, "GramTarget: no pieces")
        precondition(pieces.allSatisfy { $0.rank == 2 && $0.shape[0] == pieces[0].shape[0] },
                     "GramTarget: pieces must be [R, N] matrices of one row count, got \(pieces.map(\.shape))")
        let rows = pieces[0].shape[0], columns = pieces.reduce(0) { $0 + $1.shape[1] }
        precondition(rows >= 1 && columns >= 1, "GramTarget: empty matrix [\(rows), \(columns)]")
        let constants = pieces.filter { $0.shape[1] > 0 }.map { Tensor(shape: $0.shape, scalars: $0.storage) }
        rowCount = rows
        columnCount = columns
        if rows <= columns {
            let matrix = Self.product(of: constants, rows: rows, columns: columns)
            squaredNorm = matrix.withUnsafeBufferPointer { blockedDot($0.baseAddress!, $0.baseAddress!, count: $0.count) }
            form = .matrix(matrix)
        } else {
            let each = constants.map { Self.compressed($0, tolerance: tolerance) }
            let kept = each.count == 1 ? each[0] : Self.compressed(concatenated(each, alongAxis: 1), tolerance: tolerance)
            squaredNorm = Self.crossSquares(kept, kept) / Double(columns * columns)
            form = .columns(kept)
        }
    }

    /// The scalars the target holds: `R²` in matrix form, `R·k` for `k` compressed columns.
    public var storedScalarCount: Int {
        switch form {
        case let .matrix(matrix): matrix.scalarCount
        case let .columns(kept): kept.scalarCount
        }
    }

    /// The `[R, R]` Gram matrix itself (formed from the columns when it is not kept: `R²` scalars).
    public var matrix: Tensor {
        switch form {
        case let .matrix(matrix): return matrix
        case let .columns(kept): return Self.product(of: [kept], rows: rowCount, columns: columnCount)
        }
    }

    /// `Σₚ Sₚ·Sₚᵀ / columns` `[rows, rows]`, one `sgemm` per piece.
    private static func product(of pieces: [Tensor], rows: Int, columns: Int) -> Tensor {
        let scalars = uninitializedScalars(rows * rows) { pg in
            for (index, piece) in pieces.enumerated() {
                piece.withUnsafeBufferPointer { ps in
                    sgemm(ps.baseAddress!, transposeA: false, ps.baseAddress!, transposeB: true, pg,
                          m: rows, n: rows, k: piece.shape[1], alpha: 1 / Float(columns), beta: index == 0 ? 0 : 1)
                }
            }
        }
        return Tensor(shape: [rows, rows], scalars: scalars)
    }

    /// `‖G − H‖²` for the Gram matrix `H` of `other` (same row count), accumulated in `Double`; no gradient.
    public func squaredDistance(to other: GramTarget) -> Double {
        precondition(rowCount == other.rowCount, "GramTarget: row counts \(rowCount) and \(other.rowCount) differ")
        let cross: Double = switch (form, other.form) {
        case let (.columns(a), .columns(b)):
            Self.crossSquares(a, b) / Double(columnCount * other.columnCount)
        default:
            matrix.withUnsafeBufferPointer { pa in
                other.matrix.withUnsafeBufferPointer { pb in blockedDot(pa.baseAddress!, pb.baseAddress!, count: pa.count) }
            }
        }
        return max(0, squaredNorm - 2 * cross + other.squaredNorm)
    }

    /// `S·Vₖ` `[R, k]` for the eigenvectors `Vₖ` of `SᵀS` with the `k` largest eigenvalues `λ`, the fewest that
    /// leave out at most `tolerance` of `Σλ²`: `(S·Vₖ)(S·Vₖ)ᵀ = Σᵢ≤ₖ λᵢ·uᵢuᵢᵀ`, the leading part of `S·Sᵀ`.
    static func compressed(_ s: Tensor, tolerance: Double) -> Tensor {
        let (rows, columns) = (s.shape[0], s.shape[1])
        let product = uninitializedScalars(columns * columns) { p in
            s.withUnsafeBufferPointer { symmetricProduct($0.baseAddress!, transpose: true, p, n: columns, k: rows) }
        }
        let (values, vectors) = symmetricEigendecomposition(product.map(Double.init), n: columns)
        let energies = values.map { max($0, 0) * max($0, 0) }
        let total = energies.reduce(0, +)
        guard total > 0 else { return s.sliced(alongAxis: 1, range: 0..<1) * 0 }
        // Eigenvalues ascend, so the weakest directions come first: drop them while their share stays within bounds.
        var dropped = 0, discarded = 0.0
        while dropped < columns - 1 && discarded + energies[dropped] <= tolerance * total {
            discarded += energies[dropped]
            dropped += 1
        }
        let kept = columns - dropped
        // The kept eigenvectors as the columns of `[columns, kept]`, largest eigenvalue first.
        var basis = [Float](repeating: 0, count: columns * kept)
        for c in 0..<kept {
            let vector = columns - 1 - c
            for j in 0..<columns { basis[j * kept + c] = Float(vectors[vector * columns + j]) }
        }
        let out = uninitializedScalars(rows * kept) { po in
            s.withUnsafeBufferPointer { ps in
                sgemm(ps.baseAddress!, transposeA: false, basis, transposeB: false, po, m: rows, n: kept, k: columns)
            }
        }
        return Tensor(shape: [rows, kept], scalars: out)
    }

    /// `‖AᵀB‖²` (one `[N_a, N_b]` product), in `Double`.
    static func crossSquares(_ a: Tensor, _ b: Tensor) -> Double {
        let (m, n) = (a.shape[1], b.shape[1])
        return withScratch(m * n) { product in
            a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    sgemm(x.baseAddress!, transposeA: true, y.baseAddress!, transposeB: false, product,
                          m: m, n: n, k: a.shape[0])
                }
            }
            return blockedDot(product, product, count: m * n)
        }
    }
}

/// The squared Frobenius distance `‖X·W²·Xᵀ/Nₓ − G‖²` between the Gram matrix of `x` `[R, Nₓ]` (its columns weighted
/// by `columnWeights` `w`, `W = diag(w)`; all ones when `nil`) and a constant ``GramTarget`` `G` of the same row count:
/// the style loss of Gatys et al. before its normalisation, differentiable with respect to `x`. Weights of
/// `√(Nₓ/n)` on `n` chosen columns and 0 elsewhere give the Gram matrix over those columns alone.
///
/// For a target kept as a matrix (`R ≤ N`) it is `(gram(x·W) − G).squared().sum()`. For a target kept as columns
/// (`R > N`, the Gram over time) it is one primitive that never forms an `R×R` matrix: with `A = XᵀX` (`cblas_ssyrk`,
/// `R·Nₓ²/2` multiply-adds) and `B = XᵀS` (`cblas_sgemm`, `R·Nₓ·k` for the target's `k` kept columns), the value is
/// `‖WAW‖²/Nₓ² − 2‖WB‖²/(Nₓ·N) + ‖G‖²` (summed in `Double`) and the gradient
/// `X·(4/Nₓ²·W²AW²) − S·(4/(Nₓ·N)·W²B)ᵀ` two more `sgemm` of the same sizes; the weights act on `Nₓ×Nₓ` and `Nₓ×k`
/// matrices only. Every product is split by rows `R` over ``NeuralCoreThreads`` each range's products serial (the
/// partial `A` and `B` summed). The cost
/// per evaluation is `O(R·Nₓ·(Nₓ + k))` instead of `O(R²·Nₓ)`.
public func gramDistance(_ x: Tensor, to target: GramTarget, columnWeights: [Float]? = nil) -> Tensor {
    precondition(x.rank == 2 && x.shape[0] == target.rowCount,
                 "gramDistance: x \(x.shape) against a target of \(target.rowCount) rows")
    precondition(columnWeights.map { $0.count == x.shape[1] } ?? true,
                 "gramDistance: \(columnWeights?.count ?? 0) weights for \(x.shape[1]) columns")
    let style: Tensor
    switch target.form {
    case let .matrix(matrix):
        let weighted = columnWeights.map { x * Tensor(shape: [1, $0.count], scalars: $0) } ?? x
        return (gram(weighted) - matrix).squared().sum()
    case let .columns(kept): style = kept
    }
    let (rows, frames, kept) = (x.shape[0], x.shape[1], style.shape[1])
    precondition(frames >= 1, "gramDistance: x has no columns")
    let w = columnWeights ?? [Float](repeating: 1, count: frames)
    let parts = min(NeuralCoreThreads.threadCount, max(1, rows / 256))
    let bounds = (0...parts).map { $0 * rows / parts }
    // Per part: XₚᵀXₚ [frames, frames] and XₚᵀSₚ [frames, kept], summed below.
    var partials = [[Float]](repeating: [], count: parts)
    partials.withUnsafeMutableBufferPointer { slots in
        x.withUnsafeBufferPointer { px in
            style.withUnsafeBufferPointer { ps in
                let (px, ps, slots) = (px.baseAddress!, ps.baseAddress!, slots)
                NeuralCoreThreads.forEachRange(parts) { range in
                    for part in range {
                        let (start, count) = (bounds[part], bounds[part + 1] - bounds[part])
                        slots[part] = uninitializedScalars(frames * (frames + kept)) { p in
                            withScratch(frames * frames) { square in
                                symmetricProduct(px + start * frames, transpose: true, square, n: frames, k: count)
                                for row in 0..<frames {
                                    (p + row * (frames + kept)).update(from: square + row * frames, count: frames)
                                }
                            }
                            sgemm(px + start * frames, transposeA: true, ps + start * kept, transposeB: false,
                                  p + frames, m: frames, n: kept, k: count, ldc: frames + kept)
                        }
                    }
                }
            }
        }
    }
    // [A | B] weighted: A'ᵢⱼ = wᵢwⱼAᵢⱼ, B'ᵢₖ = wᵢBᵢₖ.
    let width = frames + kept
    var products = partials[0]
    for part in partials.dropFirst() { for i in products.indices { products[i] += part[i] } }
    for i in 0..<frames {
        for j in 0..<frames { products[i * width + j] *= w[i] * w[j] }
        for k in frames..<width { products[i * width + k] *= w[i] }
    }
    var ownSquares = 0.0, crossSquares = 0.0
    for i in 0..<frames {
        for j in 0..<frames { ownSquares += Double(products[i * width + j]) * Double(products[i * width + j]) }
        for k in frames..<width { crossSquares += Double(products[i * width + k]) * Double(products[i * width + k]) }
    }
    let (n, styleFrames) = (Double(frames), Double(target.columnCount))
    let value = ownSquares / (n * n) - 2 * crossSquares / (n * styleFrames) + target.squaredNorm
    return Tensor.record(Tensor(Float(value)), inputs: [x]) { g, _ in
        let own = 4 * g.item / Float(n * n), cross = -4 * g.item / Float(n * styleFrames)
        // M₁ = own·W·A'·W [frames, frames] and M₂ = cross·(W·B')ᵀ as [frames, kept] (used transposed).
        var first = [Float](repeating: 0, count: frames * frames), second = [Float](repeating: 0, count: frames * kept)
        for i in 0..<frames {
            for j in 0..<frames { first[i * frames + j] = own * w[i] * products[i * width + j] * w[j] }
            for k in 0..<kept { second[i * kept + k] = cross * w[i] * products[i * width + frames + k] }
        }
        let dx = uninitializedScalars(rows * frames) { pdx in
            x.withUnsafeBufferPointer { px in
                style.withUnsafeBufferPointer { ps in
                    let (px, ps) = (px.baseAddress!, ps.baseAddress!)
                    NeuralCoreThreads.forEachRange(parts) { range in
                        for part in range {
                            let (start, count) = (bounds[part], bounds[part + 1] - bounds[part])
                            sgemm(px + start * frames, transposeA: false, first, transposeB: false,
                                  pdx + start * frames, m: count, n: frames, k: frames)
                            sgemm(ps + start * kept, transposeA: false, second, transposeB: true,
                                  pdx + start * frames, m: count, n: frames, k: kept, beta: 1)
                        }
                    }
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
