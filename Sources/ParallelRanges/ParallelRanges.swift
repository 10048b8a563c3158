import Dispatch

/// Runs `body` over `0..<count` split into at most `threads` contiguous, disjoint ranges, concurrently on Dispatch
/// threads, and returns when all have finished; ranges smaller than `minimumPerThread` are not split further, and
/// with one range `body` runs on the calling thread. (Internal to the package: the shared loop of
/// `AudioDSPThreads` and `NeuralCoreThreads`.)
@inline(__always)
package func forEachParallelRange(
    _ count: Int, threads: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void
) {
    let parts = min(threads, max(1, count / max(1, minimumPerThread)))
    if parts <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    // The ranges are disjoint, so the body's captured state is never written from two threads at once.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let start = count * part / parts
        let end = count * (part + 1) / parts
        if start < end { body(start..<end) }
    }
}
