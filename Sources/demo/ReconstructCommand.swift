import ArgumentParser
import AudioDSP
import Foundation
import Vocoders

/// `demo reconstruct`: audio → (mel) spectrogram → Griffin-Lim (`GriffinLimVocoder`) → audio, or a 16-bit
/// spectrogram image → audio.
struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct",
        abstract: "Rebuild audio from a mel spectrogram (inverse mel + Griffin-Lim), from audio or from a PNG.")

    @Argument(help: "Audio file to analyse and rebuild (omit with --from-image).")
    var audio: URL?

    @Option(help: "Output audio file.")
    var out: URL

    @Option(help: "Rebuild from a spectrogram PNG written by 'demo spectrogram' (its metadata gives the analysis).")
    var fromImage: URL?

    @Option(help: "Griffin-Lim iterations (librosa n_iter); default: the library's GriffinLim default.")
    var iterations: Int?

    @Option(help: "Seed of a random initial phase for Griffin-Lim (default: the phase-gradient estimate), or of WaveNet's sampling (default 0).")
    var seed: UInt64?

    @Option(help: "Output encoding; default: flac for a .flac name, else wav16.")
    var format: AudioFileFormat?

    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Inverse mel Griffin-Lim starts from: kullback-leibler (sounds best) or least-squares (librosa's).")
    var melInversion: MelInversionChoice = .kullbackLeibler

    @Option(help: "What Griffin-Lim holds a mel's magnitude to: mel (each iteration matches the mel; sounds best) or inverse-mel (one fixed inverse, librosa's way).")
    var magnitudeTarget: MagnitudeTargetChoice = .mel

    @Option(help: "Vocoder: griffinlim, or wavenet (its own front end: 22 050 Hz, 80-band log mel, hop 256; the analysis options are ignored).")
    var vocoder: VocoderChoice = .griffinLim

    @Option(help: "WaveNet checkpoint (.safetensors from 'demo train-wavenet'); default: the shipped model.")
    var checkpoint: URL?

    @Option(help: "WaveNet sampling temperature (0 = greedy); default: the expected value for a guided model, else 1.")
    var temperature: Float?

    func validate() throws {
        guard (audio == nil) != (fromImage == nil) else {
            throw ValidationError("give exactly one of <audio> and --from-image")
        }
        if vocoder == .wavenet, fromImage != nil {
            throw ValidationError("--vocoder wavenet rebuilds from <audio> (its mel front end differs from the image's)")
        }
        if vocoder != .wavenet, checkpoint != nil { throw ValidationError("--checkpoint needs --vocoder wavenet") }
    }

    func run() throws {
        try reportingErrors {
            try checkOutputFolders([out])
            if vocoder == .wavenet { return try runWaveNet(audio: audio!) }
            let features = try fromImage.map(features(fromImage:)) ?? features(fromAudio: audio!)
            let griffinLim = try GriffinLimVocoder(
                frontEnd: features.frontEnd, iterations: iterations ?? GriffinLim.defaultIterations,
                initialPhase: seed.map { .random(seed: $0) }, melInversion: melInversion.method,
                magnitudeTarget: magnitudeTarget.target)
            let waveform = try griffinLim.synthesize(features)
            try AudioFile.write(waveform, to: out, format: format ?? AudioFileFormat(pathExtensionOf: out))
            print(
                "\(out.relativePath): \(waveform.sampleRate) Hz, \(waveform.sampleCount) samples, "
                    + "\(griffinLim.iterations) Griffin-Lim iterations"
            )
        }
    }

    /// Analyses `audio` with the WaveNet's own front end and generates it back.
    private func runWaveNet(audio: URL) throws {
        let sampler = try temperature.map { try WaveNetSampler(temperature: $0) }
        let wavenet = try checkpoint.map {
            try WaveNetVocoder(contentsOf: $0, sampler: sampler, seed: seed ?? 0)
        } ?? WaveNetVocoder.bundled(sampler: sampler, seed: seed ?? 0)
        let clip = try AudioFile.read(audio, sampleRate: wavenet.frontEnd.sampleRate)
        let start = Date()
        let waveform = try wavenet.synthesize(wavenet.frontEnd.analyze(clip))
        try AudioFile.write(waveform, to: out, format: format ?? AudioFileFormat(pathExtensionOf: out))
        print(String(format: "\(out.relativePath): \(waveform.sampleRate) Hz, \(waveform.sampleCount) samples, WaveNet in %.1f s (real-time factor %.2f)",
                     Date().timeIntervalSince(start), Date().timeIntervalSince(start) / waveform.duration))
    }

    /// Analyses audio with the command's analysis options.
    private func features(fromAudio audio: URL) throws -> AcousticFeatures {
        let frontEnd = try analysis.frontEnd()
        let clip = try AudioFile.read(audio, sampleRate: frontEnd.sampleRate)
        guard !clip.isSilent else { throw AudioDSPError.silentInput(what: audio.path) }
        return try frontEnd.analyze(clip)
    }

    /// Reads a spectrogram image: its dB values and the analysis its metadata records.
    private func features(fromImage url: URL) throws -> AcousticFeatures {
        let image = try SpectrogramImage.read(url)
        return try AcousticFeatures(spectrogram: image.decibels, frontEnd: image.frontEnd)
    }
}

extension AudioFileFormat: ExpressibleByArgument {}
