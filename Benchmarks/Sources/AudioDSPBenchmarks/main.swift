// AudioDSP against librosa 0.11 (and torchaudio's GriffinLim) on the bundled 10 s speech clip.
//
// For each thread count (1, then 2) it starts Peers/audiodsp_librosa.py with OMP/OPENBLAS/MKL_NUM_THREADS set to
// that count, sets AudioDSPThreads.threadCount, and then alternates, operation by operation, for --rounds rounds
// (after one warm-up round each): a block of B timed calls of ours back to back, then a block of B of the peer's.
// Each B of --blocks gives its own rows: B = 1 is a single call after the other side ran (cold: caches and idle
// worker threads as the peer left them); B = 5 is timeit-style repetition, each side warm from its own last call.
// At more than one thread, each block of ours starts 150 ms after the peer's (see settleMicroseconds).
// It prints the medians over all calls, the ratio peer/ours (> 1 means we are faster) and accuracy figures as a
// Markdown table. The last row is the whole mel → audio job: ours is GriffinLim.reconstruct(mel:) (iterations that
// match the mel, from the phase-gradient estimate), librosa's is feature.inverse.mel_to_audio (mel_to_stft, then
// griffinlim); both report the output's mel residual ‖mel(y) − M‖ / ‖M‖. A second section times pYIN (PitchTracker against librosa.pyin, fmin 65 Hz, fmax 2093 Hz, librosa's
// other defaults) the same way in single alternating calls, --pyin-rounds of them after a warm-up call each (librosa's
// first pyin call compiles its numba kernels).
//
//   swift run -c release --package-path Benchmarks AudioDSPBenchmarks [--rounds 7] [--threads 1,2] [--blocks 1,5]
//       [--pyin-rounds 5] [--sections table,pyin]
//   (PEER_PYTHON overrides the interpreter, default .peers/venv from Scripts/make-peer-venv.sh)

import AudioDSP
import Foundation
import PeerSupport

let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let clipURL = repository.appendingPathComponent("Resources/Samples/speech_male_us_10s.wav")
let peerScript = repository.appendingPathComponent("Benchmarks/Peers/audiodsp_librosa.py")
let python = peerPython()

var rounds = 7
var threadCounts = [1, 2]
var blocks = [1, 5]
var pyinRounds = 5
var sections = ["table", "pyin"]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--rounds": rounds = Int(arguments.next() ?? "") ?? rounds
    case "--threads": threadCounts = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--blocks": blocks = (arguments.next() ?? "").split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
    case "--pyin-rounds": pyinRounds = max(1, Int(arguments.next() ?? "") ?? pyinRounds)
    case "--sections": sections = (arguments.next() ?? "").split(separator: ",").map(String.init)
    default: fatalError("unknown argument \(argument)")
    }
}

let sampleRate = 22_050, fftSize = 1024, hopLength = 256, melBands = 80, iterations = 32, loadRate = 16_000
let pyinMinimumFrequency = 65.0, pyinMaximumFrequency = 2093.0
/// The pause before each block of ours at more than one thread: after a product, the peer's OpenBLAS threads keep
/// spinning for about 0.1 s (OpenBLAS's default THREAD_TIMEOUT, 2²⁸ cycles), and would compete with our threads for
/// the two cores. (Ours poll for only 0.1 ms, so the peer's calls need no such pause.)
let settleMicroseconds: UInt32 = 150_000
/// Random starts over which Griffin-Lim's spectral convergence is compared (its seed-to-seed spread is ±0.003).
let convergenceSeeds = 50

/// The peer process: one command per line in, one JSON line out.
final class Peer {
    let process = Process()
    let input = Pipe(), output = Pipe()
    var buffer = Data()

    init(threads: Int, dump: URL) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [peerScript.path, clipURL.path, "--threads", "\(threads)", "--sr", "\(sampleRate)",
                             "--n-fft", "\(fftSize)", "--hop", "\(hopLength)", "--mels", "\(melBands)",
                             "--iterations", "\(iterations)", "--load-sr", "\(loadRate)", "--dump", dump.path,
                             "--seeds", "\(convergenceSeeds)", "--pyin-fmin", "\(pyinMinimumFrequency)",
                             "--pyin-fmax", "\(pyinMaximumFrequency)"]
        var environment = ProcessInfo.processInfo.environment
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"] {
            environment[name] = "\(threads)"
        }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        print("peer:", try readLine())
    }

    func readLine() throws -> [String: Any] {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return try JSONSerialization.jsonObject(with: line) as! [String: Any]
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { fatalError("the peer exited") }
            buffer.append(chunk)
        }
    }

    func run(_ command: String) throws -> [String: Any] {
        input.fileHandleForWriting.write(Data("\(command)\n".utf8))
        return try readLine()
    }

    func quit() {
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        process.waitUntilExit()
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func norm(_ values: [Float]) -> Double { values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

// Inputs shared by every round.
let samples = try AudioFile.read(clipURL, sampleRate: sampleRate).samples
let stft = try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength)
let bank = try MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, melBandCount: melBands)
let magnitude = try stft.magnitude(samples)
let melPower = try melSpectrogram(samples, stft: stft, filterbank: bank)
let truePower = magnitude.values.map { $0 * $0 }
print("clip: \(clipURL.lastPathComponent), \(samples.count) samples at \(sampleRate) Hz; n_fft \(fftSize), hop \(hopLength), "
      + "\(melBands) mels, Griffin-Lim \(iterations) iterations; load+resample to \(loadRate) Hz")

