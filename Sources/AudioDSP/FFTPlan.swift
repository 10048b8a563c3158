import CFFTW
import Foundation

/// A cached FFTW single-precision plan for a batch of real↔complex transforms of one size.
///
/// A plan transforms `batch` rows at once (`fftwf_plan_many_dft_r2c` / `_c2r`). Real rows are `realStride` floats
/// apart and complex rows `complexStride` values apart; both strides are whole 64-byte cache lines, so every row stays
/// SIMD-aligned (an odd complex row of `n/2 + 1` values would misalign every other row, see TOOLCHAIN.md).
///
/// Plans are made once per (direction, size, batch) for the life of the process and never destroyed. They are
/// planned with `FFTW_ESTIMATE` (no measuring, so a one-off command-line run pays microseconds, not the 0.2–2 s of
/// `FFTW_MEASURE`/`FFTW_PATIENT` per plan) on top of ``FFTWisdom``: the bundled wisdom, imported before the first plan,
/// holds `FFTW_PATIENT` plans for the common sizes, so those get measured plans for free (about 30 % faster FFTs at
/// n = 1024 on the development machine), and the plan for a size is the same in every run (deterministic output).
/// FFTW's planner is not thread-safe, so planning and wisdom are serialised by `plannerLock`; executing a plan
/// on other arrays (`fftwf_execute_dft_r2c` / `_c2r`) is thread-safe, and every caller passes its own
/// ``FFTBuffers``, allocated with `fftwf_malloc` exactly like the arrays the plan was made with.
final class FFTPlan: @unchecked Sendable {
    // @unchecked Sendable: the plan is immutable after creation and FFTW's new-array execute functions are documented
    // as thread-safe; creation happens under `plannerLock`.

    enum Direction: Hashable { case realToComplex, complexToReal }

    private struct Key: Hashable {
        let direction: Direction
        let size: Int
        let batch: Int
    }

    static let plannerLock = NSLock()
    nonisolated(unsafe) private static var cache: [Key: FFTPlan] = [:]  // guarded by plannerLock

    let direction: Direction
    let size: Int
    let batch: Int
    let realStride: Int
    let complexStride: Int
    private let plan: OpaquePointer

    /// The plan for `batch` transforms of length `size` in `direction`, made on first use and then reused.
    static func shared(_ direction: Direction, size: Int, batch: Int) -> FFTPlan {
        plannerLock.lock()
        defer { plannerLock.unlock() }
        let key = Key(direction: direction, size: size, batch: batch)
        if let plan = cache[key] { return plan }
        let plan = FFTPlan(direction, size: size, batch: batch)
        cache[key] = plan
        return plan
    }

    private init(_ direction: Direction, size: Int, batch: Int) {
        self.direction = direction
        self.size = size
        self.batch = batch
        (realStride, complexStride) = Self.strides(size: size)
        FFTWisdom.importBundledOnce()
        plan = Self.makePlan(direction, size: size, batch: batch, flags: UInt32(FFTW_ESTIMATE))
    }

    /// The row strides (floats, complex values) of every plan of `size`: whole cache lines per row, and an odd number
    /// of them, so that the rows of a batch fall in different L1 cache sets (a power-of-two row length would make
    /// every row of the strided transposes collide).
    static func strides(size: Int) -> (real: Int, complex: Int) {
        (oddCacheLines(size, valuesPerLine: 16), oddCacheLines(size / 2 + 1, valuesPerLine: 8))
    }

    /// A new FFTW plan for `batch` rows at this type's strides, planned with `flags` on fresh arrays (freed again:
    /// the plan is only ever executed on other arrays). Callers hold `plannerLock`.
    static func makePlan(_ direction: Direction, size: Int, batch: Int, flags: UInt32) -> OpaquePointer {
        let (realStride, complexStride) = strides(size: size)
        let buffers = FFTBuffers(realCount: realStride * batch, complexCount: complexStride * batch)
        var n = Int32(size)
        let made: OpaquePointer?
        switch direction {
        case .realToComplex:
            made = fftwf_plan_many_dft_r2c(1, &n, Int32(batch), buffers.real, nil, 1, Int32(realStride),
                                           buffers.complex, nil, 1, Int32(complexStride), flags)
        case .complexToReal:
            made = fftwf_plan_many_dft_c2r(1, &n, Int32(batch), buffers.complex, nil, 1, Int32(complexStride),
                                           buffers.real, nil, 1, Int32(realStride), flags)
        }
        guard let made else { fatalError("FFTW could not plan a \(direction) transform of size \(size)") }
        return made
    }

    /// `count` rounded up to whole 64-byte lines of `valuesPerLine` values, plus one line if the number is even.
    private static func oddCacheLines(_ count: Int, valuesPerLine: Int) -> Int {
        let lines = (count + valuesPerLine - 1) / valuesPerLine
        return (lines % 2 == 0 ? lines + 1 : lines) * valuesPerLine
    }

    /// Runs the plan on `buffers` (which must hold at least `batch` rows of each kind). For `.complexToReal` the
    /// complex input is destroyed; the real output is unnormalised (scaled by `size`), as FFTW defines it.
    func execute(_ buffers: FFTBuffers) {
        execute(real: buffers.real, complex: UnsafeMutableRawPointer(buffers.complex).assumingMemoryBound(to: Float.self))
    }

    /// Runs the plan on other arrays, which must be at least 64-byte aligned (as `fftwf_malloc`'s, or a whole
    /// number of rows into such an array) and hold `batch` rows at this plan's strides; `complex` holds interleaved
    /// real/imaginary pairs.
    func execute(real: UnsafeMutablePointer<Float>, complex: UnsafeMutablePointer<Float>) {
        let complex = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: fftwf_complex.self)
        switch direction {
        case .realToComplex: fftwf_execute_dft_r2c(plan, real, complex)
        case .complexToReal: fftwf_execute_dft_c2r(plan, complex, real)
        }
    }
}

/// Work arrays for one thread's ``FFTPlan`` executions, allocated with `fftwf_malloc` (SIMD-aligned).
final class FFTBuffers {
    let real: UnsafeMutablePointer<Float>
    let complex: UnsafeMutablePointer<fftwf_complex>

    init(realCount: Int, complexCount: Int) {
        real = fftwf_alloc_real(realCount)!
        complex = fftwf_alloc_complex(complexCount)!
        real.initialize(repeating: 0, count: realCount)
        complex.initialize(repeating: (0, 0), count: complexCount)
    }

    deinit {
        fftwf_free(real)
        fftwf_free(complex)
    }
}

/// A Float array allocated with `fftwf_malloc` (SIMD-aligned), for spectra FFTW reads and writes in place; freed
/// with the object.
final class AlignedFloats: @unchecked Sendable {
    // @unchecked Sendable: shared read-only; its owners (``FrameMajorSpectrogram``'s copy on write, one Griffin-Lim
    // call) never write it from two threads at once.
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// `count` zeros.
    convenience init(count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    /// `count` floats left uninitialised, for arrays a transform writes whole before anyone reads them.
    init(uninitializedCount count: Int) {
        self.count = count
        pointer = fftwf_alloc_real(max(1, count))!
    }

    /// A new array with the same values.
    func copy() -> AlignedFloats {
        let copy = AlignedFloats(uninitializedCount: count)
        copy.pointer.update(from: pointer, count: count)
        return copy
    }

    deinit { fftwf_free(pointer) }
}
