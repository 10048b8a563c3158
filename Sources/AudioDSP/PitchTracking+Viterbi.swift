import Foundation

/// pYIN's hidden Markov model over `2 · pitchBinCount` states (voiced bins, then unvoiced bins) and its Viterbi
/// decoding, as librosa builds and decodes it (`sequence.transition_local(n, width, window='triangle', wrap=False)`,
/// `np.kron(sequence.transition_loop(2, 1 − switch_prob), ·)`, `sequence.viterbi`).
///
/// The pitch transition `T[r, c]` is a triangular window of `width` bins centred on `r`, cut at the range's ends
/// and normalised per row; staying voiced (or unvoiced) multiplies it by `1 − s`, switching by `s`. Every entry is
/// used as `log(P + tiny)`, tiny the smallest normal Double, so the zero entries outside the band all carry the same
/// `log(tiny)`: the decoder takes the best in-band predecessor of each state and compares it with the best state of
/// the previous frame plus `log(tiny)`, which is exactly the dense maximum (ties go to the lowest state index, as
/// `np.argmax`) at `O(states · width)` instead of `O(states²)` per frame.
struct BandedTransition: Sendable {
    let pitchBinCount: Int
    /// Predecessor offsets `−halfWidth … halfWidth` (`halfWidth = width / 2`).
    let halfWidth: Int
    /// Pitch bins rounded up to whole SIMD vectors; the extra bins have no predecessors.
    let paddedBinCount: Int
    /// `log((1 − s) · T[c + δ, c] + tiny)` at `[(δ + halfWidth) · paddedBinCount + c]`, −∞ where `c + δ` is no bin.
    let stayLogs: [Double]
    /// `log(s · T[c + δ, c] + tiny)`, laid out as ``stayLogs``.
    let switchLogs: [Double]
    static let logTiny = log(Double.leastNormalMagnitude)

    init(pitchBinCount n: Int, width: Int, switchProbability: Double) {
        pitchBinCount = n
        halfWidth = width / 2
        paddedBinCount = (n + Lane.scalarCount - 1) / Lane.scalarCount * Lane.scalarCount
        // scipy.signal.windows.triang(width) (symmetric), padded to n bins by librosa's pad_center, rolled to bin r.
        let half = (width + 1) / 2
        let rising = (1...half).map { width % 2 == 0 ? (2 * Double($0) - 1) / Double(width) : 2 * Double($0) / Double(width + 1) }
        let window = rising + (width % 2 == 0 ? rising.reversed() : rising.dropLast().reversed())
        let leftPad = (n - width) / 2
        func raw(_ r: Int, _ c: Int) -> Double {
            let q = ((c - (n / 2 + r + 1)) % n + n) % n - leftPad
            return q >= 0 && q < width ? window[q] : 0
        }
        let columns = { (r: Int) in max(0, r - width / 2)..<min(n, r + width / 2 + 1) }
        let rowSums = (0..<n).map { r in numpyPairwiseSum((0..<n).map { columns(r).contains($0) ? raw(r, $0) : 0 }[...]) }
        let stay = 1 - switchProbability, change = 1 - stay  // transition_loop(2, 1 − s): off-diagonal 1 − (1 − s)
        var stayLogs = [Double](repeating: -.infinity, count: (2 * halfWidth + 1) * paddedBinCount)
        var switchLogs = stayLogs
        for c in 0..<n {
            for offset in -halfWidth...halfWidth {
                let r = c + offset
                guard r >= 0, r < n, columns(r).contains(c) else { continue }
                let t = raw(r, c) / rowSums[r]
                stayLogs[(offset + halfWidth) * paddedBinCount + c] = log(stay * t + .leastNormalMagnitude)
                switchLogs[(offset + halfWidth) * paddedBinCount + c] = log(change * t + .leastNormalMagnitude)
            }
        }
        self.stayLogs = stayLogs
        self.switchLogs = switchLogs
    }

    typealias Lane = SIMD8<Double>
    typealias LaneIndex = SIMD8<Int64>

