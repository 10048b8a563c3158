import Foundation

/// A buffer of uninitialised `Float`s for large, short-lived data (convolution workspaces, transformed kernels).
///
/// Above ``hugePageThreshold`` scalars the buffer is aligned to 2 MiB and advised to use transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`; Debian's default `transparent_hugepage=madvise` honours it), so that first touching
/// a few hundred MB costs a few hundred page faults instead of tens of thousands (with 4 KiB pages, the faults of a
/// fresh 286 MB buffer were a large part of a step; `Docs/Benchmarks.md`, NeuralCore). Smaller buffers come from
/// `malloc`.
final class HugePageBuffer {
    /// Buffers of at least this many scalars (8 MiB) are huge-page backed.
    static let hugePageThreshold = 2 << 20
    static let hugePageBytes = 2 << 20

    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard count >= Self.hugePageThreshold else {
            pointer = malloc(bytes)!.bindMemory(to: Float.self, capacity: count)
            return
        }
        let rounded = (bytes + Self.hugePageBytes - 1) / Self.hugePageBytes * Self.hugePageBytes
        var raw: UnsafeMutableRawPointer?
        precondition(posix_memalign(&raw, Self.hugePageBytes, rounded) == 0 && raw != nil,
                     "HugePageBuffer: cannot allocate \(rounded) bytes")
        _ = madvise(raw, rounded, Int32(MADV_HUGEPAGE))  // advisory: without huge pages the buffer still works
        pointer = raw!.bindMemory(to: Float.self, capacity: count)
    }

    deinit { free(pointer) }
}
