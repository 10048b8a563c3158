import AudioDSP
import Foundation
import NeuralCore
import StyleTransfer

/// `demo transfer --content-dir`: every audio file of a folder in the style of one clip, files in parallel up to
/// the core count (one session per worker, one NeuralCore thread each), finished outputs skipped.
struct BatchTransfer {
    let configuration: StyleTransferConfiguration
    let model: ModelOptions
    let preset: StyleTransferPreset
    let styleURL: URL

    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "aif", "aiff", "mp3"]

    /// Transfers the audio files of `contentFolder` that fall in `shard` (all when `nil`) into `outputFolder`,
    /// skipping those whose output exists; prints one line per file written.
    func run(contentFolder input: URL, outputFolder output: URL, shard: Shard?) async throws {
        try checkFolders([output])
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: input.path) } catch {
            throw DemoError.cannotListFolder(input)
        }
        let files = names.filter { Self.audioExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .sorted().enumerated().filter { shard?.contains(position: $0.offset) ?? true }.map(\.element)
        guard !files.isEmpty else { throw DemoError.noAudioFiles(folder: input, shard: shard) }
        let jobs = files.map { (input.appendingPathComponent($0),
                                output.appendingPathComponent(URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent + ".wav")) }
        let pending = jobs.filter { !FileManager.default.fileExists(atPath: $0.1.path) }
        print("\(files.count) file(s) in this shard, \(files.count - pending.count) already done")
        let style = try AudioFile.read(styleURL)
        // Pairs run side by side, one thread each, up to the thread count (all processors unless --threads).
        let workers = min(NeuralCoreThreads.threadCount, pending.count)
        if workers > 1 { NeuralCoreThreads.threadCount = 1 }
        let (configuration, model, preset) = (configuration, model, preset)
        try await withThrowingTaskGroup(of: String.self) { group in
            var next = 0
            func launch() {
                let (source, target) = pending[next]
                next += 1
                group.addTask {
                    let session = try model.session(configuration: configuration, preset: preset)
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
