import Foundation

/// The analysis a vocoder's input spectrogram was made with: every parameter that changes its numbers.
///
/// A vocoder only works on spectrograms made by its own front end (a WaveNet trained on 80 Slaney mel bands of
/// log-clamped amplitudes at hop 256 produces noise from 64 HTK bands in dB). So the front end is an explicit value:
/// each ``Vocoder`` states its ``Vocoder/frontEnd``, ``analyze(_:)`` computes exactly that input from audio, the
/// resulting ``AcousticFeatures`` carry it, and ``requireMatch(_:)`` rejects any other front end with
/// ``AudioDSPError/frontEndMismatch(field:expected:actual:)`` naming the first differing ``Field``. It is the one
/// description of an analysis: vocoders, style transfer, spectrogram images (``SpectrogramImage``) and the `demo`
/// CLI all take a `FrontEnd`.
///
/// The pipeline, in librosa terms:
/// 1. `S = |librosa.stft(y, n_fft=fftSize, hop_length=hopLength, win_length=windowLength, window=window,
///    center=center, pad_mode=padMode)| ** magnitudePower`, `[1 + fftSize/2, frames]`;
/// 2. with a ``FrequencyAxis/mel(_:)`` axis, `librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm) @ S`,
///    `[melBandCount, frames]` (librosa `feature.melspectrogram(..., power=magnitudePower)`);
/// 3. the ``ValueScale`` (`power_to_db` / `amplitude_to_db`, `log1p`, `log(clamp(x, min))`, or none).
///
/// The value is `Codable` by synthesis (a checkpoint stores it beside its weights as JSON, a spectrogram image in a
/// PNG text chunk): one key per property, the window, pad mode, mel scale and normalisation by their raw names
/// (`"hann"`, `"constant"`, `"slaney"`), the enums with associated values as Swift synthesises them
/// (`{"mel": {"_0": {...}}}`, `{"logClamp": {"minimum": 1e-05}}`). Decoding validates the value like
/// ``init(sampleRate:fftSize:hopLength:windowLength:window:center:padMode:magnitudePower:frequencyAxis:valueScale:)``.
public struct FrontEnd: Sendable, Equatable, Codable {
    /// The frequency axis of the spectrogram: STFT bins, or mel bands.
    public enum FrequencyAxis: Sendable, Equatable, Codable {
        /// The `1 + fftSize/2` STFT bins (a linear-frequency spectrogram).
        case linear
        /// Mel bands from a ``AudioDSP/MelFilterbank`` applied to the STFT magnitude.
        case mel(MelBands)
    }

    /// The mel filterbank of a ``FrequencyAxis/mel(_:)`` front end (librosa `filters.mel` arguments).
    public struct MelBands: Sendable, Equatable, Codable {
        /// Number of mel bands (librosa `n_mels`), ≥ 1.
        public var count: Int
        /// Lowest filter edge in Hz (librosa `fmin`), ≥ 0.
        public var minimumFrequency: Float
        /// Highest filter edge in Hz (librosa `fmax`), above `minimumFrequency`, at most `sampleRate / 2`.
        public var maximumFrequency: Float
        /// The mel scale (librosa `htk`): Slaney (`htk=False`) or HTK.
        public var scale: MelFilterbank.Scale
        /// The filter normalisation (librosa `norm`): Slaney area normalisation or none (peak 1).
        public var normalization: MelFilterbank.Normalization

        /// Describes a mel filterbank; it is validated with the ``FrontEnd`` that uses it.
        ///
        /// - Parameters:
        ///   - count: number of bands (`n_mels`).
        ///   - minimumFrequency: lowest edge in Hz (`fmin`). Default 0.
        ///   - maximumFrequency: highest edge in Hz (`fmax`), explicit (no "Nyquist if nil").
        ///   - scale: Slaney (default, librosa's) or HTK.
        ///   - normalization: Slaney area normalisation (default, librosa's) or none.
        public init(count: Int, minimumFrequency: Float = 0, maximumFrequency: Float,
                    scale: MelFilterbank.Scale = .slaney, normalization: MelFilterbank.Normalization = .slaney) {
            self.count = count
            self.minimumFrequency = minimumFrequency
            self.maximumFrequency = maximumFrequency
            self.scale = scale
            self.normalization = normalization
        }
    }

