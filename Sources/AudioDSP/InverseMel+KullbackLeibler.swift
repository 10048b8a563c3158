import Foundation

extension MelFilterbank {
    /// ``MelInversion/kullbackLeibler(iterations:)``: `iterations` multiplicative updates
    /// `x ← x ⊙ Wᵀ(M ⊘ W·x) ⊘ Wᵀ1` from `x = 1` on every bin some filter covers (0 elsewhere), on all frames at once
    /// in blocks of 64 frames spread over ``AudioDSPThreads/threadCount`` threads, using only the filters' non-zero
    /// bins. Negative mel values count as 0; a band whose `W·x` is 0 contributes nothing.
    func divergenceInverse(_ mel: Spectrogram, iterations: Int) throws -> Spectrogram {
        try requireMelShape(mel)
        try MelInversion.kullbackLeibler(iterations: iterations).validate()
        try validateFinite(mel.values, what: "mel spectrogram")
        let frames = mel.frameCount, bins = binCount, bands = melBandCount, blockWidth = 64
        let reciprocalCoverage = reciprocalCoverage()
        var solution = [Float](repeating: 0, count: bins * frames)
        let blocks = (frames + blockWidth - 1) / blockWidth
        mel.values.withUnsafeBufferPointer { mel in
            solution.withUnsafeMutableBufferPointer { solution in
                reciprocalCoverage.withUnsafeBufferPointer { reciprocalCoverage in
                    let (mel, solution, reciprocalCoverage) = (mel.baseAddress!, solution.baseAddress!,
                                                               reciprocalCoverage.baseAddress!)
                    AudioDSPThreads.forEachRange(blocks) { blockRange in
                        // Per-thread scratch: x and the back-projection ([bins, width]), the target and the ratio
                        // ([bands, width]).
                        let scratch = UnsafeMutablePointer<Float>.allocate(
                            capacity: 2 * bins * blockWidth + 2 * bands * blockWidth)
                        defer { scratch.deallocate() }
                        let x = scratch, back = x + bins * blockWidth
                        let target = back + bins * blockWidth, ratio = target + bands * blockWidth
                        for block in blockRange {
                            let first = block * blockWidth, width = min(blockWidth, frames - first)
                            for row in 0..<bins {
                                (x + row * width).update(repeating: reciprocalCoverage[row] > 0 ? 1 : 0, count: width)
                            }
                            for row in 0..<bands {
                                let source = mel + row * frames + first, destination = target + row * width
                                for frame in 0..<width { destination[frame] = max(0, source[frame]) }
                            }
                            for _ in 0..<iterations {
                                sparse.multiply(x, ratio, width: width, rows: 0..<bands)
                                for index in 0..<(bands * width) {
                                    let projected = ratio[index]
                                    ratio[index] = projected > 0 ? target[index] / projected : 0
                                }
                                sparseTransposed.multiply(ratio, back, width: width, rows: 0..<bins)
                                for row in 0..<bins {
                                    let scale = reciprocalCoverage[row], xRow = x + row * width
                                    let backRow = back + row * width
                                    for frame in 0..<width { xRow[frame] *= backRow[frame] * scale }
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
        return Spectrogram(values: solution, rowCount: bins, frameCount: frames)
    }

    /// `1 / (Wᵀ1)` per FFT bin (the reciprocal of the bin's total filter weight), 0 for a bin no filter covers.
    func reciprocalCoverage() -> [Float] {
        var coverage = [Float](repeating: 0, count: binCount)
        sparseTransposed.multiply([Float](repeating: 1, count: melBandCount), &coverage, width: 1, rows: 0..<binCount)
        return coverage.map { $0 > 0 ? 1 / $0 : 0 }
    }
}
