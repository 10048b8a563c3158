import Foundation

/// An analysis window for the short-time Fourier transform (librosa/scipy `window=` name in parentheses).
///
/// All windows are *periodic* (scipy's `get_window(..., fftbins=True)`, librosa's default): a window of length `N`
/// is the first `N` points of the symmetric window of length `N + 1`, so that overlapping copies sum to a constant.
/// Values are computed in double precision and rounded to `Float`, as scipy computes them in float64.
public enum WindowFunction: String, Sendable, CaseIterable, Codable {
    /// Hann (`'hann'`): `0.5 − 0.5·cos(2πn/N)`. librosa's default.
    case hann
    /// Hamming (`'hamming'`): `0.54 − 0.46·cos(2πn/N)`.
    case hamming
    /// Blackman (`'blackman'`): `0.42 − 0.5·cos(2πn/N) + 0.08·cos(4πn/N)`.
    case blackman
    /// Rectangular (`'boxcar'`, `'rectangular'`): all ones.
    case rectangular

    /// The `length` window values `w[0..<length]` (periodic). `length` 0 gives `[]`, 1 gives `[1]` as scipy does.
    public func values(length: Int) -> [Float] {
        precondition(length >= 0, "window length must be non-negative")
        if length == 1 { return [1] }
        let n = Double(length)
        return (0..<length).map { index in
            let phase = 2 * Double.pi * Double(index) / n
            switch self {
            case .hann: return Float(0.5 - 0.5 * cos(phase))
            case .hamming: return Float(0.54 - 0.46 * cos(phase))
            case .blackman: return Float(0.42 - 0.5 * cos(phase) + 0.08 * cos(2 * phase))
            case .rectangular: return 1
            }
        }
    }

    /// The window of `length` values centred in `size` zeros, as librosa's `util.pad_center(get_window(...), size)`:
    /// `(size − length) / 2` zeros (rounded down) on the left.
    ///
    /// - Precondition: `0 ≤ length ≤ size`.
    public func values(length: Int, paddedTo size: Int) -> [Float] {
        precondition(length <= size, "window length \(length) exceeds the padded size \(size)")
        var padded = [Float](repeating: 0, count: size)
        let left = (size - length) / 2
        for (index, value) in values(length: length).enumerated() { padded[left + index] = value }
        return padded
    }
}