    /// How the (mel) magnitudes are mapped to the values the vocoder reads, and undone before phase reconstruction.
    public enum ValueScale: Sendable, Equatable, Codable {
        /// The magnitudes themselves.
        case linear
        /// Decibels relative to 1 (librosa `power_to_db(S, ref=1.0, amin, top_db)` when ``FrontEnd/magnitudePower``
        /// is 2, `amplitude_to_db(S, ref=1.0, amin, top_db)` when it is 1; other powers are rejected). `amin` is in
        /// the spectrogram's own unit (librosa's defaults: 1e-10 for power, 1e-5 for amplitude); `topDB` floors the
        /// values at `max − topDB` (librosa default 80; `nil` for no floor). Values at a floor cannot be undone.
        case decibels(amin: Float, topDB: Float?)
        /// `log(1 + x)` (`np.log1p`), as the study's random-CNN front end; undone by `exp(x) − 1`.
        case log1p
        /// `log(max(x, minimum))` (HiFi-GAN's `torch.log(torch.clamp(x, min=1e-5))`); undone by `exp(x)`.
        case logClamp(minimum: Float)

        /// librosa's decibels for STFT magnitudes raised to `magnitudePower`, with its defaults (those of
        /// ``Decibels``): `power_to_db(S, ref=1.0, amin=1e-10, top_db=80)` for power 2,
        /// `amplitude_to_db(S, ref=1.0, amin=1e-5, top_db=80)` otherwise (a front end accepts decibels only for
        /// powers 1 and 2).
        public static func defaultDecibels(magnitudePower: Float) -> ValueScale {
            .decibels(amin: magnitudePower == 2 ? 1e-10 : 1e-5, topDB: 80)
        }
    }

    /// The fields of a front end, in the order ``requireMatch(_:)`` compares them (the first difference is reported).
    public enum Field: String, Sendable, CaseIterable, Codable {
        /// ``FrontEnd/sampleRate``.
        case sampleRate
        /// ``FrontEnd/fftSize`` (also reported for a linear spectrogram with the wrong number of bins).
        case fftSize
        /// ``FrontEnd/hopLength``.
        case hopLength
        /// ``FrontEnd/windowLength``.
        case windowLength
        /// ``FrontEnd/window``.
        case window
        /// ``FrontEnd/center``.
        case center
        /// ``FrontEnd/padMode``.
        case padMode
        /// ``FrontEnd/magnitudePower``.
        case magnitudePower
        /// ``FrontEnd/frequencyAxis``: `linear` or `mel`.
        case frequencyAxis
        /// ``FrontEnd/MelBands/count`` (also reported for a mel spectrogram with the wrong number of rows).
        case melBandCount
        /// ``FrontEnd/MelBands/minimumFrequency``.
        case minimumFrequency
        /// ``FrontEnd/MelBands/maximumFrequency``.
        case maximumFrequency
        /// ``FrontEnd/MelBands/scale``.
        case melScale
        /// ``FrontEnd/MelBands/normalization``.
        case melNormalization
        /// ``FrontEnd/valueScale``.
        case valueScale
    }

    /// Sample rate of the audio in Hz (librosa `sr`), > 0.
    public let sampleRate: Int
    /// FFT length in samples (librosa `n_fft`), ≥ 2.
    public let fftSize: Int
    /// Hop between frames in samples (librosa `hop_length`), `1 ... windowLength`.
    public let hopLength: Int
    /// Window length in samples (librosa `win_length`), `1 ... fftSize`.
    public let windowLength: Int
    /// The analysis window (librosa `window`).
    public let window: WindowFunction
    /// Whether frames are centred by padding `fftSize / 2` on each side (librosa `center`).
    public let center: Bool
    /// The centring pad (librosa `pad_mode`): zeros (librosa ≥ 0.9) or reflection (`torch.stft`).
    public let padMode: ShortTimeFourierTransform.PadMode
    /// The exponent applied to the STFT magnitude before the mel filters (librosa `power`): 1 for amplitude,
    /// 2 for power; > 0.
    public let magnitudePower: Float
    /// STFT bins or mel bands.
    public let frequencyAxis: FrequencyAxis
    /// The value scale.
    public let valueScale: ValueScale

    /// The number of spectrogram rows this front end produces: `melBandCount` for a mel axis, `1 + fftSize/2` for
    /// a linear one.
    public var rowCount: Int {
        switch frequencyAxis {
        case .linear: fftSize / 2 + 1
        case let .mel(bands): bands.count
        }
    }

