// WaveNet generation speed: real-time factor (compute seconds per second of audio) of the fast generator
// (WaveNetGenerator) for the shipped checkpoint, at 1 and 2 threads, against the same architecture's incremental
// generation loop in PyTorch (`Peers/wavenet_torch.py`, same weights, same thread count), alternating rounds;
// prints medians and the ratio.
//
// Ours: one utterance (the first `--seconds` of Resources/Samples/speech_female_us.wav, analysed with the model's
// front end), and a batch of as many utterances as threads (throughput: compute seconds per second of all audio).
// PyTorch: `--peer-seconds` of audio per round (its loop is slow; the RTF does not depend on the length).
// Besides wall time, both sides' process CPU time is measured: on a machine shared with other work, the CPU RTF
// and the CPU-time ratio are the steadier figures.
//
//   swift run -c release --package-path Benchmarks WaveNetBenchmarks [--checkpoint path] [--rounds 3]
//       [--seconds 2] [--peer-seconds 0.25]

import AudioDSP
import Foundation
import PeerSupport
import NeuralCore
import Vocoders

var rounds = 3, seconds = 2.0, peerSeconds = 0.25
var checkpoint: URL?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
    case "--seconds": seconds = Double(arguments.next() ?? "") ?? seconds
    case "--peer-seconds": peerSeconds = Double(arguments.next() ?? "") ?? peerSeconds
    case "--checkpoint": checkpoint = arguments.next().map { URL(fileURLWithPath: $0) }
    default:
        print("unknown argument \(argument)")
        exit(2)
    }
}
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let peer = root.appendingPathComponent("Benchmarks/Peers/wavenet_torch.py")
let checkpointURL = try checkpoint ?? WaveNetVocoder.bundledCheckpointURL

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }

/// Process CPU seconds so far (all threads).
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Wall and process CPU seconds of `body`.
func time(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let (start, startCPU) = (DispatchTime.now().uptimeNanoseconds, cpuSeconds())
    try body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpuSeconds() - startCPU)
}

/// The peer's median wall and CPU seconds for `samples` samples.
func torchSeconds(samples: Int, threads: Int) -> (wall: Double, cpu: Double) {
    let numbers = (try? peerNumbers(peer, [checkpointURL.path, "\(samples)", "\(threads)", "1"])) ?? []
    return numbers.count == 2 ? (numbers[0], numbers[1]) : (.nan, .nan)
}

let model = try WaveNet(contentsOf: checkpointURL)
let generator = WaveNetGenerator(model: model)
let c = model.configuration, frontEnd = model.frontEnd
let macs = c.layerCount * (c.kernelSize * c.residualChannels * c.gateChannels + c.conditionChannels * c.gateChannels
    + c.gateChannels / 2 * (c.residualChannels + c.skipChannels)) + c.skipChannels * (c.skipChannels + c.classCount)
let clip = try AudioFile.read(root.appendingPathComponent("Resources/Samples/speech_female_us.wav"),
                              sampleRate: frontEnd.sampleRate)
let sampleCount = min(clip.sampleCount, Int(seconds * Double(frontEnd.sampleRate)))
let features = try frontEnd.analyze(Waveform(samples: Array(clip.samples[0..<sampleCount]), sampleRate: frontEnd.sampleRate))
let audioSeconds = Double(sampleCount) / Double(frontEnd.sampleRate)
let peerSamples = Int(peerSeconds * Double(frontEnd.sampleRate))

print("WaveNet generation, \(checkpointURL.lastPathComponent): \(c.layerCount) layers, residual \(c.residualChannels), "
      + "gate \(c.gateChannels), skip \(c.skipChannels), condition \(c.conditionChannels); \(macs) multiply-adds per sample")
print(String(format: "ours: %.2f s of speech per utterance; PyTorch %@: %.2f s per round; %d alternating rounds, medians\n",
             audioSeconds, "2.11 incremental loop", peerSeconds, rounds))
print("| threads | ours, 1 utterance: RTF (CPU RTF) | ours, batch of `threads`: RTF per audio second | GFLOP/s (batch) "
      + "| PyTorch loop: RTF (CPU RTF) | PyTorch / ours: wall (CPU) |")
print("|---:|---:|---:|---:|---:|---:|")
for threads in [1, 2] {
    NeuralCoreThreads.threadCount = threads
    _ = try generator.generate([features], seed: 0, threadCount: threads)  // warm-up
    var single: [(wall: Double, cpu: Double)] = [], batch: [Double] = [], torch: [(wall: Double, cpu: Double)] = []
    for round in 0..<rounds {
        single.append(try time { _ = try generator.generate([features], seed: UInt64(round), threadCount: threads) })
        let utterances = [AcousticFeatures](repeating: features, count: threads)
        batch.append(try time { _ = try generator.generate(utterances, seed: UInt64(round), threadCount: threads) }.wall)
        torch.append(torchSeconds(samples: peerSamples, threads: threads))
    }
    let ours = (median(single.map(\.wall)) / audioSeconds, median(single.map(\.cpu)) / audioSeconds)
    let theirs = (median(torch.map(\.wall)) / peerSeconds, median(torch.map(\.cpu)) / peerSeconds)
    let ourBatch = median(batch) / (audioSeconds * Double(threads))
    let gflops = 2 * Double(macs) * Double(frontEnd.sampleRate) / ourBatch / 1e9
    print(String(format: "| %d | %.3f (%.3f) | %.3f | %.1f | %.1f (%.1f) | %.0f× (%.0f×) |", threads, ours.0, ours.1, ourBatch,
                 gflops, theirs.0, theirs.1, theirs.0 / ours.0, theirs.1 / ours.1))
}
