import ParallelRanges
import Foundation

/// How many threads AudioDSP's transforms may use: the package's one thread count, the same value as
/// `NeuralCoreThreads.threadCount` (setting either sets both).
///
/// The STFT, inverse STFT, mel filterbank, inverse mel and Griffin-Lim split their frames into `threadCount`
/// contiguous ranges (or batches claimed one by one) and run them concurrently on the calling thread and up to
/// `threadCount − 1` persistent worker threads, started on first use, which poll for 0.1 ms after each loop and
/// otherwise sleep; with `threadCount == 1` everything runs on the calling thread. A transform started while another
/// thread's transform holds the workers runs on its own thread. The default is the number of active processors.
/// The setting is process-wide and safe to change from any thread.
///
/// ```swift
/// AudioDSPThreads.threadCount = 1   // single-threaded, e.g. to compare with librosa/NumPy
/// ```
public enum AudioDSPThreads {
    /// The threads AudioDSP's loops run on besides the caller's: a ``WorkerPool`` whose workers poll for 100 µs after
    /// each loop (Griffin-Lim's back-to-back transforms find them awake) and otherwise sleep on a condition variable,
    /// which woke them far sooner than Dispatch woke its idle workers on one of the virtual machines measured.
    private static let pool = WorkerPool(spinNanoseconds: 100_000)

    /// The number of threads (≥ 1) used by AudioDSP transforms; values below 1 are stored as 1.
    public static var threadCount: Int {
        get { ThreadCount.value }
        set { ThreadCount.value = newValue }
    }

    /// Runs `body` over `0..<count` split into at most ``threadCount`` contiguous ranges, concurrently, and returns
    /// when all have finished. Ranges never overlap, so each may write its own part of a shared output.
    static func forEachRange(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        forEachParallelRange(count, threads: threadCount, minimumPerThread: minimumPerThread, pool: pool, body)
    }

    /// Runs `body(state, index)` for every index of `0..<count`, claimed one at a time by up to ``threadCount``
    /// threads (the calling thread starts at once, workers join as they wake); `makeState` runs once per thread that
    /// takes part.
    static func forEachClaimedIndex<State>(
        _ count: Int, makeState: () -> State, _ body: (inout State, Int) -> Void
    ) {
        ParallelRanges.forEachClaimedIndex(count, threads: threadCount, pool: pool, makeState: makeState, body)
    }
}
