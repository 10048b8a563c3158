// Copy-synthesis quality of the Griffin-Lim vocoder on the held-out clips of the vocoder corpus.
//
// For every WAV in <corpus>/heldout (made by Scripts/make_vocoder_corpus.py) it computes the default front end's
// features (80-band log-clamped amplitude mel, n_fft 1024, hop 256), synthesises them with GriffinLimVocoder at 32
// and 100 iterations (its defaults: phase-gradient start, iterations that match the mel), at 32 holding one fixed
// inverse mel instead (librosa's way), and, as the ceiling of phase reconstruction alone, with 32 iterations from the
// linear STFT amplitude. Each output is measured against the original with QualityMeasure (log-spectral distance,
// mel-cepstral distortion over c1…c24 of 80 mel bands, spectral convergence; n_fft 1024, hop 256, 80 dB floor) on
// 0–8 kHz (the band the front end's mel describes) and on the whole band. It prints one Markdown row per clip and
// configuration (0–8 kHz), the means for both bands, and the synthesis time as a real-time factor (seconds of
// compute per second of audio, median over clips; a quality program, not a speed benchmark).
// The WaveNet vocoder (the shipped checkpoint, or --wavenet PATH) is measured the same way at each of
// --temperatures (default 1 and 0.6; seed 0; `mean` takes the expected value instead of drawing); it generates one
// utterance at a time, so it uses one thread.
// With --judge PYTHON (the judge's venv, ../shared/eval/README.md), every output is also written to a temporary WAV
// and judged against the original by ../shared/eval/vocoder_judge.py (or --judge-script PATH): PESQ-WB, STOI and
// LSD per clip, and their means. --wavenet-only skips the Griffin-Lim rows; --stride N takes every Nth clip;
// --keep DIR also writes every output there as DIR/<row>-<clip>.wav (32-bit float), for listening or further judging;
// --split train reads <corpus>/train instead of <corpus>/heldout (to keep the train clips' Griffin-Lim outputs for
// Scripts/guide_refiner_probe.py --kept DIR).
//
//   python3 Scripts/make_vocoder_corpus.py /tmp/vocoder-corpus
//   swift run -c release --package-path Benchmarks VocoderQuality /tmp/vocoder-corpus [--threads 2] [--wavenet PATH] \
//       [--temperatures 1,0.6] [--judge ~/judge-venv/bin/python] [--judge-script ../shared/eval/vocoder_judge.py] \
//       [--wavenet-only] [--stride N] [--keep DIR] [--split heldout|train]

import AudioDSP
import NeuralCore
import Foundation
import Vocoders

var threads = ProcessInfo.processInfo.activeProcessorCount
var corpus: URL?
var wavenet: URL?
var temperatures = ["1", "0.6"]
var judge: String?
var judgeScript = "../shared/eval/vocoder_judge.py"
var wavenetOnly = false
var stride = 1
var keep: URL?
var split = "heldout"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--threads": threads = Int(arguments.next() ?? "") ?? threads
    case "--wavenet": wavenet = arguments.next().map { URL(fileURLWithPath: $0) }
    case "--temperatures": temperatures = (arguments.next() ?? "").split(separator: ",").map(String.init)
    case "--judge": judge = arguments.next()
    case "--judge-script": judgeScript = arguments.next() ?? judgeScript
    case "--wavenet-only": wavenetOnly = true
    case "--stride": stride = max(1, Int(arguments.next() ?? "") ?? 1)
    case "--keep": keep = arguments.next().map { URL(fileURLWithPath: $0, isDirectory: true) }
    case "--split": split = arguments.next() ?? split
    default: corpus = URL(fileURLWithPath: argument)
    }
}
guard let corpus else {
    print("usage: VocoderQuality <corpus folder made by Scripts/make_vocoder_corpus.py> [--threads N] [--wavenet PATH]")
    exit(2)
}
AudioDSPThreads.threadCount = threads
NeuralCoreThreads.threadCount = threads

let clipFolder = corpus.appendingPathComponent(split)
let clips = try FileManager.default.contentsOfDirectory(atPath: clipFolder.path)
    .filter { $0.hasSuffix(".wav") }.sorted().enumerated().filter { $0.offset % stride == 0 }.map(\.element)
guard !clips.isEmpty else {
    print("no .wav files in \(clipFolder.path)")
    exit(1)
}

