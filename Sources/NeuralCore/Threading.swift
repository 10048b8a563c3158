import COpenBLAS
import ParallelRanges

/// How many threads NeuralCore may use: the number of concurrent ranges of its parallel loops (matrix products,
/// im2col, pooling, elementwise kernels over large tensors). It is the package's one thread count, the same value as
/// `AudioDSPThreads.threadCount` (setting either sets both).
///
/// The default is the number of active processors (PyTorch `torch.set_num_threads`). NeuralCore's loops run on the
/// calling thread and up to `threadCount − 1` persistent workers (a `WorkerPool`), and every matrix product is split
/// over them by NeuralCore itself, on one OpenBLAS thread per range: OpenBLAS is set to one thread when NeuralCore
/// first runs a loop or a product, so that no OpenBLAS worker spins for a core that NeuralCore's next loop needs.
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

    /// How long a worker polls for the next loop after finishing one before it sleeps: 2 ms, longer than the gaps
    /// between the loops and products of a training step, so a step finds its workers awake (a sleeping worker takes
    /// 0.15–0.2 ms to wake; `Docs/Benchmarks.md`, AudioDSP).
    static let spinNanoseconds = 2_000_000

    /// The workers, made on first use; making them sets OpenBLAS to one thread (NeuralCore splits products itself).
    static let pool: WorkerPool = {
        openblas_set_num_threads(1)
        return WorkerPool(spinNanoseconds: spinNanoseconds)
    }()

    /// Runs `body` over `0..<count` split into at most ``threadCount`` contiguous, disjoint ranges, concurrently,
    /// returning when all have finished; ranges smaller than `minimumPerThread` are not split further. Called from
    /// inside another loop's body, it runs every range on the calling thread (the workers are taken), so products and
    /// loops nested in a parallel loop run serially on that loop's threads.
    @inline(__always)
    static func forEachRange(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        forEachParallelRange(count, threads: threadCount, minimumPerThread: minimumPerThread, pool: pool, body)
    }
}

extension NeuralCoreThreads {
    /// Runs `body(i)` for every `i` in `0..<count` concurrently, up to ``threadCount`` indices at once, each on its own
    /// thread, with ``threadCount`` (so NeuralCore's own loops and products) set to 1 while they run and restored
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
}

/// Scalars per thread below which elementwise loops (maps, zips, sums, Adam) are not split over threads.
let elementwiseGrain = 1 << 18
