import AudioDSP
import Foundation
import ParallelRanges

/// How far a transfer's output moved toward the style and what it kept of the content, measured on the audio with
/// the formulas of the project's independent judge (`../shared/eval/judge.py`), so that results of any backbone,
/// vocoder or preset compare on one scale — and with the judge's own numbers (`Tests/Fixtures/make_transfer_measures_fixtures.py`):
/// on clips at 22 050 Hz the Gram ratio and timbre agree with the judge's to about 1e-6 and STOI to 1e-5; clips at
/// other rates go through a different resampler than the judge's and differ by up to about 6e-3 (see below).
///
/// **Analysis.** Each clip is mixed to mono and resampled to ``sampleRate`` (22 050 Hz). The judge resamples with soxr
/// HQ, this type with AudioDSP's ``AudioDSP/ResampleQuality/best`` (libsamplerate, the closest of its converters); their
/// transition bands differ near the lower Nyquist frequency, which moves the top mel bands: 5.6e-3 in the Gram ratio
/// on a 16 kHz output with noise up to 8 kHz. Frames are ``fftSize`` 1024 samples every ``hopLength`` 256, centred
/// with zero padding. A frame is *active* when its RMS level
/// (``AudioDSP/frameRootMeanSquare(_:frameLength:hopLength:center:)`` with frame length 1024, in dB as
/// `20·log10(max(r, 1e-10))`) is above the loudest frame's minus ``activeRange`` (40 dB); only active frames enter
/// the Gram matrices and the MFCC means.
///
/// **Band Gram** (style texture). `L = (max(10·log10(max(M, 1e-12)), −80) + 80) / 80`, with `M` the 80-band Slaney
/// mel power spectrogram of the clip scaled to an RMS of −20 dBFS (so `L` is 0 at the −80 dB floor and about 1 at
/// 0 dB); `G = L·Lᵀ / T` over the `T` active frames (80 × 80); the distance of two clips is the mean over the 80 rows
/// of the Euclidean norm of the rows' difference, `d(a, b) = (1/80) Σᵢ ‖G_a[i] − G_b[i]‖₂`.
///
/// **Timbre**. `m` = the mean over active frames of librosa's MFCCs c1 … c20 (``AudioDSP/MelFrequencyCepstrum`` with 21
/// coefficients, 128 mel bands, top dB 80; c0, the level, dropped).
///
/// **Intelligibility**. ``AudioDSP/ShortTimeObjectiveIntelligibility`` of the output against the content, both
/// resampled to 10 kHz from 22 050 Hz (libsamplerate's medium sinc, flat well beyond STOI's highest band), the
/// output cut or zero-padded to the content's length.
///
/// Read them together: any one alone can be gamed (broadband noise in the content's pauses moves the MFCC means but
/// moves the band Gram away from the style). A good transfer lowers ``gramRatio`` and raises ``timbreProgress`` while
/// ``stoi`` stays high (≥ 0.8 keeps the words).
public struct TransferMeasures: Sendable, Equatable {
    /// Style texture: `d(G_output, G_style) / d(G_content, G_style)` (judge `gram_ratio`). 1 = no move (the output is
    /// the content), 0 = the style's band Gram; above 1 = moved away from the style. The style voice saying the same
    /// words scores 0.15–0.45.
    public var gramRatio: Double
    /// `d(G_output, G_style)`, the numerator of ``gramRatio`` (judge `gram_dist_out_style`), ≥ 0.
    public var gramDistanceOutputToStyle: Double
    /// `d(G_content, G_style)`, the denominator of ``gramRatio`` (judge `gram_dist_content_style`), > 0.
    public var gramDistanceContentToStyle: Double
    /// `d(G_output, G_content)` (judge `gram_dist_out_content`): 0 when nothing changed.
    public var gramDistanceOutputToContent: Double

    /// Timbre: the projection of the output's mean MFCC on the content → style axis,
    /// `(m_output − m_content)·(m_style − m_content) / ‖m_style − m_content‖²` (judge `timbre_progress`).
    /// 0 = the content's timbre (do nothing), 1 = the style's; ideal ≈ 1.
    public var timbreProgress: Double
    /// `‖m_output − m_style‖ / ‖m_output − m_content‖` (judge `timbre_ratio`): below 1 = closer to the style than to
    /// the content. `+∞` when the output's mean MFCC is exactly the content's (do nothing).
    public var timbreRatio: Double
    /// `‖m_output − m_style‖` (judge `mfcc_dist_out_style`), in MFCC units (dB-scaled cepstra).
    public var timbreDistanceOutputToStyle: Double
    /// `‖m_output − m_content‖` (judge `mfcc_dist_out_content`): 0 when nothing changed.
    public var timbreDistanceOutputToContent: Double
    /// `‖m_style − m_content‖` (judge `mfcc_dist_content_style`): how far apart the two timbres are to begin with.
    public var timbreDistanceContentToStyle: Double

