import AudioDSP
import Foundation

/// Checks, before any work, that every output file's folder exists, so a command either writes all its outputs or
/// none (each file is itself written atomically).
func checkOutputFolders(_ paths: [String?]) throws {
    for path in paths.compactMap({ $0 }) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw AudioDSPError.writeFailed(path: path, reason: "folder \(folder.path) does not exist")
        }
    }
}
