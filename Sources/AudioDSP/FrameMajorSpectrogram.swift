/// A complex spectrogram stored frame by frame, each frame's `binCount` values as interleaved (real, imaginary)
/// pairs: the memory order of librosa's `stft` result (a Fortran-ordered complex64 `(1 + n_fft/2, frames)` array)
/// and of `torch.stft`'s frames, and the order FFTW writes, so
/// ``ShortTimeFourierTransform/forwardFrameMajor(_:)`` needs no transpose.
///
/// Frame `t` starts at float `t · frameStride`; its bin `k` is at `t · frameStride + 2k` (real) and `+ 2k + 1`
/// (imaginary). Each frame is padded to ``frameStride`` floats (whole 64-byte lines, for FFTW's aligned SIMD
/// code); the padding holds zeros. Use ``ComplexSpectrogram/init(_:)`` for the bin-major split layout.
///
/// A value type: copies share storage until one is mutated (copy on write).
public struct FrameMajorSpectrogram: Sendable {
    /// The number of frequency bins (`1 + fftSize/2`).
    public let binCount: Int
    /// The number of frames.
    public let frameCount: Int
    /// Floats from one frame's start to the next (≥ `2 · binCount`).
    public let frameStride: Int
    /// The floats, shared by copies until one is mutated; rows past `frameCount` (up to whole FFT batches) are the
    /// transform's scratch.
    var storage: AlignedFloats

    /// Storage for `frameCount` frames of `frameStride` floats, rounded up to `capacity` floats (whole FFT batches).
    init(binCount: Int, frameCount: Int, frameStride: Int, capacity: Int) {
        self.binCount = binCount
        self.frameCount = frameCount
        self.frameStride = frameStride
        storage = AlignedFloats(uninitializedCount: capacity)  // the forward transform writes every float read
    }

    /// Real and imaginary part of bin `bin` in frame `frame`.
    public subscript(bin bin: Int, frame frame: Int) -> (real: Float, imag: Float) {
        precondition(bin >= 0 && bin < binCount && frame >= 0 && frame < frameCount,
                     "FrameMajorSpectrogram: (\(bin), \(frame)) outside [\(binCount), \(frameCount)]")
        let pair = storage.pointer + frame * frameStride + 2 * bin
        return (pair[0], pair[1])
    }

    /// Calls `body` with the `frameCount · frameStride` floats (padding included).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: frameCount * frameStride))
    }

    /// Calls `body` with the `frameCount · frameStride` floats to change them in place (copying shared storage
    /// first). Keep the padding zero.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: frameCount * frameStride))
    }

    /// `|S|^power` of every value as a bin-major ``Spectrogram`` `[binCount, frameCount]` (librosa
    /// `np.abs(S) ** power`).
    public func magnitude(power: Float = 1) -> Spectrogram {
        let values = [Float](unsafeUninitializedCapacity: binCount * frameCount) { values, initialized in
            transposeToBinMajor { bin, frame, re, im in
                values[bin * frameCount + frame] = spectralMagnitude(re, im, power: power)
            }
            initialized = binCount * frameCount
        }
        return Spectrogram(values: values, binCount: binCount, frameCount: frameCount)
    }

    /// Visits every value as `(bin, frame, real, imaginary)`, in tiles of frames and bins so that both the
    /// frame-major reads and the bin-major writes of the caller stay in cache.
    func transposeToBinMajor(_ visit: (Int, Int, Float, Float) -> Void) {
        let tile = 32, source = storage.pointer
        for frameTile in stride(from: 0, to: frameCount, by: tile) {
            for binTile in stride(from: 0, to: binCount, by: tile) {
                for frame in frameTile..<min(frameCount, frameTile + tile) {
                    let row = source + frame * frameStride
                    for bin in binTile..<min(binCount, binTile + tile) { visit(bin, frame, row[2 * bin], row[2 * bin + 1]) }
                }
            }
        }
    }
}

extension ComplexSpectrogram {
    /// The same values in the bin-major split layout (`real` and `imag` arrays of `[binCount, frameCount]`).
    public init(_ spectrogram: FrameMajorSpectrogram) {
        let count = spectrogram.binCount * spectrogram.frameCount, frames = spectrogram.frameCount
        var imag = [Float](repeating: 0, count: count)
        let real = [Float](unsafeUninitializedCapacity: count) { real, initialized in
            imag.withUnsafeMutableBufferPointer { imag in
                spectrogram.transposeToBinMajor { bin, frame, re, im in
                    real[bin * frames + frame] = re
                    imag[bin * frames + frame] = im
                }
            }
            initialized = count
        }
        self.init(real: real, imag: imag, binCount: spectrogram.binCount, frameCount: frames)
    }
}
