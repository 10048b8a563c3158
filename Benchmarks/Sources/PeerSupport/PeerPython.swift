import Foundation

/// The Python interpreter that runs the peers' scripts (`Benchmarks/Peers`: librosa, PyTorch, torchaudio): the
/// environment variable `PEER_PYTHON` when it is set, otherwise the venv that `Scripts/make-peer-venv.sh` creates in
/// the repository's git-ignored `.peers/venv` with the pinned versions every table in `Docs/Benchmarks.md` was
/// measured with.
public func peerPython() -> String {
    if let python = ProcessInfo.processInfo.environment["PEER_PYTHON"], !python.isEmpty { return python }
    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return repository.appendingPathComponent(".peers/venv/bin/python").path
}

/// Runs the peer script `script` with `arguments` under ``peerPython()`` and returns the numbers it prints on
/// standard output (separated by spaces or newlines); an empty array when it prints none (for example when it fails).
public func peerNumbers(_ script: URL, _ arguments: [String]) throws -> [Double] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: peerPython())
    process.arguments = [script.path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
}
