import COpenBLAS
import Foundation
import Synchronization

/// The package's one thread-count setting, read and written through `AudioDSPThreads.threadCount` and
/// `NeuralCoreThreads.threadCount` (two names, one value): how many concurrent ranges AudioDSP's and NeuralCore's
/// loops use, and OpenBLAS's thread count. The default is the number of active processors. Process-wide, safe to
/// change from any thread.
public enum ThreadCount {
    private static let storage = Atomic<Int>(ProcessInfo.processInfo.activeProcessorCount)

    /// The number of threads (≥ 1); values below 1 are stored as 1. Setting it also calls `openblas_set_num_threads`.
    public static var value: Int {
        get { storage.load(ordering: .relaxed) }
        set {
            let count = max(1, newValue)
            storage.store(count, ordering: .relaxed)
            openblas_set_num_threads(Int32(count))
        }
    }
}