let linear = try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: .linear, valueScale: .linear)
let wavenetURL = try wavenet ?? WaveNetVocoder.bundledCheckpointURL
let configurations: [(name: String, vocoder: any Vocoder)] = (wavenetOnly ? [] : [
    ("Griffin-Lim 32, from 80-band mel", try GriffinLimVocoder(frontEnd: .default, iterations: 32)),
    ("Griffin-Lim 100, from 80-band mel", try GriffinLimVocoder(frontEnd: .default, iterations: 100)),
    ("Griffin-Lim 32, from 80-band mel, fixed inverse mel",
     try GriffinLimVocoder(frontEnd: .default, iterations: 32, magnitudeTarget: .inverseMel)),
    ("Griffin-Lim 32, from linear STFT amplitude (no mel)", try GriffinLimVocoder(frontEnd: linear, iterations: 32)),
]) + (try temperatures.map { temperature -> (String, any Vocoder) in
    let value = Float(temperature)
    let sampler = try value.map { try WaveNetSampler(temperature: $0) } ?? WaveNetSampler(expectation: MuLaw())
    let name = value == nil ? "expected value" : "temperature \(temperature)"
    return ("WaveNet (\(wavenetURL.lastPathComponent)), \(name)",
            try WaveNetVocoder(contentsOf: wavenetURL, sampler: sampler))
})

/// PESQ-WB, STOI and LSD (dB) of `audio` against the clip `original`, from the judge's JSON line.
func judged(_ audio: Waveform, original: URL, python: String, script: String) throws -> [Double] {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("vocoder-quality-\(getpid()).wav")
    defer { try? FileManager.default.removeItem(at: output) }
    try AudioFile.write(audio, to: output)
    let process = Process(), pipe = Pipe()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, original.path, output.path]
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw CocoaError(.fileReadCorruptFile,
                         userInfo: [NSLocalizedDescriptionKey: "the judge failed on \(original.path)"])
    }
    return ["pesq_wb", "stoi", "lsd_db"].map { (json[$0] as? NSNumber)?.doubleValue ?? .nan }
}
let bands: [(name: String, measure: QualityMeasure)] = [
    ("0–8 kHz", try QualityMeasure(maximumFrequency: 8000)),
    ("whole band", try QualityMeasure()),
]

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

print("threads: \(threads), clips: \(clips.count) in \(clipFolder.path)\n")
print("| clip | vocoder | LSD (dB) | MCD (dB) | spectral convergence | RTF |")
print("|---|---|---:|---:|---:|---:|")
var reports = [[[QualityReport]]](repeating: [[QualityReport]](repeating: [], count: bands.count),
                                  count: configurations.count)
var realTimeFactors = [[Double]](repeating: [], count: configurations.count)
var judgements = [[[Double]]](repeating: [], count: configurations.count)
for clip in clips {
    let originalURL = clipFolder.appendingPathComponent(clip)
    let original = try AudioFile.read(originalURL, sampleRate: 22_050)
    for (index, configuration) in configurations.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        let audio = try configuration.vocoder.resynthesize(original)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        realTimeFactors[index].append(seconds / original.duration)
        if let keep {
            try FileManager.default.createDirectory(at: keep, withIntermediateDirectories: true)
            try AudioFile.write(audio, to: keep.appendingPathComponent("\(index)-\(clip)"), format: .wavFloat)
        }
        for (band, measure) in bands.map(\.measure).enumerated() {
            reports[index][band].append(try measure.measure(audio, reference: original))
        }
        let report = reports[index][0].last!
        var judgement = ""
        if let judge {
            judgements[index].append(try judged(audio, original: originalURL, python: judge, script: judgeScript))
            judgement = String(format: " judge: PESQ-WB %.2f, STOI %.3f, LSD %.2f dB", judgements[index].last![0],
                               judgements[index].last![1], judgements[index].last![2])
        }
        print("| \(clip) | \(configuration.name) | " + String(format: "%.2f | %.2f | %.3f | %.3f |",
              report.logSpectralDistance, report.melCepstralDistortion, report.spectralConvergence,
              seconds / original.duration) + judgement)
    }
}
print("\nMeans over \(clips.count) held-out clips (RTF: median):\n")
print("| vocoder | band | LSD (dB) | MCD (dB) | spectral convergence | RTF |")
print("|---|---|---:|---:|---:|---:|")
for (index, configuration) in configurations.enumerated() {
    for (band, name) in bands.map(\.name).enumerated() {
        let measured = reports[index][band], count = Float(measured.count)
        let mean = { (value: (QualityReport) -> Float) in measured.map(value).reduce(0, +) / count }
        print("| \(configuration.name) | \(name) | " + String(format: "%.2f | %.2f | %.3f | %.3f |",
              mean(\.logSpectralDistance), mean(\.melCepstralDistortion), mean(\.spectralConvergence),
              median(realTimeFactors[index])))
    }
}
if judge != nil {
    print("\nThe judge (\(judgeScript)), means over \(clips.count) held-out clips (PESQ-WB: also the range):\n")
    print("| vocoder | PESQ-WB | STOI | LSD (dB) |")
    print("|---|---:|---:|---:|")
    for (index, configuration) in configurations.enumerated() {
        let rows = judgements[index], count = Double(rows.count)
        let mean = { (column: Int) in rows.map { $0[column] }.reduce(0, +) / count }
        let pesq = rows.map { $0[0] }
        print("| \(configuration.name) | " + String(format: "%.2f (%.2f–%.2f) | %.3f | %.2f |", mean(0),
              pesq.min() ?? .nan, pesq.max() ?? .nan, mean(1), mean(2)))
    }
}
