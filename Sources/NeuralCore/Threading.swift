import COpenBLAS
import ParallelRanges
import Foundation
import Synchronization

/// How many threads NeuralCore may use: OpenBLAS's thread count and the number of concurrent ranges of NeuralCore's
/// own parallel loops (im2col, pooling, elementwise kernels over large tensors).
///
/// The default is the number of active processors. Setting it calls `openblas_set_num_threads`, so it changes
/// OpenBLAS for the whole process (PyTorch `torch.set_num_threads`).
///
/// ```swift
/// NeuralCoreThreads.threadCount = 1   // e.g. to compare with PyTorch at torch.set_num_threads(1)
/// ```
public enum NeuralCoreThreads {
    private static let storage = Atomic<Int>(ProcessInfo.processInfo.activeProcessorCount)

    /// The number of threads (≥ 1); values below 1 are stored as 1.
    public static var threadCount: Int {
        get { storage.load(ordering: .relaxed) }
        set {
            let count = max(1, newValue)
            storage.store(count, ordering: .relaxed)
            openblas_set_num_threads(Int32(count))
        }
    }

    /// Runs `body` over `0..<count` split into at most ``threadCount`` contiguous, disjoint ranges, concurrently,
    /// returning when all have finished; ranges smaller than `minimumPerThread` are not split further.
    @inline(__always)
    static func forEachRange(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        forEachParallelRange(count, threads: threadCount, minimumPerThread: minimumPerThread, body)
    }
}

/// Scalars per thread below which elementwise loops (maps, zips, sums, Adam) are not split over threads.
///
/// Measured at 2 threads on the benchmark cases (tensors up to 14 M scalars): splitting these memory-bound loops over
/// Dispatch threads cost more than it gained (VGG19 step 0.89 s → 0.63–0.78 s, the 3×3 conv step 0.14 s → 0.10–0.12 s
/// without it), because OpenBLAS's worker threads keep spinning for up to ~0.1 s after each product and compete with
/// Dispatch's for the cores. So only loops over more than 16 M scalars per thread are split (not measured there).
let elementwiseGrain = 1 << 24
