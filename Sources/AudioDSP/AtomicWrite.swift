import FileSupport
import Foundation

/// Writes a file so that the destination either holds the complete new contents or is left as it was.
///
/// `body` receives a temporary path in the destination's folder (so the final rename stays on one file system) and
/// writes the whole file there; on success the temporary file is renamed over `destination`, on any thrown error it
/// is removed and the error is rethrown. A missing destination folder throws ``AudioDSPError/writeFailed(path:reason:)``
/// before `body` runs, a failed rename the same error.
public func writeAtomically(to destination: URL, _ body: (URL) throws -> Void) throws {
    do {
        try FileSupport.writeAtomically(to: destination, body)
    } catch let failure as AtomicWriteFailure {
        throw AudioDSPError.writeFailed(path: failure.path, reason: failure.reason)
    }
}

/// Writes `data` to `destination` through ``writeAtomically(to:_:)``.
public func writeAtomically(_ data: Data, to destination: URL) throws {
    try writeAtomically(to: destination) { temporary in
        do { try data.write(to: temporary) } catch {
            throw AudioDSPError.writeFailed(path: destination.path, reason: error.localizedDescription)
        }
    }
}
