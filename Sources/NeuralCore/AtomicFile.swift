import FileSupport
import Foundation

/// Writes `data` to `destination` through a temporary file in the same folder and a rename (the package's one atomic
/// writer, `FileSupport.writeAtomically(to:_:)`), so the destination either holds the complete new contents or is
/// left as it was.
///
/// - Throws: ``NeuralCoreError/writeFailed(path:reason:)``.
func writeFileAtomically(_ data: Data, to destination: URL) throws {
    do {
        try writeAtomically(to: destination) { temporary in try data.write(to: temporary) }
    } catch let failure as AtomicWriteFailure {
        throw NeuralCoreError.writeFailed(path: failure.path, reason: failure.reason)
    } catch {
        throw NeuralCoreError.writeFailed(path: destination.path, reason: error.localizedDescription)
    }
}
