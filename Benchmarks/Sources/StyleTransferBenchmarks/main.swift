// StyleTransfer benchmark: one transfer of the bundled 10 s clip with the study's random CNN and Adam, ours against
// the equivalent PyTorch script (`Peers/style_transfer_torch.py`: same representation, network, losses, optimiser,
// steps and thread count), alternating rounds; prints the median time per step, the whole run (load → transfer →
// Griffin-Lim 64 → write) and the ratios.
// Run: swift run -c release --package-path Benchmarks StyleTransferBenchmarks [steps] [rounds]
import AudioDSP
import Backbones
import Foundation
import PeerSupport
import NeuralCore
import StyleTransfer
import Vocoders

let arguments = CommandLine.arguments
let steps = arguments.count > 1 ? Int(arguments[1]) ?? 30 : 30
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let python = peerPython()
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let peer = root.appendingPathComponent("Peers/style_transfer_torch.py").path
let samples = root.deletingLastPathComponent().appendingPathComponent("Resources/Samples")
let contentURL = samples.appendingPathComponent("speech_male_us_10s.wav")
let styleURL = samples.appendingPathComponent("speech_female_us.wav")

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

/// Our run: seconds per step (median over the steps) and the whole pipeline.
func ours(threads: Int) throws -> (step: Double, whole: Double) {
    NeuralCoreThreads.threadCount = threads
    AudioDSPThreads.threadCount = threads
    let start = ContinuousClock.now
    // The peer's work: log1p STFT, channel Gram over every frame, style weight 1e3, Adam 0.03 (not the presets').
    let configuration = StyleTransferConfiguration(
        frontEnd: StyleTransferConfiguration.log1pMagnitude, gramAxis: .channels, activeFrameRange: nil,
        matchesStyleLoudness: false, styleWeight: 1e3, optimizer: .adam(learningRate: 0.03), steps: steps)
    let session = try StyleTransferSession(
        featureExtractor: RandomCNN(seed: 0),
        vocoder: GriffinLimVocoder(frontEnd: configuration.frontEnd, iterations: 64), configuration: configuration)
    let content = try AudioFile.read(contentURL, sampleRate: 22_050), style = try AudioFile.read(styleURL, sampleRate: 22_050)
    var stamps: [Double] = []
    let contentFeatures = try session.analyze(content, what: "content")
    let output = try session.transfer(
        content: contentFeatures.spectrogram, style: session.analyze(style, what: "style").spectrogram
    ) { stamps.append($0.elapsed) }.output
    let waveform = try session.vocoder.synthesize(AcousticFeatures(
        spectrogram: output, frontEnd: configuration.frontEnd, sampleCount: contentFeatures.sampleCount))
    try AudioFile.write(waveform, to: URL(fileURLWithPath: "/tmp/style_transfer_swift_out.wav"), format: .wav16)
    let whole = ContinuousClock.now - start
    let perStep = zip(stamps.dropFirst(), stamps).map { $0 - $1 }
    return (median(perStep), whole / .seconds(1))
}

func torch(threads: Int) throws -> (step: Double, whole: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [peer, contentURL.path, styleURL.path, "\(steps)", "\(threads)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let json = try JSONSerialization.jsonObject(with: pipe.fileHandleForReading.readDataToEndOfFile()) as! [String: Double]
    return (json["step_median"]!, json["whole"]!)
}

print("10 s clip (\(contentURL.lastPathComponent), 513 × 862 log1p STFT), study random CNN, Adam, \(steps) steps, medians of \(rounds) rounds")
print("threads | ours s/step | torch s/step | ratio | ours whole s | torch whole s | ratio")
for threads in [1, 2] {
    var a: [(Double, Double)] = [], b: [(Double, Double)] = []
    for _ in 0..<rounds {
        a.append(try ours(threads: threads))
        b.append(try torch(threads: threads))
    }
    let (oursStep, torchStep) = (median(a.map(\.0)), median(b.map(\.0)))
    let (oursWhole, torchWhole) = (median(a.map(\.1)), median(b.map(\.1)))
    print(String(format: "%7d | %11.4f | %12.4f | %5.2f | %12.2f | %13.2f | %5.2f", threads, oursStep, torchStep,
                 oursStep / torchStep, oursWhole, torchWhole, oursWhole / torchWhole))
}
