import Foundation

extension MelFilterbank {
    /// The non-negative least-squares inverse of the filterbank: for every frame, the linear spectrogram `x ≥ 0`
    /// that minimises `‖weights · x − mel‖²` (what `librosa.util.nnls(mel_basis, M)` inside
    /// `librosa.feature.inverse.mel_to_stft` solves), shape `[1 + fftSize/2, frames]`.
    ///
    /// The result is in the same power as the input: the inverse of a power mel (librosa's `power=2`) is a power
    /// spectrogram; use ``inverseMagnitude(_:power:iterations:)`` for librosa's final root.
    ///
    /// Method: librosa's starting point, the clipped minimum-norm least-squares solution
    /// `max(0, Wᵀ(WWᵀ)⁺ M)` (the mel Gram matrix `WWᵀ`, `[mels, mels]`, is inverted in double precision and applied
    /// to all frames at once), then `iterations` steps of accelerated projected gradient (FISTA, step `1/λmax(WWᵀ)`) on all frames
    /// at once, in cache-sized blocks of frames spread over ``AudioDSPThreads/threadCount`` threads, using only the
    /// filters' non-zero bins. The problem has many solutions when there are more bins than mel bands; this one is
    /// the one reached from librosa's start. librosa's L-BFGS-B stops at an absolute gradient tolerance (1e-5), so
    /// on quiet inputs it returns its start unchanged (`iterations: 0` reproduces that), while on loud inputs it
    /// stops part-way; with the default 100 iterations the mel residual is far lower than librosa's (see
    /// `Docs/Benchmarks.md`).
    ///
    /// - Parameters:
    ///   - mel: a mel spectrogram `[melBandCount, frames]` (power or amplitude).
    ///   - iterations: projected-gradient steps after the start, ≥ 0. Default 100.
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` if `mel` does not have `melBandCount` rows,
    ///   ``AudioDSPError/emptyInput(what:)`` for zero frames, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for negative `iterations`.
    public func inverse(_ mel: Spectrogram, iterations: Int = 100) throws -> Spectrogram {
        try requireMelShape(mel)
        try MelInversion.leastSquares(iterations: iterations).validate()
        try validateFinite(mel.values, what: "mel spectrogram")
        let frames = mel.frameCount, bins = binCount, bands = melBandCount
        let (gramInverse, largestEigenvalue) = gramPseudoInverse()
        // Start: X₀ = max(0, Wᵀ (WWᵀ)⁺ M). The [mels, mels] × [mels, frames] product is small (≈ 5 Mflop for 80 mels
        // and 10 s) and done here row by row, so OpenBLAS's spinning worker threads stay out of single-threaded runs.
        var dual = [Float](repeating: 0, count: bands * frames)
        gramInverse.withUnsafeBufferPointer { gramInverse in
            mel.values.withUnsafeBufferPointer { mel in
                dual.withUnsafeMutableBufferPointer { dual in
                    let (gramInverse, mel, dual) = (gramInverse.baseAddress!, mel.baseAddress!, dual.baseAddress!)
                    AudioDSPThreads.forEachRange(bands, minimumPerThread: 8) { rows in
                        for row in rows {
                            let destination = dual + row * frames
                            for band in 0..<bands {
                                let weight = gramInverse[row * bands + band], source = mel + band * frames
                                guard weight != 0 else { continue }
                                for frame in 0..<frames { destination[frame] += weight * source[frame] }
                            }
                        }
                    }
                }
            }
        }
        var solution = [Float](repeating: 0, count: bins * frames)
        dual.withUnsafeBufferPointer { dual in
            solution.withUnsafeMutableBufferPointer { solution in
                let (dual, solution) = (dual.baseAddress!, solution.baseAddress!)
                AudioDSPThreads.forEachRange(bins, minimumPerThread: 16) { rows in
                    sparseTransposed.multiply(dual, solution, width: frames, rows: rows)
                    for index in rows.lowerBound * frames ..< rows.upperBound * frames {
                        solution[index] = max(0, solution[index])
                    }
                }
            }
        }
        if iterations > 0 {
            refine(&solution, mel: mel.values, frames: frames, iterations: iterations, step: 1 / largestEigenvalue)
        }
        return Spectrogram(values: solution, rowCount: bins, frameCount: frames)
    }

    /// librosa's `feature.inverse.mel_to_stft(M, sr, n_fft, power)`: ``inverse(_:iterations:)`` followed by the
    /// `1/power` root, giving an amplitude spectrogram `[1 + fftSize/2, frames]`.
    ///
    /// - Parameters:
    ///   - power: the exponent the mel was computed with: 2 (default, librosa's) for a power mel, 1 for amplitude.
    /// - Throws: the errors of ``inverse(_:iterations:)``, and `invalidParameter` for `power ≤ 0`.
    public func inverseMagnitude(_ mel: Spectrogram, power: Float = 2, iterations: Int = 100) throws -> Spectrogram {
        try inverseMagnitude(mel, power: power, method: .leastSquares(iterations: iterations))
    }

    /// Throws ``AudioDSPError/shapeMismatch(what:expected:actual:)`` unless `mel` has `melBandCount` rows.
    func requireMelShape(_ mel: Spectrogram) throws {
        guard mel.rowCount == melBandCount else {
            throw AudioDSPError.shapeMismatch(what: "mel spectrogram", expected: "[\(melBandCount), frames]",
                                              actual: "[\(mel.rowCount), \(mel.frameCount)]")
        }
    }

    /// Accelerated projected gradient on `0.5‖W X − M‖²`, `X ≥ 0`, from `solution`, in blocks of frames.
    private func refine(_ solution: inout [Float], mel: [Float], frames: Int, iterations: Int, step: Float) {
        let bins = binCount, bands = melBandCount, blockWidth = 64
        let blocks = (frames + blockWidth - 1) / blockWidth
        mel.withUnsafeBufferPointer { mel in
            solution.withUnsafeMutableBufferPointer { solution in
                let (mel, solution) = (mel.baseAddress!, solution.baseAddress!)
                AudioDSPThreads.forEachRange(blocks) { blockRange in
                    // Per-thread scratch: x, y and the gradient ([bins, blockWidth]), the target and the residual
                    // ([bands, blockWidth]); raw memory so the update loop below vectorises.
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * bins * blockWidth + 2 * bands * blockWidth)
                    defer { scratch.deallocate() }
                    let x = scratch, y = x + bins * blockWidth, gradient = y + bins * blockWidth
                    let target = gradient + bins * blockWidth, residual = target + bands * blockWidth
                    for block in blockRange {
                        let first = block * blockWidth, width = min(blockWidth, frames - first)
                        let count = bins * width
                        for row in 0..<bins {
                            (x + row * width).update(from: solution + row * frames + first, count: width)
                        }
                        for row in 0..<bands {
                            (target + row * width).update(from: mel + row * frames + first, count: width)
                        }
                        y.update(from: x, count: count)
                        var momentum: Float = 1
                        for _ in 0..<iterations {
                            sparse.multiply(y, residual, width: width, rows: 0..<bands)
                            for index in 0..<(bands * width) { residual[index] -= target[index] }
                            sparseTransposed.multiply(residual, gradient, width: width, rows: 0..<bins)
                            let next = (1 + (1 + 4 * momentum * momentum).squareRoot()) / 2
                            let beta = (momentum - 1) / next
                            momentum = next
                            for index in 0..<count {
                                let updated = max(0, y[index] - step * gradient[index])
                                y[index] = updated + beta * (updated - x[index])
                                x[index] = updated
                            }
                        }
                        for row in 0..<bins {
                            (solution + row * frames + first).update(from: x + row * width, count: width)
                        }
                    }
                }
            }
        }
    }

    /// `(WWᵀ)⁺` as a row-major `[mels, mels]` Float matrix, and the largest eigenvalue of `WWᵀ`.
    ///
    /// The Gram matrix is formed in double precision from the filters' non-zero runs and inverted by a Cholesky
    /// factorisation that drops pivots below `1e-12 ×` the largest diagonal (an empty filter gives a zero row, which
    /// the minimum-norm solution maps to zero, as `np.linalg.lstsq` does).
    private func gramPseudoInverse() -> (inverse: [Float], largestEigenvalue: Float) {
        let n = melBandCount
        var gram = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                let (rowI, rowJ) = (sparse.weights(ofRow: i), sparse.weights(ofRow: j))
                let start = max(sparse.starts[i], sparse.starts[j])
                let end = min(sparse.starts[i] + rowI.count, sparse.starts[j] + rowJ.count)
                guard start < end else { continue }
                var sum = 0.0
                for k in start..<end {
                    sum += Double(rowI[rowI.startIndex + k - sparse.starts[i]]) * Double(rowJ[rowJ.startIndex + k - sparse.starts[j]])
                }
                gram[i * n + j] = sum
                gram[j * n + i] = sum
            }
        }
        // Largest eigenvalue by power iteration (the matrix is symmetric positive semi-definite).
        var vector = [Double](repeating: 1 / Double(n).squareRoot(), count: n)
        var eigenvalue = 0.0
        for _ in 0..<200 {
            var next = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { next[i] += gram[i * n + j] * vector[j] } }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { break }
            eigenvalue = norm
            vector = next.map { $0 / norm }
        }
        // Cholesky G = L Lᵀ (lower, in place), skipping negligible pivots.
        let threshold = 1e-12 * (0..<n).map { gram[$0 * n + $0] }.max()!
        var lower = [Double](repeating: 0, count: n * n)
        var kept = [Bool](repeating: false, count: n)
        for j in 0..<n {
            var diagonal = gram[j * n + j]
            for k in 0..<j { diagonal -= lower[j * n + k] * lower[j * n + k] }
            guard diagonal > threshold else { continue }
            kept[j] = true
            let pivot = diagonal.squareRoot()
            lower[j * n + j] = pivot
            for i in (j + 1)..<max(j + 1, n) {
                var value = gram[i * n + j]
                for k in 0..<j { value -= lower[i * n + k] * lower[j * n + k] }
                lower[i * n + j] = value / pivot
            }
        }
        // Inverse column by column: solve L Lᵀ x = e_c on the kept indices.
        var inverse = [Float](repeating: 0, count: n * n)
        for column in 0..<n where kept[column] {
            var x = [Double](repeating: 0, count: n)
            for i in 0..<n where kept[i] {
                var value = i == column ? 1.0 : 0.0
                for k in 0..<i where kept[k] { value -= lower[i * n + k] * x[k] }
                x[i] = value / lower[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) where kept[i] {
                var value = x[i]
                for k in (i + 1)..<max(i + 1, n) where kept[k] { value -= lower[k * n + i] * x[k] }
                x[i] = value / lower[i * n + i]
            }
            for i in 0..<n { inverse[i * n + column] = Float(x[i]) }
        }
        return (inverse, Float(eigenvalue))
    }
}
