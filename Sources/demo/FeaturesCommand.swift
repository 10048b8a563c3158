import ArgumentParser
import AudioDSP
import Backbones
import Foundation
import NeuralCore
import StyleTransfer

/// `demo features`: a backbone's activations for an audio file (or a raw model input) as NumPy arrays, to inspect
/// them or compare them with PyTorch.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write a backbone's captured activations as .npy files (batch dimension dropped).",
        discussion: """
            From audio, the spectrogram is the style-transfer session's default front end (dB STFT magnitude), \
            mapped to the backbone's input as the session does (image backbones: the spectrogram's minimum…maximum \
            to [0, 1], three channels, ImageNet normalisation). With --input-npy a Float32 NCHW array is fed \
            unchanged, for exact comparisons with PyTorch.
            """)

    /// The backbones the command can build.
    @Argument(help: "Audio file (omit with --input-npy); downmixed to mono and resampled to the front end's rate.")
    var audio: URL?

    @Option(help: "Which network: \(BackboneChoice.names).")
    var backbone: BackboneChoice

    @Option(help: "Weights as safetensors with torchvision (or, for random-cnn, conv1.*) keys; default: seeded random weights.")
    var weights: URL?

    @Option(help: "Seed of the random weights when --weights is not given.")
    var seed: UInt64 = 0

    @Option(help: "Comma-separated layers to capture, e.g. conv1_1,conv4_2 (vgg19), stem,layer3.2 (resnet50), block_6 (vit-b16), relu1 (random-cnn).")
    var layers: String

    @Option(help: "Folder for the <layer>.npy files (created if missing).")
    var npyDir: URL

    @Option(help: "A Float32 [N, C, H, W] .npy model input, used unchanged instead of an audio file.")
    var inputNpy: URL?

    func validate() throws {
        guard (audio == nil) != (inputNpy == nil) else { throw ValidationError("give exactly one of <audio> and --input-npy") }
        guard !requestedLayers.isEmpty else { throw ValidationError("--layers names no layer") }
    }

    private var requestedLayers: [String] {
        layers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        try reportingErrors {
            let extractor = try backbone.makeFeatureExtractor(weights: weights, seed: seed)
            let input = try inputNpy.map(Self.rawInput(_:)) ?? spectrogramInput(audio!, for: extractor)
            let features = try extractor.features(of: input, layers: requestedLayers)
            do {
                try FileManager.default.createDirectory(at: npyDir, withIntermediateDirectories: true)
            } catch {
                throw DemoError.cannotCreateFolder(npyDir)
            }
            for layer in requestedLayers {
                let feature = features[layer]!
                let url = npyDir.appendingPathComponent("\(layer).npy")
                try NPY.write(feature.scalars, shape: Array(feature.shape.dropFirst()), to: url)
                print("\(layer): \(Array(feature.shape.dropFirst())) → \(url.path)")
            }
        }
    }

    /// The session's default front end applied to the audio, mapped to the backbone's input over the spectrogram's
    /// own value range (as the session maps the content).
    private func spectrogramInput(_ audio: URL, for extractor: any FeatureExtractor) throws -> Tensor {
        let frontEnd = StyleTransferConfiguration().frontEnd
        let clip = try AudioFile.read(audio, sampleRate: frontEnd.sampleRate)
        let spectrogram = try frontEnd.analyze(clip).spectrogram
        let tensor = Tensor(shape: [spectrogram.rowCount, spectrogram.frameCount], scalars: spectrogram.values)
        return extractor.modelInput(from: tensor, valueRange: SpectrogramInput.valueRange(of: spectrogram.values))
    }

    /// A raw NCHW model input from a .npy file.
    private static func rawInput(_ url: URL) throws -> Tensor {
        let (shape, values) = try NPY.read(url)
        guard shape.count == 4 else { throw DemoError.invalidModelInput(url, problem: .notNCHW(shape: shape)) }
        guard values.allSatisfy(\.isFinite) else { throw DemoError.invalidModelInput(url, problem: .nonFinite) }
        return Tensor(shape: shape, scalars: values)
    }
}
