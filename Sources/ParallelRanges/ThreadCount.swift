import Foundation
import Synchronization

/// The package's one thread-count setting, read and written through `AudioDSPThreads.threadCount` and
/// `NeuralCoreThreads.threadCount` (two names, one value): how many concurrent ranges AudioDSP's and NeuralCore's
/// loops (and NeuralCore's split matrix products) use. The default is the number of active processors.
/// Process-wide, safe to change from any thread.
public enum ThreadCount {
    private static let storage = Atomic<Int>(ProcessInfo.processInfo.activeProcessorCount)

    /// The number of threads (≥ 1); values below 1 are stored as 1.
    public static var value: Int {
        get { storage.load(ordering: .relaxed) }
        set { storage.store(max(1, newValue), ordering: .relaxed) }
    }
}
