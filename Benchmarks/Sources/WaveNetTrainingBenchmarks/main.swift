// WaveNet training speed: where one training step's time goes, and the step against PyTorch's.
//
// The step is the shipped checkpoint's architecture on one random batch of `--batch` crops of `--crop` samples (with
// 3 mel frames of context each side, as `WaveNet.train` draws them). Each part is timed alone in process CPU time,
// forward then forward plus backward (the gradient of the part's output sum with respect to its input and its
// weights, less the cost of that harness), on the tensors it sees in the step: the upsampler, every residual layer's dilated convolution,
// conditioning projection, gate and residual/skip convolutions, the output head, the cross-entropy, and Adam's
// update. The whole step is timed as `WaveNet.train` runs it on `Resources/Samples` speech, alternating rounds with
// PyTorch's step of the same architecture (`Peers/wavenet_train_torch.py`, same thread count); medians of `--rounds`
// rounds, wall and process CPU time. The parts are the kernels a step runs at `--threads 1`; at more threads
// `WaveNet.train` runs shards of the batch concurrently on model replicas, one thread each, so there only the whole
// step is comparable.
//
//   swift run -c release --package-path Benchmarks WaveNetTrainingBenchmarks [--threads 1] [--rounds 5]
//       [--batch 4] [--crop 4096] [--steps 6]

import AudioDSP
import Foundation
import NeuralCore
import PeerSupport
import Vocoders

/// The command-line settings: threads, rounds, batch, crop, steps (≥ 2).
func options() -> (Int, Int, Int, Int, Int) {
    var values = ["--threads": 1, "--rounds": 5, "--batch": 4, "--crop": 4096, "--steps": 6]
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        guard values[argument] != nil, let value = arguments.next().flatMap({ Int($0) }) else {
            print("unknown or incomplete argument \(argument)")
            exit(2)
        }
        values[argument] = value
    }
    return (values["--threads"]!, values["--rounds"]!, values["--batch"]!, values["--crop"]!, max(2, values["--steps"]!))
}
let (threads, rounds, batch, crop, steps) = options()
NeuralCoreThreads.threadCount = threads
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let checkpoint = try WaveNetVocoder.bundledCheckpointURL
let model = try WaveNet(contentsOf: checkpoint)
let c = model.configuration, hop = model.frontEnd.hopLength, margin = 3

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }

/// Process CPU seconds so far (all threads).
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Median process CPU seconds of `body` over `rounds` runs after one warm-up (steadier than wall time on a shared
/// machine; equal to it at one thread on an idle one).
func seconds(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<rounds {
        let start = cpuSeconds()
        try body()
        times.append(cpuSeconds() - start)
    }
    return median(times)
}

/// A module holding an input tensor as a parameter beside the module a part runs, so that `valueWithGradient(of:)`
/// tracks both: the backward pass then computes the input's gradient and the module's as inside the full network.
final class Probe<Part: Module>: Module {
    @Parameter var input: Tensor
    let part: Part
    init(_ input: Tensor, part: Part) {
        self.input = input
        self.part = part
    }
}

/// Forward and forward + backward seconds of `run` applied to `module` and `input`, times `count` (parts that run
/// once per layer are timed on one layer). The backward pass starts from the gradient of the output's sum; the cost
/// of that harness (a tape, the sum and its gradient, timed on a tensor of the output's shape) is subtracted.
@MainActor func measure<Part: Module>(
    _ input: Tensor, _ module: Part, count: Int = 1, _ run: @escaping (Part, Tensor) -> Tensor
) -> (Double, Double) {
    let probe = Probe(input, part: module), harness = Probe(run(module, input), part: Module())
    let forward = seconds { _ = run(module, input) }
    let both = seconds { _ = valueWithGradient(of: probe) { run($0.part, $0.input).sum() } }
    let overhead = seconds { _ = valueWithGradient(of: harness) { $0.input.sum() } }
    return (forward * Double(count), max(forward, both - overhead) * Double(count))
}

var generator = RandomGenerator(seed: 1)
@MainActor func random(_ shape: [Int], scale: Float = 1) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in (Float(generator.next() >> 40) * 0x1p-23 - 1) * scale })
}
let mel = random([batch, model.frontEnd.rowCount, crop / hop + 2 * margin], scale: 4) - 4
let conditioning = model.conditioning(mel).sliced(alongAxis: 2, range: (margin * hop)..<(margin * hop + crop))
let residual = random([batch, c.residualChannels, crop])
let gate = random([batch, c.gateChannels, crop])
let gated = random([batch, c.gateChannels / 2, crop], scale: 0.5)
let skips = random([batch, c.skipChannels, crop])
let logits = random([batch, c.classCount, crop])
let targets = (0..<(batch * crop)).map { _ in Int(generator.next() % UInt64(c.classCount)) }
let layer = model.layers[c.layerCount / 2 - 1]  // a middle dilation (64 for the shipped model)
let layers = c.layerCount

