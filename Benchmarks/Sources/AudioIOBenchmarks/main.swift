// Audio file I/O and resampling against librosa 0.11 / soundfile on the bundled 10 s speech clip (22.05 kHz mono).
//
// Each round runs our operation once and then the peer's (Peers/audio_io_librosa.py, which times only the call
// after a warm-up call), alternating, for --rounds rounds; it prints medians and the ratio peer/ours (> 1: we are
// faster) as a Markdown table. Everything is single-threaded on both sides (libsndfile, libsamplerate and soxr's
// HQ path do not use threads here; OMP/OPENBLAS threads are set to 1 for the peer anyway).
//
//   swift run -c release --package-path Benchmarks AudioIOBenchmarks [--rounds 7]
//   (PEER_PYTHON overrides the interpreter, default .peers/venv from Scripts/make-peer-venv.sh)

import AudioDSP
import Foundation
import PeerSupport

let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let clip = repository.appendingPathComponent("Resources/Samples/speech_male_us_10s.wav")
let peerScript = repository.appendingPathComponent("Benchmarks/Peers/audio_io_librosa.py")
let python = peerPython()
let rounds = CommandLine.arguments.firstIndex(of: "--rounds").flatMap { Int(CommandLine.arguments[$0 + 1]) } ?? 7

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("AudioIOBenchmarks-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let waveform = try AudioFile.read(clip)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func peerSeconds(_ operation: String) throws -> Double {
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [peerScript.path, operation, clip.path, folder.path]
    var environment = ProcessInfo.processInfo.environment
    for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"] {
        environment[name] = "1"
    }
    process.environment = environment
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let json = try JSONSerialization.jsonObject(with: data) as? [String: Double]
    guard let value = json?["seconds"] else { fatalError("peer \(operation) failed") }
    return value
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

struct Operation {
    let name: String
    let peer: String
    let ours: () throws -> Void
}

let operations: [Operation] = [
    Operation(name: "read WAV (no resampling)", peer: "load") { _ = try AudioFile.read(clip) },
] + ResampleQuality.allCases.filter { $0 != .zeroOrderHold && $0 != .linear }.map { quality in
    // Our FFT resampler against the same algorithm in librosa (res_type='fft'); the sinc converters against soxr_hq.
    let peer = quality == .fft ? "fft" : "soxr_hq"
    return Operation(name: "read + resample 22.05→16 kHz (ours: \(quality); librosa: \(peer))", peer: "load16k_\(peer)") {
        _ = try AudioFile.read(clip, sampleRate: 16_000, resampleQuality: quality)
    }
} + [
    Operation(name: "write 16-bit WAV", peer: "write_wav16") {
        try AudioFile.write(waveform, to: folder.appendingPathComponent("ours.wav"), format: .wav16)
    },
    Operation(name: "write 16-bit FLAC", peer: "write_flac") {
        try AudioFile.write(waveform, to: folder.appendingPathComponent("ours.flac"), format: .flac)
    },
]

print("clip: \(clip.lastPathComponent), \(waveform.sampleCount) samples at \(waveform.sampleRate) Hz; \(rounds) rounds")
print("| operation | ours (ms, median) | librosa/soundfile (ms, median) | ratio peer/ours |")
print("|---|---:|---:|---:|")
for operation in operations {
    try operation.ours()  // warm-up
    var ours: [Double] = [], peer: [Double] = []
    for _ in 0 ..< rounds {
        ours.append(try seconds(operation.ours))
        peer.append(try peerSeconds(operation.peer))
    }
    let (a, b) = (median(ours), median(peer))
    print(String(format: "| %@ | %.2f | %.2f | %.2f× |", operation.name, a * 1e3, b * 1e3, b / a))
}
