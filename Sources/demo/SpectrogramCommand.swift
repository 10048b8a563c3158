import ArgumentParser
import AudioDSP
import Foundation

/// `demo spectrogram`: an audio file's mel (or linear) spectrogram as a NumPy array and PNG images.
struct SpectrogramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectrogram",
        abstract: "Compute a mel spectrogram (librosa.feature.melspectrogram) and save it as .npy and/or PNG.")

    @Argument(help: "Audio file (WAV, FLAC, OGG, AIFF, MP3); downmixed to mono and resampled.")
    var audio: URL

    @Option(help: "Write an 8-bit colour picture (dB, low frequencies at the bottom).")
    var png: URL?

    @Option(name: .customLong("image-16bit"), help: "Write a 16-bit grayscale dB image with its parameters, for data.")
    var image16Bit: URL?

    @Option(help: "Write the spectrogram as a Float32 [bins, frames] .npy (power mel, or magnitude with --linear).")
    var npy: URL?

    @Option(help: "Colour map of the --png picture.")
    var colorMap: ColorMap = .default

    @Flag(help: "Linear STFT magnitude (1 + fft-size/2 bins) instead of the power mel spectrogram.")
    var linear = false

    @OptionGroup var analysis: AnalysisOptions

    func run() throws {
        try reportingErrors {
            try checkOutputFolders([png, image16Bit, npy])
            let frontEnd = try analysis.frontEnd(linear: linear)
            let clip = try AudioFile.read(audio, sampleRate: frontEnd.sampleRate)
            let spectrogram = try frontEnd.magnitude(clip)
            let decibels = frontEnd.scaled(spectrogram)
            if let npy { try NPY.write(spectrogram.values, shape: spectrogram.shape, to: npy) }
            if let image16Bit {
                try SpectrogramImage.write16Bit(decibels, frontEnd: frontEnd, to: image16Bit)
            }
            if let png {
                try SpectrogramImage.writeColorMapped(decibels, frontEnd: frontEnd, colorMap: colorMap, to: png)
            }
            let kind = linear ? "linear magnitude" : "mel power"
            print(
                "\(audio.relativePath): \(clip.sampleRate) Hz, \(String(format: "%.2f", clip.duration)) s → \(kind) "
                    + "[\(spectrogram.rowCount), \(spectrogram.frameCount)]")
        }
    }
}

extension ColorMap: ExpressibleByArgument {}
