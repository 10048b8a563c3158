// NeuralCore benchmark: forward + backward-to-input for the cases (a)–(c), ours against PyTorch
// (`Peers/neuralcore_torch.py`), same shapes, same thread count, alternating rounds; prints medians and ratios.
// Run: swift run -c release --package-path Benchmarks NeuralCoreBenchmarks [rounds]
import Foundation
import NeuralCore

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 3 : 3
let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "/work/venv/bin/python"
let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Peers/neuralcore_torch.py").path

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

func time(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func torchSeconds(_ name: String, threads: Int) -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [peer, name, "\(threads)", "1"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try! process.run()
    process.waitUntilExit()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
}

var generator = RandomGenerator(seed: 0)
struct Case { let name: String; let flops: Double; let input: Tensor; let loss: (Tensor) -> Tensor }

let studyWeight = Tensor.randomNormal(shape: [32, 1, 3, 1], standardDeviation: 0.5, generator: &generator)
let studyTarget = Tensor.randomUniform(shape: [1, 32, 511, 860], generator: &generator)
let styleFrames = studyTarget.reshaped([32 * 511, 860])
let ulyanovWeight = Tensor.randomNormal(shape: [4096, 513, 11], standardDeviation: 0.01, generator: &generator)
let vggWeight = Tensor.randomNormal(shape: [64, 64, 3, 3], standardDeviation: 0.05, generator: &generator)

let cases = [
    Case(name: "study_cnn", flops: 3 * 2 * 32 * 3 * 511 * 860 + 3 * 2 * 860 * 860 * 16352.0,
         input: Tensor.randomUniform(shape: [1, 1, 513, 860], generator: &generator)) { x in
        let a = leakyReLU(conv2d(x, weight: studyWeight), negativeSlope: 0.2)
        let channel = a.reshaped([32, -1])
        return gramDistance(a.reshaped([32 * 511, 860]), styleFrames) + gram(channel).squared().sum()
            + (a - studyTarget).squared().mean()
    },
    Case(name: "ulyanov", flops: 2 * 2 * 4096 * 513 * 11 * 850.0,
         input: Tensor.randomUniform(shape: [1, 513, 860], generator: &generator)) { x in
        relu(conv1d(x, weight: ulyanovWeight)).squared().mean()
    },
    Case(name: "vgg_conv", flops: 2 * 2 * 64 * 576 * 128 * 432.0,
         input: Tensor.randomUniform(shape: [1, 64, 128, 432], generator: &generator)) { x in
        relu(conv2d(x, weight: vggWeight, padding: (1, 1))).squared().mean()
    },
]

// OpenBLAS's own sgemm peak in this process, for a conv-like shape (M 64, N 51 200, K 576).
func sgemmPeak() -> Double {
    var generator = RandomGenerator(seed: 1)
    let a = Tensor.randomUniform(shape: [64, 576], generator: &generator)
    let b = Tensor.randomUniform(shape: [576, 51_200], generator: &generator)
    _ = matmul(a, b)
    let seconds = median((0..<5).map { _ in time { _ = matmul(a, b) } })
    return 2 * 64 * 576 * 51_200 / seconds / 1e9
}

print("NeuralCore forward + backward-to-input vs PyTorch (\(rounds) alternating rounds, medians)")
for threads in [1, 2] {
    NeuralCoreThreads.threadCount = threads
    print(String(format: "threads %d: OpenBLAS sgemm peak %.1f GFLOP/s", threads, sgemmPeak()))
    for c in cases {
        var ours: [Double] = [], theirs: [Double] = []
        _ = valueWithGradient(at: c.input, of: c.loss)
        for _ in 0..<rounds {
            ours.append(time { _ = valueWithGradient(at: c.input, of: c.loss) })
            theirs.append(torchSeconds(c.name, threads: threads))
        }
        let (o, t) = (median(ours), median(theirs))
        print(String(format: "  %-10@ ours %8.1f ms  torch %8.1f ms  ratio %.2f  ours %.1f GFLOP/s",
                     c.name as NSString, o * 1e3, t * 1e3, o / t, c.flops / o / 1e9))
    }
}
