import ParallelRanges
import Foundation

/// How many threads AudioDSP's transforms may use.
///
/// The STFT, inverse STFT, mel filterbank, inverse mel and Griffin-Lim split their frames into `threadCount`
/// contiguous ranges (or batches claimed one by one) and run them concurrently on the calling thread and up to
/// `threadCount − 1` persistent worker threads, started on first use, which poll for 0.1 ms after each loop and
/// otherwise sleep; with `threadCount == 1` everything runs on the calling thread. A transform started while another
/// thread's transform holds the workers runs on its own thread. The default is the number of active processors.
/// The setting is process-wide and safe to change from any thread; it does not change OpenBLAS's own thread count
/// (see `openblas_set_num_threads`).
///
/// ```swift
/// AudioDSPThreads.threadCount = 1   // single-threaded, e.g. to compare with librosa/NumPy
/// ```
public enum AudioDSPThreads {
    private static let storage = LockedCount(ProcessInfo.processInfo.activeProcessorCount)

    /// The threads AudioDSP's loops run on besides the caller's: a ``WorkerPool`` whose workers poll for 100 µs after
    /// each loop (Griffin-Lim's back-to-back transforms find them awake) and otherwise sleep on a condition variable,
    /// which woke them far sooner than Dispatch woke its idle workers on one of the virtual machines measured.
    private static let pool = WorkerPool(spinNanoseconds: 100_000)

    /// The number of threads (≥ 1) used by AudioDSP transforms; values below 1 are stored as 1.
    public static var threadCount: Int {
        get { storage.value }
        set { storage.value = max(1, newValue) }
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

/// An integer behind a lock: the storage of ``AudioDSPThreads/threadCount``.
private final class LockedCount: @unchecked Sendable {
    // Safe to share: `stored` is only touched while `lock` is held.
    private let lock = NSLock()
    private var stored: Int

    init(_ value: Int) { stored = value }

    var value: Int {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
