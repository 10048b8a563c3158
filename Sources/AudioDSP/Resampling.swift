import CSampleRate

/// How a sample rate is changed: one of libsamplerate's converters (best first), or one FFT of the whole signal.
///
/// librosa's default (`res_type='soxr_hq'`) uses libsoxr instead; both are band-limited sinc resamplers, and on a
/// sine well inside the pass band they agree to about 1e-3 of full scale (see `Tests/Fixtures/audio_io/README.md`).
/// Their outputs are not sample-identical: to compare with librosa number for number, use ``fft`` (librosa's
/// `res_type='fft'`, reproduced to float rounding), or start from a file already at the target rate.
///
/// Cost: libsamplerate's sinc converters are much slower than libsoxr. Measured on 10 s of 22.05 kHz speech resampled
/// to 16 kHz (one core, `AudioIOBenchmarks`): best ≈ 220–240 ms, medium ≈ 52–74 ms, fastest ≈ 24–35 ms, fft ≈ 5 ms,
/// against ≈ 4 ms for librosa's soxr_hq. Pick ``fft`` or ``fastest`` when loading speed matters more than the last dB.
public enum ResampleQuality: String, Sendable, CaseIterable {
    /// `SRC_SINC_BEST_QUALITY`: 97 dB signal-to-noise, 97 % bandwidth. The default everywhere in AudioDSP.
    case best
    /// `SRC_SINC_MEDIUM_QUALITY`: 97 dB, 90 % bandwidth, faster.
    case medium
    /// `SRC_SINC_FASTEST`: 97 dB, 80 % bandwidth, fastest sinc.
    case fastest
    /// `SRC_ZERO_ORDER_HOLD`: repeats samples; poor quality, very fast.
    case zeroOrderHold
    /// `SRC_LINEAR`: linear interpolation; poor quality, very fast.
    case linear
    /// Not libsamplerate: an ideal low-pass by one FFT of the whole signal, as librosa `res_type='fft'`
    /// (`scipy.signal.resample`); fast, and exact for band-limited periodic signals, but the clip's two ends leak
    /// into each other (see `FFTResampling`). Any ratio.
    case fft

    /// The quality ``AudioFile/read(_:sampleRate:mono:resampleQuality:)`` uses unless told otherwise.
    public static let `default`: ResampleQuality = .best

    /// The libsamplerate converter, `nil` for ``fft``.
    var converter: Int32? {
        switch self {
        case .best: Int32(SRC_SINC_BEST_QUALITY)
        case .medium: Int32(SRC_SINC_MEDIUM_QUALITY)
        case .fastest: Int32(SRC_SINC_FASTEST)
        case .zeroOrderHold: Int32(SRC_ZERO_ORDER_HOLD)
        case .linear: Int32(SRC_LINEAR)
        case .fft: nil
        }
    }
}

extension Waveform {
    /// The waveform at another sample rate (librosa `resample(y, orig_sr, target_sr)`), converted with libsamplerate
    /// or, with ``ResampleQuality/fft``, exactly as librosa's `res_type='fft'` (see ``ResampleQuality``).
    ///
    /// The result has `ceil(frameCount · sampleRate / self.sampleRate)` samples per channel, as librosa's. Returns
    /// `self` when the rates are equal. Throws ``AudioDSPError/invalidParameter(name:value:reason:)`` for a
    /// non-positive rate or a ratio libsamplerate cannot handle (more than 256× either way; ``ResampleQuality/fft``
    /// takes any ratio whose output fits one FFTW transform, at most 2³¹ − 1 samples).
    public func resampled(to sampleRate: Int, quality: ResampleQuality = .default) throws -> Waveform {
        guard sampleRate > 0 else {
            throw AudioDSPError.invalidParameter(name: "sampleRate", value: "\(sampleRate)", reason: "must be positive")
        }
        guard self.sampleRate > 0 else {
            throw AudioDSPError.invalidParameter(
                name: "sampleRate", value: "\(self.sampleRate)", reason: "the source rate must be positive")
        }
        guard sampleRate != self.sampleRate else { return self }
        let ratio = Double(sampleRate) / Double(self.sampleRate)
        guard quality == .fft || src_is_valid_ratio(ratio) != 0 else {
            throw AudioDSPError.invalidParameter(
                name: "sampleRate", value: "\(sampleRate)",
                reason: "ratio \(ratio) to \(self.sampleRate) Hz is outside libsamplerate's 1/256…256")
        }
        let outputCount = Int((Double(sampleCount) * ratio).rounded(.up))
        guard quality != .fft || outputCount <= Int(Int32.max) else {
            throw AudioDSPError.invalidParameter(
                name: "sampleRate", value: "\(sampleRate)",
                reason: "\(outputCount) output samples exceed FFTW's transform length limit (\(Int32.max))")
        }
        guard sampleCount > 0 else {
            return Waveform(channels: channels.map { _ in [] }, sampleRate: sampleRate)
        }
        let converted = try channels.map { try Self.resample($0, ratio: ratio, outputCount: outputCount, quality: quality) }
        return Waveform(channels: converted, sampleRate: sampleRate)
    }

    /// One channel resampled by `ratio` (output rate over input rate, any positive value for ``ResampleQuality/fft``,
    /// 1/256…256 for libsamplerate) to exactly `outputCount` samples; `input` is not empty.
    static func resample(_ input: [Float], ratio: Double, outputCount: Int, quality: ResampleQuality) throws -> [Float] {
        guard let converter = quality.converter else { return FFTResampling.resample(input, to: outputCount) }
        return try convert(input, ratio: ratio, outputCount: outputCount, converter: converter)
    }

    private static func convert(_ input: [Float], ratio: Double, outputCount: Int, converter: Int32) throws
        -> [Float]
    {
        // libsamplerate's sinc converters stop up to a filter half-length short of the last output sample when the
        // input ends; room for a few extra samples keeps the tail, and the result is cut or zero-filled to length.
        var output = [Float](repeating: 0, count: outputCount + 64)
        let status = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var data = SRC_DATA(
                    data_in: inBuffer.baseAddress, data_out: outBuffer.baseAddress,
                    input_frames: inBuffer.count, output_frames: outBuffer.count,
                    input_frames_used: 0, output_frames_gen: 0, end_of_input: 1, src_ratio: ratio)
                return src_simple(&data, converter, 1)
            }
        }
        guard status == 0 else {
            throw AudioDSPError.invalidParameter(
                name: "sampleRate", value: "ratio \(ratio)", reason: String(cString: src_strerror(status)))
        }
        // Samples past `output_frames_gen` stay zero.
        return Array(output.prefix(outputCount))
    }
}
