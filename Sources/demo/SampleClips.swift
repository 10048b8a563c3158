import Foundation
import StyleTransfer

/// The bundled sample clips (`Resources/Samples`, made by `Scripts/make_samples.py`) that `demo transfer` uses
/// when no clips are given.
enum SampleClips {
    /// The content clip of a preset's experiment.
    static func content(for preset: StyleTransferPreset) -> String { "speech_male_us.wav" }

    /// The style clip of a preset's experiment: a female voice, a Scottish accent, a violin.
    static func style(for preset: StyleTransferPreset) -> String {
        switch preset {
        case .gender: "speech_female_us.wav"
        case .accent: "speech_male_scottish.wav"
        case .instrument: "violin.wav"
        }
    }

    /// The clip's URL: `Resources/Samples/<name>` in the current folder or in a folder above the executable (the
    /// package checkout when run with `swift run`).
    ///
    /// - Throws: ``DemoError/sampleClipNotFound(name:)``.
    static func url(_ name: String) throws -> URL {
        let relative = "Resources/Samples/\(name)"
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder)
            folder.deleteLastPathComponent()
        }
        for base in candidates {
            let url = base.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DemoError.sampleClipNotFound(name: name)
    }
}
