import ArgumentParser
import AudioDSP
import Foundation
import Vocoders

/// `demo reconstruct`: audio → mel → inverse mel → Griffin-Lim → audio, or a 16-bit spectrogram image → audio.
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

    @Option(help: "Inverse mel before Griffin-Lim: kullback-leibler (sounds best) or least-squares (librosa's).")
    var melInversion: MelInversionChoice = .kullbackLeibler

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
            let source = try fromImage.map(magnitude(fromImage:)) ?? magnitude(fromAudio: audio!)
            let start = seed.map { .random(seed: $0) } ?? GriffinLim.InitialPhase.preferred(for: source.stft.window)
            let griffinLim =
                try iterations.map {
                    try GriffinLim(stft: source.stft, iterations: $0, initialPhase: start)
                } ?? GriffinLim(stft: source.stft, initialPhase: start)
            let samples = try griffinLim.reconstruct(magnitude: source.magnitude, sampleCount: source.sampleCount)
            try AudioFile.write(
                Waveform(samples: samples, sampleRate: source.sampleRate), to: out,
                format: format ?? AudioFileFormat(pathExtensionOf: out))
            print(
                "\(out.relativePath): \(source.sampleRate) Hz, \(samples.count) samples, "
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

    /// A linear magnitude spectrogram to rebuild, with its transform, rate and (for audio input) original length in samples.
    private struct Source {
        let magnitude: Spectrogram
        let stft: ShortTimeFourierTransform
        let sampleRate: Int
        let sampleCount: Int?

        /// The STFT amplitude of `magnitude`, the (mel) magnitude `|S|^p` of `frontEnd` (for a mel front end, its
        /// filterbank's inverse by `melInversion`).
        init(frontEnd: FrontEnd, magnitude: Spectrogram, sampleCount: Int?, melInversion: MelInversion) throws {
            let filterbank = try frontEnd.makeFilterbank()
            self.magnitude = try filterbank?.inverseMagnitude(magnitude, power: frontEnd.magnitudePower,
                                                               method: melInversion) ?? magnitude
            stft = try frontEnd.makeTransform()
            sampleRate = frontEnd.sampleRate
            self.sampleCount = sampleCount
        }
    }

    /// Analyses audio with the command's options: (mel) magnitude → inverse mel → linear magnitude.
    private func magnitude(fromAudio audio: URL) throws -> Source {
        let frontEnd = try analysis.frontEnd()
        let clip = try AudioFile.read(audio, sampleRate: frontEnd.sampleRate)
        guard !clip.isSilent else { throw AudioDSPError.silentInput(what: audio.path) }
        return try Source(frontEnd: frontEnd, magnitude: frontEnd.magnitude(clip), sampleCount: clip.sampleCount,
                          melInversion: melInversion.method)
    }

    /// Reads a spectrogram image: dB → power or amplitude (re 1.0) → NNLS inverse for mel images.
    private func magnitude(fromImage url: URL) throws -> Source {
        let image = try SpectrogramImage.read(url)
        return try Source(frontEnd: image.frontEnd, magnitude: image.frontEnd.unscaled(image.decibels), sampleCount: nil,
                          melInversion: melInversion.method)
    }
}

extension AudioFileFormat: ExpressibleByArgument {}