    /// A common speech-vocoder front end (the Tacotron 2 / HiFi-GAN family's parameters): 22 050 Hz, `fftSize`
    /// 1024, hop 256, Hann window of 1024, centred with zero padding, amplitude (`magnitudePower` 1) mel with 80
    /// Slaney bands from 0 to 8000 Hz (Slaney normalisation), `log(max(x, 1e-5))` values.
    ///
    /// HiFi-GAN itself reflect-pads `(fftSize − hop)/2` and does not centre; that padding is not offered here.
    public static let `default` = FrontEnd(
        unchecked: 22_050, fftSize: 1024, hopLength: 256, windowLength: 1024, window: .hann, center: true,
        padMode: .constant, magnitudePower: 1,
        frequencyAxis: .mel(MelBands(count: 80, minimumFrequency: 0, maximumFrequency: 8000)),
        valueScale: .logClamp(minimum: 1e-5))

    /// The style-transfer presets' representation: the amplitude in dB, `20·log10(max(|STFT|, 1e-5))` floored 100 dB
    /// below the clip's maximum (librosa `amplitude_to_db(S, ref=1.0, amin=1e-5, top_db=100.0)`), 22 050 Hz,
    /// fftSize 1024, hop 256, Hann, centred with zeros (513 rows). `StyleTransferConfiguration.decibelMagnitude`
    /// explains the choice; the trained `AudioBackbone` reads it by default.
    public static let decibelMagnitude = FrontEnd(
        unchecked: 22_050, fftSize: 1024, hopLength: 256, windowLength: 1024, window: .hann, center: true,
        padMode: .constant, magnitudePower: 1, frequencyAxis: .linear, valueScale: .decibels(amin: 1e-5, topDB: 100))