/// One operation: ours (timed), an untimed accuracy note on our last result, and the peer command it is compared with.
struct Operation {
    let name: String
    let peerCommand: String
    let ours: () throws -> Void
    var note: () throws -> String = { "" }
}

var lastInverse = Spectrogram(values: [], rowCount: 0, frameCount: 0)
var lastGriffinLim: [Float] = []
var reused = ComplexSpectrogram(real: [], imag: [], binCount: 0, frameCount: 0)
let griffinLimNote: () throws -> String = {
    let convergence = GriffinLim.spectralConvergence(try stft.magnitude(lastGriffinLim), reference: magnitude)
    return String(format: "ours: spectral convergence %.4f (seed 0)", convergence)
}
let operations = [
    Operation(name: "load + resample 22.05→16 kHz", peerCommand: "load",
              ours: { _ = try AudioFile.read(clipURL, sampleRate: loadRate) },
              note: { "ours: libsamplerate sinc best; librosa: soxr_hq" }),
    Operation(name: "STFT (complex, bin-major arrays)", peerCommand: "stft", ours: { _ = try stft.forward(samples) }),
    Operation(name: "STFT (complex, bin-major, into reused arrays)", peerCommand: "stft",
              ours: { try stft.forward(samples, into: &reused) }, note: { "ours: forward(_:into:)" }),
    Operation(name: "mel spectrogram (power 2)", peerCommand: "mel",
              ours: { _ = try melSpectrogram(samples, stft: stft, filterbank: bank) }),
    Operation(name: "inverse mel (NNLS)", peerCommand: "inverse_mel", ours: { lastInverse = try bank.inverse(melPower) }) {
        let residual = norm(zip(bank.apply(lastInverse).values, melPower.values).map { $0 - $1 }) / norm(melPower.values)
        let error = norm(zip(lastInverse.values, truePower).map { $0 - $1 }) / norm(truePower)
        return String(format: "ours: mel residual %.4f, error vs true power %.3f", residual, error)
    },
    Operation(name: "Griffin-Lim 32 iterations", peerCommand: "griffinlim", ours: {
        lastGriffinLim = try GriffinLim(stft: stft, iterations: iterations).reconstruct(magnitude: magnitude, sampleCount: samples.count)
    }, note: griffinLimNote),
    Operation(name: "Griffin-Lim 32 iterations vs torchaudio", peerCommand: "torch_griffinlim", ours: {
        lastGriffinLim = try GriffinLim(stft: stft, iterations: iterations).reconstruct(magnitude: magnitude, sampleCount: samples.count)
    }, note: griffinLimNote),
    Operation(name: "power mel → audio, Griffin-Lim 32 iterations", peerCommand: "mel_to_audio", ours: {
        lastGriffinLim = try GriffinLim(stft: stft, iterations: iterations, initialPhase: .phaseGradient())
            .reconstruct(mel: melPower, filterbank: bank, power: 2, sampleCount: samples.count)
    }) {
        let rebuilt = try melSpectrogram(lastGriffinLim, stft: stft, filterbank: bank)
        let residual = norm(zip(rebuilt.values, melPower.values).map { $0 - $1 }) / norm(melPower.values)
        return String(format: "ours (iterations that match the mel, phase-gradient start): mel residual %.4f", residual)
    },
]

let dump = FileManager.default.temporaryDirectory.appendingPathComponent("audiodsp-bench-\(ProcessInfo.processInfo.processIdentifier)")
try FileManager.default.createDirectory(at: dump, withIntermediateDirectories: true)

var convergence: [String] = []
var table = ["| operation | threads | calls per block | ours (ms) | peer (ms) | peer / ours | accuracy |",
             "|---|---|---|---|---|---|---|"]
