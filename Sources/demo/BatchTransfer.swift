import AudioDSP
import Foundation
import NeuralCore
import StyleTransfer

/// Which part of a sorted file list one machine processes: files `i−1, i−1+n, i−1+2n, …` for shard `i/n`.
struct Shard: Equatable {
    let index: Int
    let count: Int

    /// Parses `i/n` with `1 ≤ i ≤ n`.
    ///
    /// - Throws: ``StyleTransferError/invalidShard(_:)``.
    init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
              (1...count).contains(index)
        else { throw StyleTransferError.invalidShard(text) }
        (self.index, self.count) = (index, count)
    }

    func contains(position: Int) -> Bool { position % count == index - 1 }
}

/// `demo transfer --content-dir`: every audio file of a folder in the style of one clip, files in parallel up to
/// the core count (one session per worker, one NeuralCore thread each), finished outputs skipped.
struct BatchTransfer {
    let configuration: StyleTransferConfiguration
    let model: ModelOptions
    let preset: StyleTransferPreset
    let styleURL: URL
    let seed: UInt64

    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "aif", "aiff", "mp3"]

    func run(contentFolder: String, outputFolder: String, shard: Shard?) async throws {
        let input = URL(fileURLWithPath: contentFolder), output = URL(fileURLWithPath: outputFolder)
        try checkFolders([output.path])
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: input.path) } catch {
            throw AudioDSPError.fileNotFound(path: input.path)
        }
        let files = names.filter { Self.audioExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .sorted().enumerated().filter { shard?.contains(position: $0.offset) ?? true }.map(\.element)
        guard !files.isEmpty else {
            throw StyleTransferError.invalidInput(what: input.path, reason: "contains no audio files for this shard")
        }
        let jobs = files.map { (input.appendingPathComponent($0),
                                output.appendingPathComponent(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent + ".wav")) }
        let pending = jobs.filter { !FileManager.default.fileExists(atPath: $0.1.path) }
        print("\(files.count) file(s) in this shard, \(files.count - pending.count) already done")
        let style = try AudioFile.read(styleURL)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, pending.count)
        if workers > 1 { NeuralCoreThreads.threadCount = 1 }
        let (configuration, model, seed, preset) = (configuration, model, seed, preset)
        try await withThrowingTaskGroup(of: String.self) { group in
            var next = 0
            func launch() {
                let (source, target) = pending[next]
                next += 1
                group.addTask {
                    let session = try model.session(configuration: configuration, seed: seed, preset: preset)
                    let result = try await session.run(content: try AudioFile.read(source), style: style)
                    try AudioFile.write(result.waveform, to: target, format: .wav16)
                    return "\(target.path): \(String(format: "%.1f", result.waveform.duration)) s"
                }
            }
            while next < workers { launch() }
            while let line = try await group.next() {
                print(line)
                if next < pending.count { launch() }
            }
        }
    }
}
