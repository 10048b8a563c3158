import ArgumentParser
import AudioDSP
import Backbones
import Foundation
import NeuralCore
import StyleTransfer
import Vocoders

extension StyleTransferPreset: ExpressibleByArgument {}
extension GramAxis: ExpressibleByArgument {}

/// `demo transfer`: the study's pipeline on one pair of clips, or on a folder of contents.
struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Give content audio the style of another clip (voice, accent, instrument).",
        discussion: """
            With no --content/--style it runs the preset's bundled sample clips (Resources/Samples). Settings not \
            given come from the preset (default: gender), whose values live in the library's \
            StyleTransferConfiguration.
            """)

    @Option(help: "Content audio (words or notes to keep); default: the preset's bundled clip.")
    var content: URL?

    @Option(help: "Style audio (voice or timbre to take on); default: the preset's bundled clip.")
    var style: URL?

    @Option(help: "Settings (and bundled clips) of one of the study's experiments.")
    var preset: StyleTransferPreset = .gender

    @OptionGroup var model: ModelOptions

    @Option(help: "Optimisation steps per chunk; default: the preset's.")
    var steps: Int?

    @Option(help: "Content weight α; default: the preset's.")
    var contentWeight: Float?

    @Option(help: "Style weight β; default: the preset's.")
    var styleWeight: Float?

    @Option(help: "Adam learning rate (representation units per step); default: the preset's.")
    var learningRate: Float?

    @Option(help: "What the style's Gram matrices correlate: time (filter × frequency rows over frames) or channels; default: the preset's.")
    var gramAxis: GramAxis?

    @Option(help: "How far the content's long-term spectrum is first moved toward the style's, 0 (off) to 2 (1: all the way); default: the preset's (1).")
    var envelopeMatch: Float?

    @Option(help: "Convert the content's accent first: style (the style clip's, as the shipped backbone hears it), an accent name (en-us, en, en-gb-scotland, en-gb-x-rp, en-029, en-gb-x-gbclan, en-gb-x-gbcwmd) or none; default: the preset's (accent: style).")
    var accent: String?

    @Option(help: "Share 0…2 of the accent converter's predicted change; default: the preset's (0.85).")
    var accentStrength: Float?

    @Option(help: "The content's pitch change first: keep, match (the style's median F0) or semitones; default: the preset's.")
    var pitch: PitchChange.Pitch?

    @Option(help: "The content's formants with it: keep, match (the style's, estimated) or a frequency factor; default: the preset's.")
    var formants: PitchChange.Formants?

    @Option(help: "Threads for everything (AudioDSP, NeuralCore, OpenBLAS); in batch mode, pairs run at once; default: all processors.")
    var threads: Int?

    @Flag(help: "Optimise with the library's standard L-BFGS (strong-Wolfe line search, history 20) instead of Adam.")
    var lbfgs = false

    @Option(help: "Seed of every random choice (initialisation, vocoder phase); default: the preset's.")
    var seed: UInt64?

    @Option(help: "Output audio file (single pair).")
    var out = URL(fileURLWithPath: "out.wav")

    @Option(help: "Write a self-contained HTML report (players, spectrograms, loss curves) here.")
    var report: URL?

    @Option(help: "Write content.png, style.png and output.png spectrograms into this existing folder.")
    var spectrograms: URL?

    @Option(help: "Batch mode: transfer every audio file of this folder (with --out-dir).")
    var contentDir: URL?

    @Option(help: "Batch mode: folder for the outputs (<name>.wav); finished outputs are skipped on re-run.")
    var outDir: URL?

    @Option(help: ArgumentHelp(
        "Batch mode: process only one shard of the folder's files, to spread it over processes or machines.",
        discussion: """
            i/n: shard i of n (1-based), e.g. 2/8. auto: index and count of a Slurm job array \
            (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT). auto/N: N shards, the index \
            from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based) or a Slurm array of N tasks. See Docs/Batch.md.
            """,
        valueName: "i/n|auto|auto/N"))
    var shard: ShardArgument?

    func validate() throws {
        if let steps, steps < 0 { throw ValidationError("--steps must be at least 0") }
        if accent == "" { throw ValidationError("--accent must be style, an accent name or none") }
        if let accentStrength, !(0...2).contains(accentStrength) {
            throw ValidationError("--accent-strength must be between 0 and 2")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let envelopeMatch, !(0...2).contains(envelopeMatch) { throw ValidationError("--envelope-match must be between 0 and 2") }
        if learningRate != nil && lbfgs { throw ValidationError("--learning-rate is Adam's; L-BFGS uses a line search") }
        if (contentDir == nil) != (outDir == nil) { throw ValidationError("give --content-dir and --out-dir together") }
        if contentDir != nil && content != nil { throw ValidationError("give either --content or --content-dir") }
        if shard != nil && contentDir == nil { throw ValidationError("--shard needs --content-dir") }
        if gramAxis == .time && model.backbone == .vitB16 {
            throw ValidationError("--gram-axis time needs a convolutional backbone; vit-b16 takes channels")
        }
    }

    func run() async throws {
        try await reportingErrors {
            if let threads { NeuralCoreThreads.threadCount = threads }
            var configuration = StyleTransferConfiguration.preset(preset)
            if let steps { configuration.steps = steps }
            if let contentWeight { configuration.contentWeight = contentWeight }
            if let styleWeight { configuration.styleWeight = styleWeight }
            if let gramAxis { configuration.gramAxis = gramAxis }
            if let pitch { configuration.pitchChange.pitch = pitch }
            if let formants { configuration.pitchChange.formants = formants }
            if let accent {
                let target = accent == "none" ? nil : AccentConversion.Target(accent)
                configuration.accentConversion = target.map { target in
                    var conversion = configuration.accentConversion ?? AccentConversion()
                    conversion.target = target
                    return conversion
                }
            }
            if let accentStrength {
                var conversion = configuration.accentConversion ?? AccentConversion()
                conversion.strength = accentStrength
                configuration.accentConversion = conversion
            }
            if let envelopeMatch {
                var match = configuration.envelopeMatch ?? EnvelopeMatch()
                match.fraction = envelopeMatch
                configuration.envelopeMatch = envelopeMatch == 0 ? nil : match
            }
            if let learningRate { configuration.optimizer = .adam(learningRate: learningRate) }
            if lbfgs { configuration.optimizer = .standardLBFGS }
            if let seed { configuration.seed = seed }
            let styleURL = try style ?? SampleClips.url(SampleClips.style(for: preset))
            if let contentDir, let outDir {
                let shard = try shard?.resolved(environment: ProcessInfo.processInfo.environment)
                try await BatchTransfer(configuration: configuration, model: model, preset: preset, styleURL: styleURL)
                    .run(contentFolder: contentDir, outputFolder: outDir, shard: shard)
            } else {
                let contentURL = try content ?? SampleClips.url(SampleClips.content(for: preset))
                try await transferPair(contentURL: contentURL, styleURL: styleURL, configuration: configuration)
            }
        }
    }

    private func transferPair(contentURL: URL, styleURL: URL, configuration: StyleTransferConfiguration) async throws {
        try checkOutputFolders([out, report])
        try checkFolders([spectrograms])
        let session = try model.session(configuration: configuration, preset: preset)
        let contentClip = try AudioFile.read(contentURL)
        let styleClip = try AudioFile.read(styleURL)
        let started = ContinuousClock.now
        let progress = ProgressDisplay()
        let result = try await session.run(content: contentClip, style: styleClip) { progress.show($0) }
        progress.finish()
        let elapsed = (ContinuousClock.now - started)
        try AudioFile.write(result.waveform, to: out, format: AudioFileFormat(pathExtensionOf: out))
        if let folder = spectrograms {
            try SpectrogramImage.writeColorMapped(
                [("content", result.content), ("style", result.style), ("output", result.output)].map {
                    (features: $0.1, url: folder.appendingPathComponent("\($0.0).png"))
                })
        }
        let (content, style) = (result.shiftedContent.spectrogram, result.style.spectrogram)
        let losses = try session.losses(of: [content, result.output.spectrogram], content: content, style: style)
        let (before, after) = (losses[0], losses[1])
        let seconds = elapsed / .seconds(1)
        let measures: Result<TransferMeasures, StyleTransferError>
        do {
            measures = .success(try TransferMeasures(output: result.waveform, content: contentClip, style: styleClip))
        } catch let error as StyleTransferError {
            measures = .failure(error)  // the transfer itself succeeded: say why it cannot be measured
        }
        let measured = switch measures {
        case let .success(m):
            String(format: "band-Gram ratio %.2f (1 = unchanged, 0 = the style's), timbre progress %.2f (0 = content, 1 = style), STOI %.2f (1 = the content's envelopes)",
                   m.gramRatio, m.timbreProgress, m.stoi)
                + (m.f0ShiftTowardStyle.map { String(format: ", F0 shift toward the style %.2f (semitones; 1 = the style's)", $0) } ?? "")
        case let .failure(error):
            "no measures: \(error)"
        }
        let accent = result.targetAccent?.max { $0.value < $1.value }.map {
            String(format: "accent → %@ (%.2f); ", $0.key, $0.value)
        } ?? ""
        let pitchChange = result.pitchChange.map {
            String(format: "pitch %+.1f semitones, formants ×%.2f; ", $0.semitones, $0.formantFactor)
        } ?? ""
        let summary = String(
            format: "%@: %.1f s of audio in %.1f s (%d steps); %@style loss %.3g → %.3g, content loss %.3g; %@",
            out.relativePath, result.waveform.duration, seconds, result.history.count, accent + pitchChange, before.style,
            after.style, after.content, measured)
        if let report {
            try StyleTransferReport.write(
                result, content: contentClip, style: styleClip, measures: try? measures.get(),
                title: "\(contentURL.lastPathComponent) in the style of \(styleURL.lastPathComponent)",
                details: [summary, "preset \(preset.rawValue), backbone \(model.backbone.rawValue), vocoder \(model.vocoder.rawValue)"],
                to: report)
        }
        print(summary)
    }
}
