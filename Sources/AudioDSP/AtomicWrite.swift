import Foundation

/// Writes a file so that the destination either holds the complete new contents or is left as it was.
///
/// `body` receives a temporary path in the destination's folder (so the final rename stays on one file system) and
/// writes the whole file there; on success the temporary file is renamed over `destination`, on any thrown error it
/// is removed and the error is rethrown. A missing destination folder throws ``AudioDSPError/writeFailed(path:reason:)``
/// before `body` runs.
public func writeAtomically(to destination: URL, _ body: (URL) throws -> Void) throws {
    let folder = destination.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw AudioDSPError.writeFailed(path: destination.path, reason: "folder \(folder.path) does not exist")
    }
    let temporary = folder.appendingPathComponent(
        ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0 ... .max)).partial")
    do {
        try body(temporary)
        guard rename(temporary.path, destination.path) == 0 else {
            throw AudioDSPError.writeFailed(path: destination.path, reason: String(cString: strerror(errno)))
        }
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw error
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
