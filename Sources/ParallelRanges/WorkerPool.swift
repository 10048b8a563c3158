#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Persistent worker threads that run the iterations of one loop at a time together with the calling thread, with
/// `DispatchQueue.concurrentPerform`'s contract: ``perform(iterations:threads:_:)`` runs `body(i)` once for every
/// `i` in `0..<iterations`, concurrently, and returns when all have finished.
///
/// Why not Dispatch: AudioDSP's loops are short (a whole two-thread STFT of 10 s takes about a millisecond), and an
/// idle Dispatch worker can take longer than that to start, so the second thread would arrive after the work is done.
/// A pool worker that has gone to sleep is woken by a condition variable, which is faster, and one that finished
/// work less than ``spinNanoseconds`` ago is still polling and starts within microseconds. Polling threads (and a
/// caller waiting for its helpers) call `sched_yield` between polls, so another process's runnable thread gets the
/// core. The wake-up latencies and the pool's gain on each machine measured are in `Docs/Benchmarks.md` (AudioDSP).
///
/// One loop runs at a time: a call made while the pool is busy (from another thread, or nested inside a loop's
/// body) runs all its iterations on its own thread, so nesting never deadlocks. Workers are started on first use,
/// up to `threads − 1`, and live for the rest of the process.
package final class WorkerPool: @unchecked Sendable {
    // @unchecked Sendable: `job` and `workerCount` are only touched while `mutex` is held; the rest is atomic or
    // immutable.

    /// How long a worker keeps polling for the next loop after finishing one, before it sleeps (nanoseconds).
    package let spinNanoseconds: Int

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let generation = Atomic<Int>(0)  // bumped, under `mutex`, for every posted loop
    private let busy = Atomic<Bool>(false)
    private var job: Job?  // guarded by `mutex`
    private var workerCount = 0  // guarded by `mutex`

    /// A pool whose workers poll for `spinNanoseconds` after each loop before sleeping.
    package init(spinNanoseconds: Int) {
        self.spinNanoseconds = spinNanoseconds
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
    }

    /// Runs `body(i)` for every `i` in `0..<iterations` on the calling thread and up to `threads − 1` workers, each
    /// iteration exactly once, and returns when all have finished. Iterations are claimed one at a time, so a worker
    /// that starts late takes whatever is left (possibly nothing).
    package func perform(iterations: Int, threads: Int, _ body: (Int) -> Void) {
        guard iterations > 1, threads > 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<iterations { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            let job = Job(iterations: iterations, helpers: min(threads, iterations) - 1, body: body)
            post(job)
            job.work()
            job.close()
        }
    }

    /// Publishes `job` to the workers (starting any missing ones) and wakes those that sleep.
    private func post(_ job: Job) {
        pthread_mutex_lock(mutex)
        while workerCount < job.helpers {
            startWorker()
            workerCount += 1
        }
        self.job = job
        generation.wrappingAdd(1, ordering: .releasing)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
    }

    private func startWorker() {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<WorkerPool>.fromOpaque(context!).takeRetainedValue().workerLoop()
        }, context)
        precondition(status == 0, "pthread_create failed (\(status))")
        pthread_detach(thread)
    }

    /// A worker's life: wait for a new loop (polling, then sleeping), take part in it if it still admits helpers.
    private func workerLoop() -> Never {
        var seen = -1  // no generation: look at the posted job (if any) at once
        while true {
            let deadline = Self.now() + spinNanoseconds
            while generation.load(ordering: .acquiring) == seen && Self.now() < deadline { sched_yield() }
            pthread_mutex_lock(mutex)
            while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(wake, mutex) }
            seen = generation.load(ordering: .acquiring)
            let current = job
            pthread_mutex_unlock(mutex)
            if let current, current.join() {
                current.work()
                current.leave()
            }
        }
    }

    private static func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }
}

/// One loop of a ``WorkerPool``: the iterations still to claim, and which helpers are inside.
private final class Job: @unchecked Sendable {
    // @unchecked Sendable: `body` is written by the posting thread before the job is published and cleared by it
    // only after every helper that joined has left (see `close`); everything else is atomic.

    let iterations: Int
    /// How many workers may join besides the calling thread.
    let helpers: Int
    private var body: ((Int) -> Void)?
    private let next = Atomic<Int>(0)
    /// Helpers that joined, plus `closedFlag` once the caller has closed the job to newcomers.
    private let joined = Atomic<Int>(0)
    private let left = Atomic<Int>(0)
    private static let closedFlag = 1 << 40

    init(iterations: Int, helpers: Int, body: @escaping (Int) -> Void) {
        self.iterations = iterations
        self.helpers = helpers
        self.body = body
    }

    /// Claims and runs iterations until none is left.
    func work() {
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < iterations else { return }
            body!(i)
        }
    }

    /// Admits a helper unless the job is closed or full.
    func join() -> Bool {
        var current = joined.load(ordering: .relaxed)
        while current & Self.closedFlag == 0 && current < helpers {
            let (exchanged, original) = joined.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiring)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Marks a helper as done with the job; its iterations' writes are visible to the caller after `close`.
    func leave() { left.wrappingAdd(1, ordering: .releasing) }

    /// Closes the job to new helpers, waits until every helper that joined has left (so all iterations have
    /// finished), and drops the body.
    func close() {
        let admitted = joined.bitwiseOr(Self.closedFlag, ordering: .acquiringAndReleasing).oldValue
        while left.load(ordering: .acquiring) < admitted { sched_yield() }
        body = nil
    }
}