    /// Intelligibility of the output against the content: STOI (classic, pystoi) at 10 kHz (judge `stoi`), in
    /// [−1, 1]. 1 = the content's envelopes unchanged (do nothing); ≥ 0.8 keeps the words; unrelated audio ≈ 0.1.
    public var stoi: Double

    /// How far the output's median F0 moved toward the style's, in semitones: `(o − c) / (s − c)` of the voiced
    /// medians (judge `f0_shift_toward_style_st`): 0 = the content's pitch, 1 = the style's. `nil` when content and
    /// style differ by less than ``minimumFrequencyGap`` semitones or a clip has no voiced frame. The medians come
    /// from ``AudioDSP/PitchTracker`` (pYIN over ``frequencyRange``, frame 2048, hop 512), the judge's from Praat's
    /// autocorrelation pitch over the same range, so the two agree to a few hundredths on clean voices, not exactly.
    /// Also `nil` when measured without pitch (`measuresPitch: false`).
    public var f0ShiftTowardStyle: Double?
    /// The median F0 over the content's voiced frames, in Hz (`nil` without one).
    public var contentMedianFrequency: Double?
    /// The median F0 over the style's voiced frames, in Hz (`nil` without one).
    public var styleMedianFrequency: Double?
    /// The median F0 over the output's voiced frames, in Hz (`nil` without one).
    public var outputMedianFrequency: Double?

    /// The analysis rate in Hz, 22 050 (the judge's `SR`).
    public static let sampleRate = 22_050
    /// FFT length in samples, 1024 (the judge's `N_FFT`).
    public static let fftSize = 1024
    /// Hop in samples, 256 (the judge's `HOP`).
    public static let hopLength = 256
    /// Mel bands of the band Gram, 80 (the judge's `N_MELS`).
    public static let gramMelBandCount = 80
    /// A frame is active when its RMS is within this many dB of the loudest frame's, 40 (the judge's `ACTIVE_DB`).
    public static let activeRange: Float = 40
    /// A clip whose peak is below this (full scale 1; −80 dBFS) is silent and cannot be measured (the judge's test).
    public static let silenceThreshold: Float = 1e-4
    /// The F0 range of ``f0ShiftTowardStyle``, in Hz: 60–1000 (the judge's `PITCH_FLOOR`, `PITCH_CEIL`).
    public static let frequencyRange: ClosedRange<Double> = 60...1000
    /// The smallest content–style F0 difference, in semitones, for which ``f0ShiftTowardStyle`` is defined: 1 (the
    /// judge's `MIN_F0_GAP_ST`).
    public static let minimumFrequencyGap: Double = 1

    /// Measures `output` against `content` and `style`. Any sample rates and channel counts; the three may differ in
    /// length (STOI compares the output's first `content.duration` seconds, zero-padded if shorter). With
    /// `measuresPitch` false the median frequencies and ``f0ShiftTowardStyle`` are left `nil` (pYIN is most of the
    /// cost of a debug build's measurement).
    ///
    /// Cost (release build, 2 cores, `Benchmarks/Sources/TransferMeasuresBenchmarks`): 50–85 ms for three
    /// 3.4 s clips at 22 050 Hz, 0.36–0.56 s when all three come at 44 100 Hz; resampling is nearly all of it (the
    /// analyses take about 10 ms). The three clips are analysed concurrently on up to
    /// ``AudioDSP/AudioDSPThreads/threadCount`` threads.
    ///
    /// - Throws: ``StyleTransferError/unmeasurable(clip:problem:)`` for an empty, non-finite or silent clip, a style
    ///   that cannot be told from the content, or content with too little sound for STOI;
    ///   AudioDSP's ``AudioDSP/AudioDSPError/invalidParameter(name:value:reason:)`` for a sample rate it cannot
    ///   resample.
    public init(output: Waveform, content: Waveform, style: Waveform, measuresPitch: Bool = true) throws {
        let analyzer = try ClipAnalyzer()
        let clips = [("content", content), ("style", style), ("output", output)]
        let analyses = try Self.concurrentMap(clips.count) { index in
            let (name, waveform) = clips[index]
            return try analyzer.analysis(of: Self.prepared(waveform, name: name), forIntelligibility: name != "style",
                                         measuresPitch: measuresPitch)
        }
        let (c, s, o) = (analyses[0], analyses[1], analyses[2])
        (contentMedianFrequency, styleMedianFrequency, outputMedianFrequency) = (c.medianFrequency, s.medianFrequency, o.medianFrequency)
        f0ShiftTowardStyle = Self.shiftTowardStyle(c.medianFrequency, s.medianFrequency, o.medianFrequency)

        gramDistanceOutputToStyle = Self.gramDistance(o.gram, s.gram)
        gramDistanceContentToStyle = Self.gramDistance(c.gram, s.gram)
        gramDistanceOutputToContent = Self.gramDistance(o.gram, c.gram)
        let axis = zip(s.timbre, c.timbre).map { $0 - $1 }
        let axisSquared = axis.reduce(0) { $0 + $1 * $1 }
        guard gramDistanceContentToStyle > 0, axisSquared > 0 else {
            throw StyleTransferError.unmeasurable(clip: "style", problem: .indistinguishableFromContent)
        }
        gramRatio = gramDistanceOutputToStyle / gramDistanceContentToStyle
        timbreDistanceOutputToStyle = Self.distance(o.timbre, s.timbre)
        timbreDistanceOutputToContent = Self.distance(o.timbre, c.timbre)
        timbreDistanceContentToStyle = axisSquared.squareRoot()
        timbreRatio = timbreDistanceOutputToContent > 0
            ? timbreDistanceOutputToStyle / timbreDistanceOutputToContent : .infinity
        timbreProgress = zip(zip(o.timbre, c.timbre), axis).reduce(0) { $0 + ($1.0.0 - $1.0.1) * $1.1 } / axisSquared

        // The output cut or zero-padded to the content's length (the judge's `fix_length`).
        let clean = c.intelligibilitySamples
        var processed = o.intelligibilitySamples
        processed = processed.count >= clean.count
            ? Array(processed.prefix(clean.count)) : processed + [Float](repeating: 0, count: clean.count - processed.count)
        do {
            stoi = try ShortTimeObjectiveIntelligibility.score(clean: clean, processed: processed)
        } catch let AudioDSPError.tooShort(_, frames, minimumFrames) {
            throw StyleTransferError.unmeasurable(
                clip: "content", problem: .tooShortForIntelligibility(frames: frames, minimumFrames: minimumFrames))
        }
    }

