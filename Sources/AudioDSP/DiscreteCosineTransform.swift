import Foundation

/// The orthonormal type-II discrete cosine transform along a spectrogram's rows, keeping the first coefficients
/// (scipy `fft.dct(x, type=2, norm='ortho', axis=-2)[:outputCount]`, the transform librosa's `feature.mfcc` applies
/// to log-mel bands).
///
/// For an input column `x[0..<N]` (`N` = ``inputCount``), coefficient `k` is
/// `X[k] = s_k · Σₙ x[n] · cos(π·k·(2n + 1) / (2N))` with `s_0 = √(1/N)` and `s_k = √(2/N)` for `k ≥ 1`, so the full
/// transform (`outputCount = N`) is an orthogonal matrix. The basis is computed and applied in double precision.
public struct DiscreteCosineTransform: Sendable, Equatable {
    /// Values per input column `N` (for MFCCs, the mel band count).
    public let inputCount: Int
    /// Coefficients kept, `X[0..<outputCount]` (librosa `n_mfcc`), `1 ... inputCount`.
    public let outputCount: Int
    /// The basis, row-major `[outputCount, inputCount]`: `basis[k·N + n] = s_k · cos(π·k·(2n + 1) / (2N))`.
    public let basis: [Double]

    /// Makes the transform of `inputCount`-value columns keeping `outputCount` coefficients.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` unless `1 ≤ outputCount ≤ inputCount`.
    public init(inputCount: Int, outputCount: Int) throws {
        guard inputCount >= 1 else {
            throw AudioDSPError.invalidParameter(name: "inputCount", value: "\(inputCount)", reason: "must be at least 1")
        }
        guard (1...inputCount).contains(outputCount) else {
            throw AudioDSPError.invalidParameter(name: "outputCount", value: "\(outputCount)",
                                                 reason: "must be in 1...inputCount (\(inputCount))")
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
        let n = Double(inputCount)
        var basis = [Double](repeating: 0, count: outputCount * inputCount)
        for k in 0..<outputCount {
            let scale = (k == 0 ? 1 / n : 2 / n).squareRoot()
            for index in 0..<inputCount {
                basis[k * inputCount + index] = scale * cos(Double.pi * Double(k) * Double(2 * index + 1) / (2 * n))
            }
        }
        self.basis = basis
    }

    /// The coefficients of every column of `spectrogram` (`[inputCount, frames]`), shape `[outputCount, frames]`.
    ///
    /// - Precondition: `spectrogram.binCount == inputCount`.
    public func apply(_ spectrogram: Spectrogram) -> Spectrogram {
        precondition(spectrogram.rowCount == inputCount,
                     "DiscreteCosineTransform.apply: \(spectrogram.rowCount) rows, the transform takes \(inputCount)")
        let frames = spectrogram.frameCount
        var row = [Double](repeating: 0, count: frames)
        var result = [Float](repeating: 0, count: outputCount * frames)
        spectrogram.values.withUnsafeBufferPointer { input in
            for k in 0..<outputCount {
                for t in 0..<frames { row[t] = 0 }
                for index in 0..<inputCount {
                    let weight = basis[k * inputCount + index], source = input.baseAddress! + index * frames
                    for t in 0..<frames { row[t] += weight * Double(source[t]) }
                }
                for t in 0..<frames { result[k * frames + t] = Float(row[t]) }
            }
        }
        return Spectrogram(values: result, rowCount: outputCount, frameCount: frames)
    }
}