    /// Makes and validates a front end.
    ///
    /// - Parameters:
    ///   - sampleRate: in Hz, > 0.
    ///   - fftSize: FFT length (`n_fft`), ≥ 2.
    ///   - hopLength: hop (`hop_length`), `1 ... windowLength`.
    ///   - windowLength: window length (`win_length`), `1 ... fftSize`; `nil` means `fftSize` (librosa's default).
    ///   - window: the window. Default Hann.
    ///   - center: centre the frames. Default `true` (librosa's).
    ///   - padMode: the centring pad. Default zeros (librosa's).
    ///   - magnitudePower: exponent of the magnitude, > 0. Default 1 (amplitude).
    ///   - frequencyAxis: STFT bins or mel bands.
    ///   - valueScale: the value mapping.
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` naming the first parameter out of range
    ///   (the STFT and mel checks are those of ``ShortTimeFourierTransform`` and ``MelFilterbank``, with their
    ///   parameter names).
    public init(sampleRate: Int, fftSize: Int, hopLength: Int, windowLength: Int? = nil, window: WindowFunction = .hann,
                center: Bool = true, padMode: ShortTimeFourierTransform.PadMode = .constant, magnitudePower: Float = 1,
                frequencyAxis: FrequencyAxis, valueScale: ValueScale) throws {
        self.init(unchecked: sampleRate, fftSize: fftSize, hopLength: hopLength, windowLength: windowLength ?? fftSize,
                  window: window, center: center, padMode: padMode, magnitudePower: magnitudePower,
                  frequencyAxis: frequencyAxis, valueScale: valueScale)
        try validate()
    }

    private init(unchecked sampleRate: Int, fftSize: Int, hopLength: Int, windowLength: Int, window: WindowFunction,
                 center: Bool, padMode: ShortTimeFourierTransform.PadMode, magnitudePower: Float,
                 frequencyAxis: FrequencyAxis, valueScale: ValueScale) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.windowLength = windowLength
        self.window = window
        self.center = center
        self.padMode = padMode
        self.magnitudePower = magnitudePower
        self.frequencyAxis = frequencyAxis
        self.valueScale = valueScale
    }

    /// This front end with another value scale (the same STFT and frequency axis).
    ///
    /// - Throws: the errors of the validating initialiser (decibels need `magnitudePower` 1 or 2).
    func withValueScale(_ valueScale: ValueScale) throws -> FrontEnd {
        try FrontEnd(sampleRate: sampleRate, fftSize: fftSize, hopLength: hopLength, windowLength: windowLength,
                     window: window, center: center, padMode: padMode, magnitudePower: magnitudePower,
                     frequencyAxis: frequencyAxis, valueScale: valueScale)
    }

    /// The value of `field` as text, as errors report it (`"n/a"` for mel fields of a linear front end).
    public func value(of field: Field) -> String {
        let bands: MelBands? = if case let .mel(bands) = frequencyAxis { bands } else { nil }
        return switch field {
        case .sampleRate: "\(sampleRate)"
        case .fftSize: "\(fftSize)"
        case .hopLength: "\(hopLength)"
        case .windowLength: "\(windowLength)"
        case .window: window.rawValue
        case .center: "\(center)"
        case .padMode: padMode.rawValue
        case .magnitudePower: "\(magnitudePower)"
        case .frequencyAxis: bands == nil ? "linear" : "mel"
        case .melBandCount: bands.map { "\($0.count)" } ?? "n/a"
        case .minimumFrequency: bands.map { "\($0.minimumFrequency)" } ?? "n/a"
        case .maximumFrequency: bands.map { "\($0.maximumFrequency)" } ?? "n/a"
        case .melScale: bands?.scale.rawValue ?? "n/a"
        case .melNormalization: bands?.normalization.rawValue ?? "n/a"
        case .valueScale: "\(valueScale)"
        }
    }

    /// Throws unless `other` equals this front end.
    ///
    /// - Throws: ``AudioDSPError/frontEndMismatch(field:expected:actual:)`` for the first ``Field`` whose
    ///   ``value(of:)`` differs, with this front end's value as `expected` and `other`'s as `actual`.
    public func requireMatch(_ other: FrontEnd) throws {
        for field in Field.allCases where value(of: field) != other.value(of: field) {
            throw AudioDSPError.frontEndMismatch(field: field, expected: value(of: field),
                                                 actual: other.value(of: field))
        }
    }

    /// The STFT of this front end (librosa `stft(n_fft=fftSize, hop_length=hopLength, win_length=windowLength,
    /// window=window, center=center, pad_mode=padMode)`).
    ///
    /// - Throws: nothing for a front end made by the validating initialiser or decoded (the same checks ran
    ///   there); ``AudioDSPError/invalidParameter(name:value:reason:)`` otherwise.
    public func makeTransform() throws -> ShortTimeFourierTransform {
        try ShortTimeFourierTransform(fftSize: fftSize, hopLength: hopLength, windowLength: windowLength,
                                      window: window, center: center, padMode: padMode)
    }

    /// The mel filterbank of this front end (librosa `filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm)`), or
    /// `nil` for a linear one; it throws as ``makeTransform()``.
    public func makeFilterbank() throws -> MelFilterbank? {
        guard case let .mel(bands) = frequencyAxis else { return nil }
        return try MelFilterbank(sampleRate: sampleRate, fftSize: fftSize, melBandCount: bands.count,
                                 minimumFrequency: bands.minimumFrequency, maximumFrequency: bands.maximumFrequency,
                                 scale: bands.scale, normalization: bands.normalization)
    }

    private func validate() throws {
        func invalid(_ name: String, _ value: Any, _ reason: String) -> AudioDSPError {
            .invalidParameter(name: name, value: "\(value)", reason: reason)
        }
        guard sampleRate > 0 else { throw invalid("sampleRate", sampleRate, "must be positive") }
        _ = try makeTransform()
        guard magnitudePower > 0, magnitudePower.isFinite else {
            throw invalid("magnitudePower", magnitudePower, "must be positive and finite")
        }
        _ = try makeFilterbank()
        switch valueScale {
        case .linear, .log1p:
            break
        case let .decibels(amin, topDB):
            guard magnitudePower == 1 || magnitudePower == 2 else {
                throw invalid("magnitudePower", magnitudePower, "decibels need amplitude (1) or power (2)")
            }
            guard amin > 0, amin.isFinite else { throw invalid("amin", amin, "must be positive and finite") }
            if let topDB, !(topDB >= 0 && topDB.isFinite) {
                throw invalid("topDB", topDB, "must be non-negative and finite, or nil")
            }
        case let .logClamp(minimum):
            guard minimum > 0, minimum.isFinite else { throw invalid("minimum", minimum, "must be positive and finite") }
        }
    }

    /// Decodes and validates a front end (the keys and the encoding are synthesised).
    ///
    /// - Throws: `DecodingError` for missing keys or unknown window / pad-mode names, and the errors of
    ///   ``init(sampleRate:fftSize:hopLength:windowLength:window:center:padMode:magnitudePower:frequencyAxis:valueScale:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(sampleRate: try container.decode(Int.self, forKey: .sampleRate),
                      fftSize: try container.decode(Int.self, forKey: .fftSize),
                      hopLength: try container.decode(Int.self, forKey: .hopLength),
                      windowLength: try container.decode(Int.self, forKey: .windowLength),
                      window: try container.decode(WindowFunction.self, forKey: .window),
                      center: try container.decode(Bool.self, forKey: .center),
                      padMode: try container.decode(ShortTimeFourierTransform.PadMode.self, forKey: .padMode),
                      magnitudePower: try container.decode(Float.self, forKey: .magnitudePower),
                      frequencyAxis: try container.decode(FrequencyAxis.self, forKey: .frequencyAxis),
                      valueScale: try container.decode(ValueScale.self, forKey: .valueScale))
    }
}
