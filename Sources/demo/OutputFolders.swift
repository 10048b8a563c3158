import AudioDSP
import Foundation

/// Checks, before any work, that every output file's folder exists, so a command either writes all its outputs or
/// none (each file is itself written atomically).
func checkOutputFolders(_ paths: [String?]) throws {
    for path in paths.compactMap({ $0 }) {
        try requireFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path, for: path)
    }
}

/// Checks, before any work, that every output folder (`--spectrograms`, `--out-dir`) exists.
func checkFolders(_ paths: [String?]) throws {
    for path in paths.compactMap({ $0 }) { try requireFolder(path, for: path) }
}

/// Throws ``AudioDSPError/writeFailed(path:reason:)`` for `output` unless `folder` is an existing folder.
private func requireFolder(_ folder: String, for output: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw AudioDSPError.writeFailed(path: output, reason: "folder \(folder) does not exist")
    }
}
