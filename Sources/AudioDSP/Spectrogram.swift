import Foundation

/// A real spectrogram (magnitude, power, mel or decibel values) stored row-major as `[rows, frames]`.
///
/// `values[row * frameCount + frame]` holds one value: frames are contiguous, exactly NumPy's C order for librosa's
/// `(1 + n_fft/2, n_frames)` arrays, and an NCHW image with height = rows and width = frames. A row is a frequency bin
/// of an STFT or a mel band (``FrontEnd/rowCount`` says which and how many). The struct is a value type (copy on write
/// through its array).
public struct Spectrogram: Sendable, Equatable {
    /// The values, `rowCount × frameCount` of them, row-major (each row's frames are contiguous).
    public var values: [Float]
    /// The number of rows: frequency bins (`1 + fftSize/2` for an STFT) or mel bands.
    public let rowCount: Int
    /// The number of columns: analysis frames.
    public let frameCount: Int

    /// Wraps `values` laid out as `[rowCount, frameCount]`.
    ///
    /// - Precondition: `values.count == rowCount * frameCount` and both counts are non-negative.
    public init(values: [Float], rowCount: Int, frameCount: Int) {
        precondition(rowCount >= 0 && frameCount >= 0 && values.count == rowCount * frameCount,
                     "Spectrogram: \(values.count) values do not fill [\(rowCount), \(frameCount)]")
        self.values = values
        self.rowCount = rowCount
        self.frameCount = frameCount
    }

    /// The value at row `row`, column `frame`.
    public subscript(row row: Int, frame frame: Int) -> Float {
        get { values[row * frameCount + frame] }
        set { values[row * frameCount + frame] = newValue }
    }

    /// The shape `[rowCount, frameCount]`, as NumPy would print it.
    public var shape: [Int] { [rowCount, frameCount] }
}

/// A complex spectrogram, the output of ``ShortTimeFourierTransform/forward(_:)`` (librosa's `stft` result).
///
/// Real and imaginary parts are kept in two arrays laid out like ``Spectrogram``: `[bins, frames]`, frames contiguous.
public struct ComplexSpectrogram: Sendable, Equatable {
    /// Real parts, `binCount × frameCount`, bin-major.
    public var real: [Float]
    /// Imaginary parts, `binCount × frameCount`, bin-major.
    public var imag: [Float]
    /// The number of frequency bins (`1 + fftSize/2`).
    public let binCount: Int
    /// The number of frames.
    public let frameCount: Int

    /// Wraps real and imaginary parts laid out as `[binCount, frameCount]`.
    ///
    /// - Precondition: both arrays hold `binCount * frameCount` values.
    public init(real: [Float], imag: [Float], binCount: Int, frameCount: Int) {
        precondition(binCount >= 0 && frameCount >= 0 && real.count == binCount * frameCount
                        && imag.count == real.count,
                     "ComplexSpectrogram: arrays do not fill [\(binCount), \(frameCount)]")
        self.real = real
        self.imag = imag
        self.binCount = binCount
        self.frameCount = frameCount
    }

    /// The magnitude `|S|^power` of every value (librosa: `np.abs(S) ** power`); `power` 1 gives the amplitude,
    /// 2 the power spectrogram.
    public func magnitude(power: Float = 1) -> Spectrogram {
        var out = [Float](repeating: 0, count: real.count)
        for i in out.indices { out[i] = spectralMagnitude(real[i], imag[i], power: power) }
        return Spectrogram(values: out, rowCount: binCount, frameCount: frameCount)
    }
}