for threads in sections.contains("table") ? threadCounts : [] {
    AudioDSPThreads.threadCount = threads
    let peer = try Peer(threads: threads, dump: dump)
    for block in blocks {
        for operation in operations {
            var ourTimes: [Double] = [], peerTimes: [Double] = []
            var ourNote = "", peerNote = ""
            for round in 0...rounds {
                if threads > 1 { usleep(settleMicroseconds) }  // let the peer's spinning BLAS threads go idle
                let ours = try (0..<block).map { _ in try seconds(operation.ours) }
                let reply = try peer.run("\(operation.peerCommand) \(block)")
                if reply["skipped"] != nil { peerNote = "skipped: \(reply["skipped"]!)"; break }
                if round > 0 {  // round 0 warms up both sides
                    ourTimes += ours
                    peerTimes += reply["seconds"] as! [Double]
                }
                let extras = reply.filter { !["command", "seconds"].contains($0.key) }.sorted { $0.key < $1.key }
                peerNote = extras.map { "\($0.key) \($0.value is Double ? String(format: "%.4f", $0.value as! Double) : "\($0.value)")" }
                    .joined(separator: ", ")
            }
            ourNote = try operation.note()
            if operation.peerCommand == "inverse_mel",
               let librosa = try? NPY.read(dump.appendingPathComponent("librosa_inverse_mel.npy")).values {
                let scale = Double(librosa.max() ?? 1)
                let difference = zip(lastInverse.values, librosa).map { Double(abs($0 - $1)) }.max() ?? 0
                ourNote += String(format: "; max |ours − librosa| / max = %.3f", difference / scale)
            }
            guard !ourTimes.isEmpty else {
                table.append("| \(operation.name) | \(threads) | \(block) | – | – | – | \(peerNote) |")
                continue
            }
            let ourMedian = median(ourTimes) * 1000, peerMedian = median(peerTimes) * 1000
            let row = String(format: "| %@ | %d | %d | %.2f | %.2f | %.1f× | %@; peer: %@ |", operation.name, threads, block,
                             ourMedian, peerMedian, peerMedian / ourMedian, ourNote, peerNote)
            print(row)
            table.append(row)
        }
    }
    if threads == threadCounts.first {
        // Spectral convergence does not depend on timing: compare it once, over many random starts each.
        let reply = try peer.run("convergence_seeds")
        let ours = try (0..<convergenceSeeds).map { seed -> Double in
            let audio = try GriffinLim(stft: stft, iterations: iterations, initialPhase: .random(seed: UInt64(seed)))
                .reconstruct(magnitude: magnitude, sampleCount: samples.count)
            return Double(GriffinLim.spectralConvergence(try stft.magnitude(audio), reference: magnitude))
        }
        func summary(_ values: [Double]) -> String {
            guard values.count > 1 else { return "–" }
            let mean = values.reduce(0, +) / Double(values.count)
            let spread = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
            return String(format: "mean %.4f ± %.4f (standard error), sd %.4f, median %.4f", mean,
                          spread / Double(values.count).squareRoot(), spread, median(values))
        }
        convergence = ["", "Griffin-Lim \(iterations) iterations, spectral convergence over random seeds 0–\(convergenceSeeds - 1):",
                       "- ours: " + summary(ours),
                       "- librosa: " + summary(reply["librosa"] as? [Double] ?? []),
                       "- torchaudio: " + summary(reply["torchaudio"] as? [Double] ?? [])]
    }
    peer.quit()
}
if sections.contains("table") {
    print("\nmedians over \(rounds) alternating rounds of blocks of \(blocks) calls\n" + (table + convergence).joined(separator: "\n"))
}

// pYIN: one call of ours, then one of librosa's, per round.
let tracker = try PitchTracker(minimumFrequency: pyinMinimumFrequency, maximumFrequency: pyinMaximumFrequency,
                               sampleRate: sampleRate)
var pyinTable = ["| pYIN, \(samples.count) samples | threads | ours (ms) | librosa (ms) | librosa / ours | voiced frames |",
                 "|---|---|---|---|---|---|"]
for threads in sections.contains("pyin") ? threadCounts : [] {
    AudioDSPThreads.threadCount = threads
    let peer = try Peer(threads: threads, dump: dump)
    var ourTimes: [Double] = [], peerTimes: [Double] = []
    var track = try tracker(samples)
    var peerVoiced = ""
    for round in 0...pyinRounds {
        if threads > 1 { usleep(settleMicroseconds) }
        let ours = try seconds { track = try tracker(samples) }
        let reply = try peer.run("pyin")
        peerVoiced = "\(reply["voiced_frames"] ?? "?") of \(reply["frames"] ?? "?")"
        if round > 0 {  // round 0 warms up both sides (and compiles librosa's numba kernels)
            ourTimes.append(ours)
            peerTimes += reply["seconds"] as! [Double]
        }
    }
    peer.quit()
    let ourMedian = median(ourTimes) * 1000, peerMedian = median(peerTimes) * 1000
    let row = String(format: "| fmin %.0f Hz, fmax %.0f Hz, frame 2048, hop 512 | %d | %.2f | %.1f | %.1f× | ours %d of %d, librosa %@ |",
                     pyinMinimumFrequency, pyinMaximumFrequency, threads, ourMedian, peerMedian, peerMedian / ourMedian,
                     track.voicedFlags.filter { $0 }.count, track.frameCount, peerVoiced)
    print(row)
    pyinTable.append(row)
}
try? FileManager.default.removeItem(at: dump)
if sections.contains("pyin") {
    print("\nmedians over \(pyinRounds) alternating single calls\n" + pyinTable.joined(separator: "\n"))
}
