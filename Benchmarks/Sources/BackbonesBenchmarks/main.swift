// Backbones benchmark: forward + backward-to-input of VGG19, ResNet50 and ViT-B/16 on a 128×432 spectrogram, ours
// against the same torchvision models (`Peers/backbones_torch.py`), same thread count, same loss (style Gram
// matrices of the usual style layers). Each measurement runs in its own process — this program re-launched as a
// worker, or the Python peer — so each side reports its own peak resident memory (ru_maxrss, which includes the
// model's weights: VGG19 holds its 480 MB classifier on both sides). Rounds alternate ours / theirs; medians.
//
// Run: swift run -c release --package-path Benchmarks BackbonesBenchmarks [rounds] [threads]
//      (worker mode, used internally: BackbonesBenchmarks --worker MODEL THREADS REPEATS)
import Backbones
import Foundation
import PeerSupport
import NeuralCore

let python = peerPython()
let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Peers/backbones_torch.py").path

/// The models and the style layers whose Gram matrices make the loss (as in the peer).
let styleLayers: [(name: String, layers: [String])] = [
    ("vgg19", ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]),
    ("resnet50", ["stem", "layer1", "layer2", "layer3", "layer4"]),
    ("vit_b_16", ["block_3", "block_6", "block_9", "block_12"]),
]

func makeModel(_ name: String) -> any FeatureExtractor {
    switch name {
    case "vgg19": VGG19(seed: 0)
    case "resnet50": ResNet50(seed: 0)
    default: VisionTransformer(seed: 0)
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func maxResidentKilobytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

/// Worker: one warm-up step, then `repeats` timed steps; prints `seconds … maxrss_kb N` like the peer.
func work(model name: String, threads: Int, repeats: Int) throws {
    NeuralCoreThreads.threadCount = threads
    let model = makeModel(name)
    let layers = styleLayers.first { $0.name == name }!.layers
    var generator = RandomGenerator(seed: 1)
    let spectrogram = Tensor.randomUniform(shape: [128, 432], lowerBound: -80, upperBound: 0, generator: &generator)
    func step() throws {
        _ = try valueWithGradient(at: spectrogram) { s in
            let features = try model.features(of: model.modelInput(from: s, valueRange: -80...0), layers: layers)
            return layers.map { layer -> Tensor in
                let f = model.styleMatrix(of: features[layer]!, layer: layer, over: .channels)
                return (matmul(f, f.transposed) / Float(f.shape[1])).squared().mean()
            }.reduce(Tensor(0), +)
        }
    }
    try step()
    let times = try (0..<repeats).map { _ in try seconds(step) }
    print("seconds " + times.map { String(format: "%.6f", $0) }.joined(separator: " ") + " maxrss_kb \(maxResidentKilobytes())")
}

/// Runs a worker process and parses its `seconds … maxrss_kb N` line.
func measure(_ executable: String, _ arguments: [String]) throws -> (times: [Double], peakKilobytes: Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
    guard process.terminationStatus == 0, fields.first == "seconds", let rss = fields.last.flatMap({ Int($0) }) else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments): \(text)"])
    }
    return (fields.dropFirst().prefix { $0 != "maxrss_kb" }.compactMap(Double.init), rss)
}

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

let arguments = CommandLine.arguments
if arguments.count == 5, arguments[1] == "--worker" {
    try work(model: arguments[2], threads: Int(arguments[3])!, repeats: Int(arguments[4])!)
} else {
    let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
    let threads = arguments.count > 2 ? Int(arguments[2]) ?? 2 : 2
    let me = URL(fileURLWithPath: arguments[0]).resolvingSymlinksInPath().path
    print("Backbones forward + backward-to-input on a 128×432 spectrogram vs torchvision, \(threads) thread(s), "
          + "\(rounds) alternating rounds × 2 steps (after one warm-up step per process), medians")
    print("model       ours (ms)  torch (ms)  ratio   ours peak RSS  torch peak RSS")
    for (name, _) in styleLayers {
        var ours: [Double] = [], theirs: [Double] = []
        var oursPeak = 0, theirsPeak = 0
        for _ in 0..<rounds {
            let o = try measure(me, ["--worker", name, "\(threads)", "2"])
            let t = try measure(python, [peer, name, "\(threads)", "2"])
            ours += o.times
            theirs += t.times
            oursPeak = max(oursPeak, o.peakKilobytes)
            theirsPeak = max(theirsPeak, t.peakKilobytes)
        }
        let (o, t) = (median(ours), median(theirs))
        print(String(format: "%-10@ %9.0f  %10.0f  %5.2f  %10.0f MB  %11.0f MB", name as NSString, o * 1e3, t * 1e3,
                     o / t, Double(oursPeak) / 1024, Double(theirsPeak) / 1024))
    }
}
