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
