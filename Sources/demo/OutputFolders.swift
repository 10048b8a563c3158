import Foundation

/// Checks, before any work, that every output file's folder exists, so a command either writes all its outputs or
/// none (each file is itself written atomically).
///
/// - Throws: ``DemoError/folderNotFound(_:output:)``.
func checkOutputFolders(_ files: [URL?]) throws {
    for file in files.compactMap({ $0 }) { try requireFolder(file.deletingLastPathComponent(), for: file) }
}

/// Checks, before any work, that every output folder (`--spectrograms`, `--out-dir`) exists.
///
/// - Throws: ``DemoError/folderNotFound(_:output:)``.
func checkFolders(_ folders: [URL?]) throws {
    for folder in folders.compactMap({ $0 }) { try requireFolder(folder, for: folder) }
}

private func requireFolder(_ folder: URL, for output: URL) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw DemoError.folderNotFound(folder, output: output)
    }
}