    /// `(o − c) / (s − c)` in semitones, or `nil` (the judge's `shift_ratio(..., log=True)`).
    private static func shiftTowardStyle(_ content: Double?, _ style: Double?, _ output: Double?) -> Double? {
        guard let content, let style, let output, content > 0, style > 0, output > 0 else { return nil }
        let (c, s, o) = (12 * log2(content), 12 * log2(style), 12 * log2(output))
        guard abs(s - c) >= minimumFrequencyGap else { return nil }
        return (o - c) / (s - c)
    }

    /// The clip as mono at ``sampleRate``, after the checks that make every measure defined.
    private static func prepared(_ waveform: Waveform, name: String) throws -> Waveform {
        guard waveform.sampleCount > 0 else { throw StyleTransferError.unmeasurable(clip: name, problem: .empty) }
        guard waveform.channels.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw StyleTransferError.unmeasurable(clip: name, problem: .nonFinite)
        }
        let mono = waveform.downmixed()
        let peak = mono.samples.reduce(Float(0)) { max($0, abs($1)) }  // of the mix, as the judge reads it
        guard peak >= silenceThreshold else {
            throw StyleTransferError.unmeasurable(clip: name, problem: .silent(peak: peak))
        }
        return try mono.resampled(to: sampleRate)
    }

    /// `body(0) … body(count − 1)` in order, run on up to ``AudioDSP/AudioDSPThreads/threadCount`` threads (each
    /// clip's resampling, the slowest part, is single-threaded in libsamplerate).
    private static func concurrentMap<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        var results = [Result<T, any Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots  // each index is claimed once, so each slot is written by one thread
            forEachClaimedIndex(count, threads: AudioDSPThreads.threadCount, makeState: {}) { _, index in
                slots[index] = Result { try body(index) }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// `(1/rows) Σᵢ ‖a[i] − b[i]‖₂` of two square matrices stored row-major.
    private static func gramDistance(_ a: [Double], _ b: [Double]) -> Double {
        let n = gramMelBandCount
        var total: Double = 0
        for row in 0..<n {
            var squares: Double = 0
            for column in 0..<n {
                let difference = a[row * n + column] - b[row * n + column]
                squares += difference * difference
            }
            total += squares.squareRoot()
        }
        return total / Double(n)
    }

    private static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}

/// One clip's band Gram matrix and mean MFCC over its active frames (see ``TransferMeasures``).
private struct ClipAnalysis {
    /// `G = L·Lᵀ / T`, `[80, 80]` row-major.
    let gram: [Double]
    /// Mean of c1 … c20 over the active frames.
    let timbre: [Double]
    /// The clip at ``AudioDSP/ShortTimeObjectiveIntelligibility/sampleRate`` (10 kHz) for STOI, or `[]` if not asked.
    let intelligibilitySamples: [Float]
    /// The median F0 over voiced frames, in Hz, or `nil` without one.
    let medianFrequency: Double?
}

/// The analyses of ``TransferMeasures``, made once per measurement (the FFT plans are cached by AudioDSP).
private struct ClipAnalyzer {
    let transform: ShortTimeFourierTransform
    let gramFilterbank: MelFilterbank
    let cepstrum: MelFrequencyCepstrum
    let pitchTracker: PitchTracker

    init() throws {
        transform = try ShortTimeFourierTransform(fftSize: TransferMeasures.fftSize, hopLength: TransferMeasures.hopLength)
        gramFilterbank = try MelFilterbank(sampleRate: TransferMeasures.sampleRate, fftSize: TransferMeasures.fftSize,
                                           melBandCount: TransferMeasures.gramMelBandCount)
        cepstrum = try MelFrequencyCepstrum(sampleRate: TransferMeasures.sampleRate, coefficientCount: 21,
                                            fftSize: TransferMeasures.fftSize, hopLength: TransferMeasures.hopLength)
        pitchTracker = try PitchTracker(minimumFrequency: TransferMeasures.frequencyRange.lowerBound,
                                        maximumFrequency: TransferMeasures.frequencyRange.upperBound,
                                        sampleRate: TransferMeasures.sampleRate)
    }

    /// The band Gram and mean MFCC of a mono clip at ``TransferMeasures/sampleRate``, and the clip at 10 kHz for
    /// STOI if `forIntelligibility`.
    ///
    /// The 10 kHz copy uses libsamplerate's medium sinc (flat to 90 % of the 5 kHz Nyquist frequency, well above
    /// STOI's highest band, which ends at 4.3 kHz): a fifth of the best converter's time (24 ms against 115 ms for
    /// 3.4 s), and STOI within 1e-4 of it on the fixture triples.
    func analysis(of waveform: Waveform, forIntelligibility: Bool, measuresPitch: Bool) throws -> ClipAnalysis {
        let samples = waveform.samples
        let active = try Self.activeFrames(samples)

        // Band Gram of the log-mel of the clip at −20 dBFS RMS.
        let meanSquare = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
        let gain = Float(0.1 / meanSquare.squareRoot())
        let mel = try melSpectrogram(samples.map { $0 * gain }, stft: transform, filterbank: gramFilterbank)
        let decibels = Decibels.powerToDecibels(mel, reference: .value(1), amin: 1e-12, topDB: nil)
        let bands = mel.rowCount, frames = min(mel.frameCount, active.count)
        let columns = (0..<frames).filter { active[$0] }
        var levels = [Double](repeating: 0, count: bands * columns.count)  // L, [bands, active frames]
        for band in 0..<bands {
            for (index, frame) in columns.enumerated() {
                levels[band * columns.count + index] = (Double(max(decibels[row: band, frame: frame], -80)) + 80) / 80
            }
        }
        var gram = [Double](repeating: 0, count: bands * bands)
        let count = columns.count
        levels.withUnsafeBufferPointer { l in
            for i in 0..<bands {
                for j in i..<bands {
                    var sum: Double = 0
                    for t in 0..<count { sum += l[i * count + t] * l[j * count + t] }
                    gram[i * bands + j] = sum / Double(count)
                    gram[j * bands + i] = sum / Double(count)
                }
            }
        }

        // Mean MFCC c1 … c20 over the active frames.
        let coefficients = try cepstrum(samples)
        let mfccFrames = (0..<min(coefficients.frameCount, active.count)).filter { active[$0] }
        let timbre = (1..<coefficients.rowCount).map { row in
            mfccFrames.reduce(0.0) { $0 + Double(coefficients[row: row, frame: $1]) } / Double(mfccFrames.count)
        }
        let intelligibility = forIntelligibility
            ? try waveform.resampled(to: ShortTimeObjectiveIntelligibility.sampleRate, quality: .medium).samples : []
        return ClipAnalysis(gram: gram, timbre: timbre, intelligibilitySamples: intelligibility,
                            medianFrequency: measuresPitch ? try pitchTracker(samples).medianVoicedFrequency.map(Double.init) : nil)
    }

    /// Frames whose RMS level in dB is above the loudest frame's minus ``TransferMeasures/activeRange`` (the judge's
    /// `active_frames`; its dB are `20·log10(max(r, 1e-10))` in single precision, as librosa's RMS).
    private static func activeFrames(_ samples: [Float]) throws -> [Bool] {
        let levels = try frameRootMeanSquare(samples, frameLength: TransferMeasures.fftSize,
                                             hopLength: TransferMeasures.hopLength)
            .map { 20 * log10f(max($0, 1e-10)) }
        let threshold = (levels.max() ?? 0) - TransferMeasures.activeRange
        return levels.map { $0 > threshold }
    }
}
