/// A complex spectrogram stored frame by frame, each frame's `binCount` values as interleaved (real, imaginary)
/// pairs: the memory order of librosa's `stft` result (a Fortran-ordered complex64 `(1 + n_fft/2, frames)` array)
/// and of `torch.stft`'s frames, and the order FFTW writes, so
/// ``ShortTimeFourierTransform/forwardFrameMajor(_:)`` needs no transpose.
///
/// Internal: the working layout of time stretching, pitch shifting and spectral envelopes, which read and write
/// whole frames. AudioDSP's one public complex spectrogram is the bin-major ``ComplexSpectrogram``.
///
/// Frame `t` starts at float `t · frameStride`; its bin `k` is at `t · frameStride + 2k` (real) and `+ 2k + 1`
/// (imaginary). Each frame is padded to ``frameStride`` floats (whole 64-byte lines, for FFTW's aligned SIMD
/// code); the padding holds zeros.
///
/// A value type: copies share storage until one is mutated (copy on write).
struct FrameMajorSpectrogram: Sendable {
    /// The number of frequency bins (`1 + fftSize/2`).
    let binCount: Int
    /// The number of frames.
    let frameCount: Int
    /// Floats from one frame's start to the next (≥ `2 · binCount`).
    let frameStride: Int
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

    /// Calls `body` with the `frameCount · frameStride` floats (padding included).
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: frameCount * frameStride))
    }

    /// Calls `body` with the `frameCount · frameStride` floats to change them in place (copying shared storage
    /// first). Keep the padding zero.
    mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: frameCount * frameStride))
    }
}
