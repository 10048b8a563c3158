// TransferMeasures benchmark: the time `demo transfer` spends measuring its result, on the bundled 3.4 s speech pair
// (content speech_male_us, style speech_female_us, output the processed fixture clip), all at 22 050 Hz as the
// session's output is, and once with the three clips at 44 100 Hz (each resampled to 22 050 Hz first). Prints the
// median over rounds and the one-thread / two-thread figures.
// Run: swift run -c release --package-path Benchmarks TransferMeasuresBenchmarks [rounds]
import AudioDSP
import Foundation
import StyleTransfer

let rounds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 9 : 9
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let content = try AudioFile.read(root.appendingPathComponent("Resources/Samples/speech_male_us.wav"))
let style = try AudioFile.read(root.appendingPathComponent("Resources/Samples/speech_female_us.wav"))
let output = try AudioFile.read(root.appendingPathComponent("Tests/Fixtures/transfer_measures/processed_male_us.wav"))
let upsampled = try [content, style, output].map { try $0.resampled(to: 44_100) }

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

func seconds(_ clips: [Waveform]) throws -> Double {
    let start = ContinuousClock.now
    _ = try TransferMeasures(output: clips[2], content: clips[0], style: clips[1])
    return (ContinuousClock.now - start) / .seconds(1)
}

print(String(format: "content %.2f s, style %.2f s, output %.2f s; %d rounds", content.duration, style.duration,
             output.duration, rounds))
_ = try seconds([content, style, output])  // plans, wisdom, page faults
for threads in [1, 2] {
    AudioDSPThreads.threadCount = threads
    let native = try (0..<rounds).map { _ in try seconds([content, style, output]) }
    let resampled = try (0..<rounds).map { _ in try seconds(upsampled) }
    print(String(format: "%d thread(s): 22 050 Hz clips %.1f ms (min %.1f), 44 100 Hz clips %.1f ms (min %.1f)", threads,
                 1000 * median(native), 1000 * native.min()!, 1000 * median(resampled), 1000 * resampled.min()!))
}

// Where the time goes, one thread: the AudioDSP pieces on the 22 050 Hz content clip.
AudioDSPThreads.threadCount = 1
func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let times = try (0..<rounds).map { _ in
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start) / .milliseconds(1)
    }
    return median(times)
}
let samples = content.samples
let transform = try ShortTimeFourierTransform(fftSize: 1024, hopLength: 256)
let bank = try MelFilterbank(sampleRate: 22_050, fftSize: 1024, melBandCount: 80)
let cepstrum = try MelFrequencyCepstrum(coefficientCount: 21, fftSize: 1024, hopLength: 256)
let clean = try content.resampled(to: 10_000).samples, processed = try output.resampled(to: 10_000).samples
let pieces: [(String, () throws -> Void)] = [
    ("frame RMS", { _ = try frameRootMeanSquare(samples, frameLength: 1024, hopLength: 256) }),
    ("80-band mel", { _ = try melSpectrogram(samples, stft: transform, filterbank: bank) }),
    ("MFCC (128 mels, 21)", { _ = try cepstrum(samples) }),
    ("STOI at 10 kHz", { _ = try ShortTimeObjectiveIntelligibility.score(clean: clean, processed: processed) }),
    ("resample 22 050 → 10 000 Hz, best", { _ = try content.resampled(to: 10_000, quality: .best) }),
    ("resample 22 050 → 10 000 Hz, medium", { _ = try content.resampled(to: 10_000, quality: .medium) }),
    ("resample 44 100 → 22 050 Hz, best", { _ = try upsampled[0].resampled(to: 22_050, quality: .best) }),
]
for (name, body) in pieces { print(String(format: "  %@: %.1f ms", name, try milliseconds(body))) }