let parts: [(String, (Double, Double))] = [
    ("upsampling: 2 transposed convs + leaky ReLU", measure(mel, model) { $0.conditioning($1) }),
    ("input 1×1 conv (1 → residual)", measure(random([batch, 1, crop]), model.input) { $0($1) }),
    ("dilated causal conv k=2 (pad + conv), ×\(layers)", measure(residual, layer.dilated, count: layers) { $0($1) }),
    ("conditioning 1×1 conv + add, ×\(layers)", measure(conditioning, layer.condition, count: layers) { gate + $0($1) }),
    ("gate: tanh · σ (gatedActivation), ×\(layers)", measure(gate, Module(), count: layers) { gatedActivation($1) }),
    ("residual + skip 1×1 convs, residual add·√½, skip sum, ×\(layers)", measure(gated, layer, count: layers) { layer, a in
        ((residual + layer.residual(a)) * Float(0.5).squareRoot()).sum() + (skips + layer.skip(a)).sum()
    }),
    ("output head: ReLU, 1×1 64→64, ReLU, 1×1 → 256", measure(skips, model) { network, s in
        network.output2(relu(network.output1(relu(s * 0.25))))
    }),
    ("cross-entropy: permute [N, C, T] → [N·T, C], crossEntropy", measure(logits, Module()) { _, l in
        crossEntropy(l.permuted([0, 2, 1]).reshaped([batch * crop, c.classCount]), targets: targets)
    }),
]
let adam = try Adam(learningRate: 1e-4)
let gradients = model.stateDict()
let adamSeconds = seconds { adam.update(model, gradients: gradients) }

/// `WaveNet.train`'s wall and process CPU seconds per step on the speech samples, over steps 2 … `steps` (the first
/// step warms up).
@MainActor func trainingStep() throws -> (wall: Double, cpu: Double) {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("wavenet-training-benchmark")
    try? FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    for name in ["speech_female_us", "speech_male_scottish", "speech_male_us"] {
        let target = data.appendingPathComponent("\(name).wav")
        if !FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.copyItem(at: root.appendingPathComponent("Resources/Samples/\(name).wav"), to: target)
        }
    }
    var configuration = WaveNet.TrainingConfiguration(steps: steps, batchSize: batch, cropLength: crop)
    configuration.model = c
    var first = (wall: 0.0, cpu: 0.0), last = first
    _ = try WaveNet.train(on: data, configuration: configuration) { progress in
        last = (progress.seconds, cpuSeconds())
        if progress.step == 1 { first = last }
    }
    return ((last.wall - first.wall) / Double(steps - 1), (last.cpu - first.cpu) / Double(steps - 1))
}

/// PyTorch's median wall and CPU seconds per step.
@MainActor func torchStep() -> (wall: Double, cpu: Double) {
    let script = root.appendingPathComponent("Benchmarks/Peers/wavenet_train_torch.py")
    let numbers = (try? peerNumbers(script, [checkpoint.path, "\(batch)", "\(crop)", "\(steps)", "\(threads)"])) ?? []
    return numbers.count == 2 ? (numbers[0], numbers[1]) : (.nan, .nan)
}

var ours: [(wall: Double, cpu: Double)] = [], theirs: [(wall: Double, cpu: Double)] = []
for _ in 0..<rounds {
    ours.append(try trainingStep())
    theirs.append(torchStep())
}
let step = (median(ours.map(\.wall)), median(ours.map(\.cpu)))
let torch = (median(theirs.map(\.wall)), median(theirs.map(\.cpu)))

print("WaveNet training step: \(c.layerCount) layers, residual \(c.residualChannels), gate \(c.gateChannels), "
      + "skip \(c.skipChannels); batch \(batch) × \(crop) samples; \(threads) thread(s); medians of \(rounds) rounds\n")
print("| part | forward (CPU ms) | forward + backward (CPU ms) | share of the parts |")
print("|---|---:|---:|---:|")
let total = parts.reduce(adamSeconds) { $0 + $1.1.1 }
for (name, (forward, both)) in parts {
    print(String(format: "| %@ | %.1f | %.1f | %.0f %% |", name, forward * 1e3, both * 1e3, 100 * both / total))
}
print(String(format: "| Adam update (%d parameters) | | %.1f | %.0f %% |",
             model.trainableParameters.reduce(0) { $0 + $1.value.scalarCount }, adamSeconds * 1e3, 100 * adamSeconds / total))
print(String(format: "| sum of the parts | | %.1f | |\n", total * 1e3))
print("| whole step | wall (ms) | CPU (ms) | samples/s (wall) |")
print("|---|---:|---:|---:|")
print(String(format: "| ours, WaveNet.train | %.0f | %.0f | %.0f |", step.0 * 1e3, step.1 * 1e3, Double(batch * crop) / step.0))
print(String(format: "| PyTorch 2.11 | %.0f | %.0f | %.0f |", torch.0 * 1e3, torch.1 * 1e3, Double(batch * crop) / torch.0))
print(String(format: "\nour step takes %.2f× PyTorch's wall time, %.2f× its CPU time", step.0 / torch.0, step.1 / torch.1))
