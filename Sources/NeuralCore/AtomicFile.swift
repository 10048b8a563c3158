import Foundation

/// Writes `data` to `destination` through a temporary file in the same folder and a rename, so the destination
/// either holds the complete new contents or is left as it was.
///
/// NeuralCore does not depend on AudioDSP, whose `writeAtomically(to:_:)` does the same for audio outputs.
///
/// - Throws: ``NeuralCoreError/writeFailed(path:reason:)``.
func writeFileAtomically(_ data: Data, to destination: URL) throws {
    let temporary = destination.deletingLastPathComponent().appendingPathComponent(
        ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0 ... .max)).partial")
    do {
        try data.write(to: temporary)
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw NeuralCoreError.writeFailed(path: destination.path, reason: error.localizedDescription)
    }
    guard rename(temporary.path, destination.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw NeuralCoreError.writeFailed(path: destination.path, reason: reason)
    }
}
