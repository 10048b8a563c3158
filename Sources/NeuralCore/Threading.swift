import COpenBLAS
import ParallelRanges
import Foundation
import Synchronization

/// How many threads NeuralCore may use: OpenBLAS's thread count and the number of concurrent ranges of NeuralCore's
/// own parallel loops (im2col, pooling, elementwise kernels over large tensors). It is the package's one thread
/// count, the same value as `AudioDSPThreads.threadCount` (setting either sets both).
///
/// The default is the number of active processors. Setting it calls `openblas_set_num_threads`, so it changes
/// OpenBLAS for the whole process (PyTorch `torch.set_num_threads`).
///
/// ```swift
/// NeuralCoreThreads.threadCount = 1   // e.g. to compare with PyTorch at torch.set_num_threads(1)
/// ```
public enum NeuralCoreThreads {
    /// The number of threads (≥ 1); values below 1 are stored as 1.
    public static var threadCount: Int {
        get { ThreadCount.value }
        set { ThreadCount.value = newValue }
    }

    /// Runs `body` over `0..<count` split into at most ``threadCount`` contiguous, disjoint ranges, concurrently,
    /// returning when all have finished; ranges smaller than `minimumPerThread` are not split further.
    @inline(__always)
    static func forEachRange(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        forEachParallelRange(count, threads: threadCount, minimumPerThread: minimumPerThread, body)
    }

    /// ``forEachRange(_:minimumPerThread:_:)`` for bodies made of many small matrix products: while the ranges run
    /// concurrently, OpenBLAS is set to one thread (each range's products then run on its own thread, without
    /// OpenBLAS's per-product hand-over to its workers, which costs more than such a product) and restored afterwards.
    /// With one range, OpenBLAS keeps its threads.
    static func forEachRangeWithSerialProducts(_ count: Int, _ body: (Range<Int>) -> Void) {
        let threads = threadCount
        guard threads > 1 && count > 1 else { return forEachRange(count, body) }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(threads)) }
        forEachRange(count, body)
    }
}

extension NeuralCoreThreads {
    /// Runs `body(i)` for every `i` in `0..<count` concurrently, up to ``threadCount`` indices at once, each on its own
    /// thread, with ``threadCount`` (so OpenBLAS and NeuralCore's own loops) set to 1 while they run and restored
    /// afterwards: data parallelism, for work made of many small kernels (a whole forward and backward pass of a
    /// model replica per index) where splitting every kernel over threads costs more in hand-overs than it gains.
    ///
    /// `body` must not share mutable state between indices (give each index its own module and its own tape, e.g.
    /// its own ``valueWithGradient(of:_:)``). The thread count is process-wide: other NeuralCore and AudioDSP work
    /// running meanwhile also runs on one thread. With one thread or one index, `body` runs on the calling thread.
    public static func forEachIndexWithSerialKernels(_ count: Int, _ body: (Int) -> Void) {
        let threads = threadCount
        guard threads > 1 && count > 1 else { return (0..<count).forEach(body) }
        threadCount = 1
        defer { threadCount = threads }
        forEachParallelRange(count, threads: threads) { range in range.forEach(body) }
    }

    /// How long OpenBLAS's worker threads keep spinning for new work after a product they ran (2²⁸ cycles,
    /// OpenBLAS's default `THREAD_TIMEOUT`, about 0.1 s on these machines).
    static let blasSpinNanoseconds: UInt64 = 100_000_000

    /// Uptime in nanoseconds of the last product that OpenBLAS may have run on its worker threads.
    private static let lastPooledProduct = Atomic<UInt64>(0)

    /// Records that a product is about to run while OpenBLAS has more than one thread (the BLAS wrappers call this).
    static func noteBLASProduct() {
        guard openblas_get_num_threads() > 1 else { return }
        lastPooledProduct.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    /// Whether OpenBLAS's workers may still be spinning after a product (see ``blasSpinNanoseconds``).
    static var blasWorkersMaySpin: Bool {
        DispatchTime.now().uptimeNanoseconds &- lastPooledProduct.load(ordering: .relaxed) < blasSpinNanoseconds
    }
}

/// Scalars per thread below which elementwise loops (maps, zips, sums, Adam) are not split over threads: 256 Ki, or
/// 16 Mi while OpenBLAS's workers may still be spinning after a threaded product.
///
/// Splitting these memory-bound loops over Dispatch threads while OpenBLAS's worker spins costs more than it gains
/// (the two compete for the two cores: the conv1d step of benchmark case (b) at 2 threads took 0.645 s with the
/// small grain against 0.60 s with the large one). Where no threaded product ran just before — the 3×3 convolutions
/// run their products on one OpenBLAS thread per Dispatch thread (Winograd) — the split pays: the 3×3 conv step of
/// case (c) at 2 threads went from 0.12–0.13 s to 0.08–0.10 s.
var elementwiseGrain: Int { NeuralCoreThreads.blasWorkersMaySpin ? 1 << 24 : 1 << 18 }