    /// The most likely state sequence (librosa `sequence.viterbi(observations, transition, p_init=uniform)`), one
    /// state per frame, `0 ..< pitchBinCount` voiced, the rest unvoiced.
    ///
    /// - Parameters:
    ///   - voicedObservations: `[frames, pitchBinCount]` observation probabilities of the voiced states.
    ///   - voicedProbabilities: per frame; each unvoiced state observes `(1 − p) / pitchBinCount`.
    func decode(voicedObservations: [Double], voicedProbabilities: [Double]) -> [Int] {
        let n = pitchBinCount, states = 2 * n, frames = voicedProbabilities.count
        let padded = paddedBinCount, margin = halfWidth
        // Previous values of both blocks, each with `margin` −∞ entries before and after for offsets past the ends.
        let blockStride = padded + 2 * margin
        var previous = [Double](repeating: -.infinity, count: 2 * blockStride)
        var best = [Double](repeating: -.infinity, count: 2 * padded)
        var bestIndex = [Int64](repeating: 0, count: 2 * padded)
        var pointers = [UInt16](repeating: 0, count: frames * states)
        let initial = log(1 / Double(states) + .leastNormalMagnitude)

        /// `log(p + tiny)` of `state`'s observation in `frame`, given the frame's unvoiced one.
        func observationLog(_ frame: Int, _ state: Int, unvoiced: Double) -> Double {
            if state >= n { return unvoiced }
            let p = voicedObservations[frame * n + state]
            return p == 0 ? Self.logTiny : log(p + .leastNormalMagnitude)
        }
        func unvoicedLog(_ frame: Int) -> Double { log((1 - voicedProbabilities[frame]) / Double(n) + .leastNormalMagnitude) }
        for state in 0..<states {
            previous[(state / n) * blockStride + margin + state % n] = observationLog(0, state, unvoiced: unvoicedLog(0)) + initial
        }

        previous.withUnsafeMutableBufferPointer { previous in
            best.withUnsafeMutableBufferPointer { best in
                bestIndex.withUnsafeMutableBufferPointer { bestIndex in
                    stayLogs.withUnsafeBufferPointer { stayLogs in
                        switchLogs.withUnsafeBufferPointer { switchLogs in
                            for frame in 1..<max(1, frames) {
                                best.update(repeating: -.infinity)
                                // Predecessors in index order (voiced block, then unvoiced; offsets ascending) with a
                                // strict comparison keep the first maximum, as np.argmax.
                                func relax(target: Int, source: Int, _ logs: UnsafeBufferPointer<Double>) {
                                    self.relax(into: best.baseAddress! + target * padded, indices: bestIndex.baseAddress! + target * padded,
                                               from: previous.baseAddress! + source * blockStride + margin,
                                               sourceOffset: Int64(source * n), logs: logs.baseAddress!)
                                }
                                relax(target: 0, source: 0, stayLogs)
                                relax(target: 0, source: 1, switchLogs)
                                relax(target: 1, source: 0, switchLogs)
                                relax(target: 1, source: 1, stayLogs)
                                // The out-of-band entries: the best previous state plus log(tiny).
                                var top = 0, topValue = -Double.infinity
                                for state in 0..<states {
                                    let value = previous[(state / n) * blockStride + margin + state % n]
                                    if value > topValue { topValue = value; top = state }
                                }
                                let outside = topValue + Self.logTiny, unvoiced = unvoicedLog(frame)
                                for state in 0..<states {
                                    let slot = (state / n) * padded + state % n
                                    var value = best[slot], index = Int(bestIndex[slot])
                                    if outside > value || (outside == value && top < index) { value = outside; index = top }
                                    pointers[frame * states + state] = UInt16(index)
                                    best[slot] = observationLog(frame, state, unvoiced: unvoiced) + value
                                }
                                for block in 0..<2 {
                                    (previous.baseAddress! + block * blockStride + margin)
                                        .update(from: best.baseAddress! + block * padded, count: n)
                                }
                            }
                        }
                    }
                }
            }
        }
        var path = [Int](repeating: 0, count: frames)
        var last = 0, lastValue = -Double.infinity
        for state in 0..<states {
            let value = previous[(state / n) * blockStride + margin + state % n]
            if value > lastValue { lastValue = value; last = state }
        }
        path[frames - 1] = last
        for frame in stride(from: frames - 1, to: 0, by: -1) {
            path[frame - 1] = Int(pointers[frame * states + path[frame]])
        }
        return path
    }

    /// For every target bin `c` of one block: `best[c] = max(best[c], from[c + δ] + logs[δ, c])` over offsets δ
    /// ascending, recording the source state index `sourceOffset + c + δ` of each strict improvement.
    private func relax(into best: UnsafeMutablePointer<Double>, indices: UnsafeMutablePointer<Int64>,
                       from source: UnsafePointer<Double>, sourceOffset: Int64, logs: UnsafePointer<Double>) {
        let width = Lane.scalarCount
        let lanes = LaneIndex(0, 1, 2, 3, 4, 5, 6, 7)
        for offset in -halfWidth...halfWidth {
            let row = logs + (offset + halfWidth) * paddedBinCount
            for c in stride(from: 0, to: paddedBinCount, by: width) {
                let candidate = UnsafeRawPointer(source + c + offset).loadUnaligned(as: Lane.self)
                    + UnsafeRawPointer(row + c).loadUnaligned(as: Lane.self)
                var current = UnsafeRawPointer(best + c).loadUnaligned(as: Lane.self)
                var index = UnsafeRawPointer(indices + c).loadUnaligned(as: LaneIndex.self)
                let better = candidate .> current
                current.replace(with: candidate, where: better)
                index.replace(with: lanes &+ Int64(c + offset) &+ sourceOffset, where: better)
                UnsafeMutableRawPointer(best + c).storeBytes(of: current, as: Lane.self)
                UnsafeMutableRawPointer(indices + c).storeBytes(of: index, as: LaneIndex.self)
            }
        }
    }
}
