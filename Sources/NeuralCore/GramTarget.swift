/// The Gram matrix `G = S·Sᵀ / N` of a constant matrix `S` `[R, N]` (rows × columns, e.g. a style clip's activations
/// reshaped to features × frames), kept in whichever form makes distances to it cheapest.
///
/// ## Forms
/// - When `R ≤ N` the `[R, R]` matrix itself is kept (`R²` scalars, no more than `S` has).
/// - When `R > N` — the "Gram over time" of a spectrogram network, `R = C·F'` (filters × frequency rows, e.g.
///   32 · 511 = 16 352) against a few hundred frames — the `R×R` matrix (here 1 GiB) is never formed: the columns
///   of `S` are kept, in the pieces they were given in, and every distance is computed from column-by-column
///   products through `‖A·Aᵀ − B·Bᵀ‖² = ‖AᵀA‖² − 2‖AᵀB‖² + ‖BᵀB‖²`, with `‖AᵀB‖² = Σₚ ‖AᵀBₚ‖²` over the pieces `Bₚ`
///   of `B`. A clip of any length therefore enters piece by piece. The columns are also compressed: `S` is
///   replaced by `S·Vₖ` `[R, k]`, with `Vₖ` the eigenvectors of `SᵀS` (`dsyevd`, in `Double`) whose eigenvalues `λ`
///   carry all but ``defaultTolerance`` of `‖G‖² ∝ Σλ²` (each piece first, then all of them together). `(S·Vₖ)(S·Vₖ)ᵀ`
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
        /// The pieces `Sₚ` `[R, Nₚ]` of `S`, their columns in order.
        case columns([Tensor])
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
            let kept = each.count == 1 ? each : [Self.compressed(concatenated(each, alongAxis: 1), tolerance: tolerance)]
            squaredNorm = Self.crossSquares(kept, kept) / Double(columns * columns)
            form = .columns(kept)
        }
    }

    /// The scalars the target holds: `R²` in matrix form, `R·k` for `k` compressed columns.
    public var storedScalarCount: Int {
        switch form {
        case let .matrix(matrix): matrix.scalarCount
        case let .columns(pieces): pieces.reduce(0) { $0 + $1.scalarCount }
        }
    }

    /// The `[R, R]` Gram matrix itself (formed from the columns when it is not kept: `R²` scalars).
    public var matrix: Tensor {
        switch form {
        case let .matrix(matrix): return matrix
        case let .columns(pieces): return Self.product(of: pieces, rows: rowCount, columns: columnCount)
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

    /// `Σₚ Σ_q ‖Aₚᵀ·B_q‖²` over all pairs of pieces (one `[Nₚ, N_q]` product each), in `Double`.
    static func crossSquares(_ a: [Tensor], _ b: [Tensor]) -> Double {
        let rows = a[0].shape[0]
        var total = 0.0
        for pa in a {
            for pb in b {
                let (m, n) = (pa.shape[1], pb.shape[1])
                total += withScratch(m * n) { product in
                    pa.withUnsafeBufferPointer { x in
                        pb.withUnsafeBufferPointer { y in
                            sgemm(x.baseAddress!, transposeA: true, y.baseAddress!, transposeB: false, product,
                                  m: m, n: n, k: rows)
                        }
                    }
                    return blockedDot(product, product, count: m * n)
                }
            }
        }
        return total
    }
}

/// The squared Frobenius distance `‖X·Xᵀ/Nₓ − G‖²` between the Gram matrix of `x` `[R, Nₓ]` and a constant
/// ``GramTarget`` `G` of the same row count: the style loss of Gatys et al. before its normalisation, differentiable
/// with respect to `x`.
///
/// For a target kept as a matrix (`R ≤ N`) it is `(gram(x) − G).squared().sum()`. For a target kept as columns
/// (`R > N`, the Gram over time) it is one primitive that never forms an `R×R` matrix:
/// `‖XᵀX‖²/Nₓ² − 2·Σₚ‖XᵀSₚ‖²/(Nₓ·N) + ‖G‖²` from one `cblas_ssyrk` (`XᵀX`, `R·Nₓ²/2` multiply-adds) and one
/// `cblas_sgemm` per piece (`XᵀSₚ`, `R·Nₓ·Nₚ`), summed in `Double`; its gradient
/// `4/Nₓ²·X·(XᵀX) − 4/(Nₓ·N)·Σₚ Sₚ·(XᵀSₚ)ᵀ` reuses those products (two more `sgemm` of the same sizes).
/// The cost per evaluation is therefore `O(R·Nₓ·(Nₓ + N))` instead of `O(R²·Nₓ)`.
public func gramDistance(_ x: Tensor, to target: GramTarget) -> Tensor {
    precondition(x.rank == 2 && x.shape[0] == target.rowCount,
                 "gramDistance: x \(x.shape) against a target of \(target.rowCount) rows")
    let pieces: [Tensor]
    switch target.form {
    case let .matrix(matrix): return (gram(x) - matrix).squared().sum()
    case let .columns(columns): pieces = columns
    }
    let (rows, frames) = (x.shape[0], x.shape[1])
    precondition(frames >= 1, "gramDistance: x has no columns")
    let styleFrames = Double(target.columnCount)
    let xx = uninitializedScalars(frames * frames) { p in
        x.withUnsafeBufferPointer { symmetricProduct($0.baseAddress!, transpose: true, p, n: frames, k: rows) }
    }
    let xs = pieces.map { piece in
        uninitializedScalars(frames * piece.shape[1]) { p in
            x.withUnsafeBufferPointer { px in
                piece.withUnsafeBufferPointer { ps in
                    sgemm(px.baseAddress!, transposeA: true, ps.baseAddress!, transposeB: false, p,
                          m: frames, n: piece.shape[1], k: rows)
                }
            }
        }
    }
    let squares = { (m: [Float]) in m.withUnsafeBufferPointer { blockedDot($0.baseAddress!, $0.baseAddress!, count: m.count) } }
    let n = Double(frames)
    let value = squares(xx) / (n * n) - 2 * xs.map(squares).reduce(0, +) / (n * styleFrames) + target.squaredNorm
    return Tensor.record(Tensor(Float(value)), inputs: [x]) { g, _ in
        let own = 4 * g.item / Float(n * n), cross = -4 * g.item / Float(n * styleFrames)
        let dx = uninitializedScalars(rows * frames) { pdx in
            x.withUnsafeBufferPointer { px in
                sgemm(px.baseAddress!, transposeA: false, xx, transposeB: false, pdx, m: rows, n: frames, k: frames,
                      alpha: own)
            }
            for (piece, product) in zip(pieces, xs) {
                piece.withUnsafeBufferPointer { ps in
                    sgemm(ps.baseAddress!, transposeA: false, product, transposeB: true, pdx, m: rows, n: frames,
                          k: piece.shape[1], alpha: cross, beta: 1)
                }
            }
        }
        return [Tensor(shape: x.shape, scalars: dx)]
    }
}
