import Foundation

/// The minimum-cost alignment of two feature sequences (librosa `sequence.dtw(X, Y, metric="euclidean")` with its
/// defaults: steps (1, 1), (0, 1), (1, 0) in that order, every step weighted 1, no band constraint, whole sequences).
///
/// The accumulated cost is `D[i, j] = C[i, j] + min(D[i−1, j−1], D[i, j−1], D[i−1, j])` with `C` the Euclidean
/// distance between frame `i` of `a` and frame `j` of `b`; ties go to the earlier step, as in librosa. The cost matrix
/// takes `a.frames · b.frames` doubles.
public enum DynamicTimeWarping {
    /// The warping path from `(0, 0)` to `(aFrames − 1, bFrames − 1)` (librosa returns the same pairs, last first).
    ///
    /// - Parameters:
    ///   - a, b: frames of `dimension` values each, frame-major (`a[i·dimension + d]`).
    ///   - dimension: values per frame, ≥ 1.
    /// - Returns: the aligned frame pairs `(i, j)`, each index non-decreasing along the path.
    /// - Precondition: both sequences hold at least one whole frame and nothing more.
    public static func path(_ a: [Float], _ b: [Float], dimension: Int) -> [(Int, Int)] {
        precondition(dimension >= 1 && !a.isEmpty && !b.isEmpty, "DynamicTimeWarping: empty input")
        precondition(a.count % dimension == 0 && b.count % dimension == 0, "DynamicTimeWarping: partial frame")
        let rows = a.count / dimension, columns = b.count / dimension
        var cost = [Double](repeating: .infinity, count: rows * columns)
        var step = [UInt8](repeating: 0, count: rows * columns)
        let steps = [(1, 1), (0, 1), (1, 0)]
        for i in 0..<rows {
            for j in 0..<columns {
                var distance = 0.0
                for d in 0..<dimension {
                    let difference = Double(a[i * dimension + d]) - Double(b[j * dimension + d])
                    distance += difference * difference
                }
                distance = distance.squareRoot()
                if i == 0 && j == 0 {
                    cost[0] = distance
                    continue
                }
                for (index, (di, dj)) in steps.enumerated() where i >= di && j >= dj {
                    let candidate = cost[(i - di) * columns + j - dj] + distance
                    if candidate < cost[i * columns + j] {
                        cost[i * columns + j] = candidate
                        step[i * columns + j] = UInt8(index)
                    }
                }
            }
        }
        var (i, j) = (rows - 1, columns - 1)
        var path = [(i, j)]
        while i > 0 || j > 0 {
            let (di, dj) = steps[Int(step[i * columns + j])]
            (i, j) = (i - di, j - dj)
            path.append((i, j))
        }
        return path.reversed()
    }
}
