import Dispatch
import Synchronization

/// Runs `body` over `0..<count` split into at most `threads` contiguous, disjoint ranges, concurrently on `pool`'s
/// workers (Dispatch's when `pool` is nil), and returns when all have finished; ranges smaller than
/// `minimumPerThread` are not split further, and with one range `body` runs on the calling thread. (Internal to the
/// package: the shared loop of `AudioDSPThreads` and `NeuralCoreThreads`.)
@inline(__always)
package func forEachParallelRange(
    _ count: Int, threads: Int, minimumPerThread: Int = 1, pool: WorkerPool? = nil, _ body: (Range<Int>) -> Void
) {
    let parts = min(threads, max(1, count / max(1, minimumPerThread)))
    if parts <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    // The ranges are disjoint, so the body's captured state is never written from two threads at once.
    nonisolated(unsafe) let body = body
    concurrentlyPerform(parts, threads: threads, pool: pool) { part in
        let start = count * part / parts
        let end = count * (part + 1) / parts
        if start < end { body(start..<end) }
    }
}

/// Runs `body(state, index)` for every index of `0..<count`, on up to `threads` threads (`pool`'s workers, or
/// Dispatch's when `pool` is nil) that claim the indices one at a time from a shared counter; `makeState` runs once
/// on each thread that takes part (per-thread scratch).
///
/// Unlike ``forEachParallelRange(_:threads:minimumPerThread:pool:_:)``'s fixed halves, a worker that wakes late
/// (hundreds of µs, see `Docs/Benchmarks.md`) does not hold the loop back: the calling thread starts at
/// once, takes every index no worker has claimed yet, and the call returns when all claimed indices are done.
@inline(__always)
package func forEachClaimedIndex<State>(
    _ count: Int, threads: Int, pool: WorkerPool? = nil, makeState: () -> State, _ body: (inout State, Int) -> Void
) {
    let parts = min(threads, count)
    if parts <= 1 {
        guard count > 0 else { return }
        var state = makeState()
        for index in 0..<count { body(&state, index) }
        return
    }
    let next = ClaimCounter()
    // Each index is claimed by exactly one thread, so the body's captured state is never written from two at once.
    nonisolated(unsafe) let body = body
    nonisolated(unsafe) let makeState = makeState
    concurrentlyPerform(parts, threads: threads, pool: pool) { _ in
        var index = next.claim()
        guard index < count else { return }
        var state = makeState()
        while index < count {
            body(&state, index)
            index = next.claim()
        }
    }
}

/// `body(i)` for every `i` in `0..<iterations`, concurrently on `pool` (up to `threads` threads) or, without a pool,
/// through `DispatchQueue.concurrentPerform`.
@inline(__always)
private func concurrentlyPerform(_ iterations: Int, threads: Int, pool: WorkerPool?, _ body: (Int) -> Void) {
    if let pool {
        pool.perform(iterations: iterations, threads: threads, body)
    } else {
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: iterations) { body($0) }
    }
}

/// The shared counter of ``forEachClaimedIndex(_:threads:pool:makeState:_:)``.
private final class ClaimCounter: @unchecked Sendable {
    // @unchecked Sendable: the only state is an atomic.
    private let value = Atomic<Int>(0)

    /// The next unclaimed index (every call returns a different one).
    func claim() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
