import CMalloc
import Foundation

/// Keeps freed tensor memory in the process's heap, so that the next step's tensors reuse pages that are already
/// mapped instead of faulting fresh ones in.
///
/// glibc's `malloc` serves blocks above its mmap threshold (128 KiB at first, raised up to 32 MiB as such blocks are
/// freed) with a fresh `mmap` and returns them with `munmap`, and gives the top of the heap back to the system once
/// more than its trim threshold (twice the mmap threshold) is free there. A training step allocates and frees the
/// same few hundred MB of activations every time, so by default every step faulted its memory in again, zeroing it
/// page by page (the page-fault path was a large part of a two-thread ResNet50 step's profile; `Docs/Benchmarks.md`,
/// Backbones).
///
/// Applied once, when the first tensor is made: the mmap threshold at its largest, ``mmapThresholdBytes`` (blocks
/// up to 32 MiB come from the heap), and the trim threshold at ``trimThresholdBytes`` (up to 1 GiB of free heap is
/// kept for reuse). Process-wide, like `NeuralCoreThreads.threadCount`; a process that tunes glibc's allocator itself
/// (`GLIBC_TUNABLES` or `MALLOC_*_` in the environment) is left as it is. Peak memory is unchanged: retained pages are
/// the ones the previous step used. Elsewhere than glibc it does nothing.
enum HeapRetention {
    /// glibc's largest allowed mmap threshold on 64-bit systems (`HEAP_MAX_SIZE / 2`).
    static let mmapThresholdBytes: Int32 = 32 << 20
    /// Free heap kept at the top before glibc returns it.
    static let trimThresholdBytes: Int32 = 1 << 30

    /// Evaluated once, by the first ``Tensor`` initialiser that runs.
    static let applied: Void = {
        #if canImport(Glibc)
        let environment = ProcessInfo.processInfo.environment
        guard environment["GLIBC_TUNABLES"] == nil,
              !environment.keys.contains(where: { $0.hasPrefix("MALLOC_") && $0.hasSuffix("_") }) else { return }
        _ = mallopt(M_MMAP_THRESHOLD, mmapThresholdBytes)
        _ = mallopt(M_TRIM_THRESHOLD, trimThresholdBytes)
        #endif
    }()
}
