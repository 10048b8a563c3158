import Foundation

/// Why ``writeAtomically(to:_:)`` could not write a file: the destination's path and the reason, for the calling
/// module to wrap in its own typed error.
public struct AtomicWriteFailure: Error, Equatable {
    /// The destination's path.
    public let path: String
    /// What went wrong, e.g. `folder /x does not exist` or the operating system's message.
    public let reason: String
}

/// Writes a file so that the destination either holds the complete new contents or is left as it was: the one
/// atomic writer of the package (AudioDSP and NeuralCore wrap it in their own errors).
///
/// `body` receives a temporary path in the destination's folder (so the final rename stays on one file system) and
/// writes the whole file there; on success the temporary file is renamed over `destination`, on any thrown error it
/// is removed and the error is rethrown.
///
/// - Throws: ``AtomicWriteFailure`` for a missing destination folder (before `body` runs) or a failed rename, and
///   whatever `body` throws.
public func writeAtomically(to destination: URL, _ body: (URL) throws -> Void) throws {
    let folder = destination.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw AtomicWriteFailure(path: destination.path, reason: "folder \(folder.path) does not exist")
    }
    let temporary = folder.appendingPathComponent(
        ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0 ... .max)).partial")
    do {
        try body(temporary)
        guard rename(temporary.path, destination.path) == 0 else {
            throw AtomicWriteFailure(path: destination.path, reason: String(cString: strerror(errno)))
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
}
