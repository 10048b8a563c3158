import AudioDSP
import NeuralCore

/// How content of `frameCount` frames is cut into chunks (none when it fits in `chunkFrames + overlapFrames`,
/// so a clip of exactly the chunk duration stays whole) of `chunkFrames` that overlap by
/// at least `overlapFrames`; every chunk has the full length and the chunks are spread evenly from the first frame to
/// the last.
struct ChunkPlan {
    let frameCount: Int
    let chunkFrames: Int
    let chunks: [Range<Int>]

    init(frameCount: Int, chunkFrames: Int, overlapFrames: Int) {
        self.frameCount = frameCount
        self.chunkFrames = chunkFrames
        guard frameCount > chunkFrames + overlapFrames else {
            chunks = [0..<frameCount]
            return
        }
        // The fewest chunks whose overlaps are at least `overlapFrames`, spread evenly.
        let advance = max(1, chunkFrames - overlapFrames)
        let count = 1 + (frameCount - chunkFrames + advance - 1) / advance
        let span = Double(frameCount - chunkFrames) / Double(count - 1)
        let starts = (0..<count).map { Int((Double($0) * span).rounded()) }
        chunks = starts.map { $0..<($0 + chunkFrames) }
    }

    /// Consecutive pieces of nearly equal length (differing by at most one frame), none longer than `chunkFrames`,
    /// that cover `frameCount` frames exactly once (for accumulating statistics such as the style's Gram matrices).
    static func partition(frameCount: Int, chunkFrames: Int) -> [Range<Int>] {
        let count = (frameCount + chunkFrames - 1) / chunkFrames
        return (0..<count).map { (($0 * frameCount) / count)..<((($0 + 1) * frameCount) / count) }
    }

    /// Frames shared by chunk `index` and the one before it (0 for the first).
    func overlap(before index: Int) -> Int { index == 0 ? 0 : max(0, chunks[index - 1].upperBound - chunks[index].lowerBound) }

    /// Frames shared by chunk `index` and the one after it (0 for the last).
    func overlap(after index: Int) -> Int { index + 1 < chunks.count ? overlap(before: index + 1) : 0 }
}

/// Accumulates chunks into one spectrogram with linear crossfades: inside an overlap of `n` frames, frame `t`
/// weighs `(t + ½)/n` in the later chunk and the complement in the earlier, so the weights sum to one and the seam
/// has no step.
struct ChunkBlend {
    private var sum: [Float]
    private var weight: [Float]
    let binCount: Int, frameCount: Int

    init(binCount: Int, frameCount: Int) {
        (self.binCount, self.frameCount) = (binCount, frameCount)
        sum = [Float](repeating: 0, count: binCount * frameCount)
        weight = [Float](repeating: 0, count: frameCount)
    }

    /// Adds `chunk` (`[bins, chunk.count]`) at frames `frames`, fading in over its first `fadeIn` frames and out
    /// over its last `fadeOut`.
    mutating func add(_ chunk: Tensor, at frames: Range<Int>, fadeIn: Int, fadeOut: Int) {
        let count = frames.count
        let gains = (0..<count).map { t -> Float in
            var gain: Float = 1
            if t < fadeIn { gain = min(gain, (Float(t) + 0.5) / Float(fadeIn)) }
            if t >= count - fadeOut { gain = min(gain, (Float(count - t) - 0.5) / Float(fadeOut)) }
            return gain
        }
        chunk.withUnsafeBufferPointer { values in
            for bin in 0..<binCount {
                for t in 0..<count {
                    sum[bin * frameCount + frames.lowerBound + t] += gains[t] * values[bin * count + t]
                }
            }
        }
        for t in 0..<count { weight[frames.lowerBound + t] += gains[t] }
    }

    /// The blended spectrogram `[bins, frames]`.
    func result() -> Spectrogram {
        var values = sum
        for bin in 0..<binCount {
            for t in 0..<frameCount where weight[t] > 0 { values[bin * frameCount + t] /= weight[t] }
        }
        return Spectrogram(values: values, rowCount: binCount, frameCount: frameCount)
    }
}
