import Foundation

/// The analysis that produced a spectrogram image: stored in the PNG's tEXt chunks so that reading the image back
/// says what the spectrogram is (and how to turn it back into audio).
///
/// The image holds decibels relative to 1.0 (librosa `power_to_db(S, ref=1.0)` for `power` 2,
/// `amplitude_to_db(S, ref=1.0)` for `power` 1), so absolute levels survive the round trip.
public struct SpectrogramImageParameters: Sendable, Equatable {
    /// The frequency axis (image rows).
    public enum FrequencyScale: Sendable, Equatable {
        /// STFT bins, `1 + fftSize/2` rows.
        case linear
        /// Mel bands between two frequencies in Hz, as ``MelFilterbank`` makes them (librosa `filters.mel(n_mels,
        /// fmin, fmax, htk, norm)`).
        case mel(
            bandCount: Int, minimumFrequency: Float, maximumFrequency: Float, scale: MelFilterbank.Scale,
            normalization: MelFilterbank.Normalization)
    }

    /// Samples per second of the analysed audio, in Hz (librosa `sr`).
    public var sampleRate: Int
    /// FFT length in samples (librosa `n_fft`).
    public var fftSize: Int
    /// Samples between frames (librosa `hop_length`).
    public var hopLength: Int
    /// Linear STFT bins or mel bands.
    public var frequencyScale: FrequencyScale
    /// The exponent applied to the STFT magnitude before the dB conversion: 1 (amplitude) or 2 (power).
    public var power: Float

    /// Describes an analysis; nothing is checked until an image is written or read.
    public init(sampleRate: Int, fftSize: Int, hopLength: Int, frequencyScale: FrequencyScale, power: Float) {
        self.sampleRate = sampleRate
        self.fftSize = fftSize
        self.hopLength = hopLength
        self.frequencyScale = frequencyScale
        self.power = power
    }

    /// The parameters of a mel spectrogram made with `filterbank` and frames `hopLength` apart, from STFT magnitudes
    /// raised to `power`.
    public init(filterbank: MelFilterbank, hopLength: Int, power: Float) {
        self.init(
            sampleRate: filterbank.sampleRate, fftSize: filterbank.fftSize, hopLength: hopLength,
            frequencyScale: .mel(
                bandCount: filterbank.melBandCount, minimumFrequency: filterbank.minimumFrequency,
                maximumFrequency: filterbank.maximumFrequency, scale: filterbank.scale,
                normalization: filterbank.normalization),
            power: power)
    }

    /// The filterbank of a mel spectrogram (nil for linear bins), to invert it with ``MelFilterbank/inverse(_:iterations:)``.
    public func melFilterbank() throws -> MelFilterbank? {
        guard case .mel(let bandCount, let low, let high, let scale, let normalization) = frequencyScale else {
            return nil
        }
        return try MelFilterbank(
            sampleRate: sampleRate, fftSize: fftSize, melBandCount: bandCount,
            minimumFrequency: low, maximumFrequency: high, scale: scale,
            normalization: normalization)
    }

    /// The analysis the `demo` CLI uses unless told otherwise: 22 050 Hz, `fftSize` 1024, `hopLength` 256, 80 Slaney
    /// mel bands from 0 Hz to Nyquist, power 2 (librosa `melspectrogram(sr=22050, n_fft=1024, hop_length=256,
    /// n_mels=80)`; the vocoder front end of the study, apart from HiFi-GAN's fmax 8000).
    public static let standard = SpectrogramImageParameters(
        sampleRate: AudioFile.defaultSampleRate, fftSize: 1024, hopLength: 256,
        frequencyScale: .mel(
            bandCount: 80, minimumFrequency: 0, maximumFrequency: Float(AudioFile.defaultSampleRate) / 2,
            scale: .slaney, normalization: .slaney),
        power: 2)

    /// The number of image rows these parameters imply: `1 + fftSize/2` or the mel band count.
    public var binCount: Int {
        switch frequencyScale {
        case .linear: 1 + fftSize / 2
        case .mel(let bandCount, _, _, _, _): bandCount
        }
    }

    func validate(what: String) throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ reason: String) throws {
            guard ok else {
                throw AudioDSPError.invalidParameter(name: name, value: "\(value)", reason: "\(reason) (\(what))")
            }
        }
        try check(sampleRate > 0, "sampleRate", sampleRate, "must be positive")
        try check(fftSize >= 2, "fftSize", fftSize, "must be at least 2")
        try check(hopLength > 0, "hopLength", hopLength, "must be positive")
        try check(power == 1 || power == 2, "power", power, "must be 1 (amplitude) or 2 (power)")
        if case .mel(let bandCount, let low, let high, _, _) = frequencyScale {
            try check(bandCount > 0, "melBandCount", bandCount, "must be positive")
            try check(low >= 0 && low < high, "minimumFrequency", low, "must be in [0, maximumFrequency)")
            try check(
                high <= Float(sampleRate) / 2, "maximumFrequency", high, "must not exceed Nyquist \(sampleRate / 2) Hz")
        }
    }
}

/// What ``SpectrogramImage/read(_:)`` returns.
public struct DecodedSpectrogramImage: Sendable, Equatable {
    /// The spectrogram in dB, `[bins, frames]` (row 0 is the lowest frequency, as everywhere in AudioDSP).
    public var decibels: Spectrogram
    /// The analysis that produced it.
    public var parameters: SpectrogramImageParameters
    /// The dB values of the lowest and highest pixel level.
    public var decibelRange: ClosedRange<Float>
    /// The colour map of an 8-bit colour image, nil for a 16-bit grayscale one.
    public var colorMap: ColorMap?
}

/// Spectrograms as PNG images, the form the study's pipeline converts spectrograms to and from.
///
/// The image is `frameCount` pixels wide and `binCount` high, low frequencies at the bottom (the last row is bin 0).
/// A dB value `v` in the range `[lo, hi]` becomes the level `round((v − lo)/(hi − lo) · maxLevel)` (values outside are
/// clipped), and reads back as `lo + level/maxLevel · (hi − lo)`, so the error is at most half a step:
/// - 16-bit grayscale (data): maxLevel 65 535, half a step is 0.000 92 dB over a 120 dB range;
/// - 8-bit RGB through a ``ColorMap`` (for people): maxLevel 255, half a step is 0.24 dB over 120 dB; reading it
///   back maps each colour to the nearest map entry, within 1.5 steps (0.71 dB over 120 dB) because a few
///   neighbouring viridis entries share one 8-bit colour.
///
/// Both kinds carry tEXt chunks (`spectrogram:…`) with the dB range and the ``SpectrogramImageParameters``; a PNG
/// without them cannot be read back as a spectrogram.
public enum SpectrogramImage {
    private static let prefix = "spectrogram:"
    private static let formatVersion = "1"

    /// Writes a dB spectrogram as a 16-bit grayscale PNG, atomically.
    ///
    /// - Parameters:
    ///   - decibels: dB values, `[bins, frames]`; `binCount` must match `parameters.binCount`.
    ///   - parameters: the analysis, stored in the image.
    ///   - decibelRange: the dB values of black and white; nil uses the spectrogram's minimum and maximum (a constant
    ///     spectrogram `v` uses `v − 1 … v`).
    ///   - url: the destination `.png`.
    /// - Throws: ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   ``AudioDSPError/shapeMismatch(what:expected:actual:)``, ``AudioDSPError/invalidParameter(name:value:reason:)``,
    ///   ``AudioDSPError/writeFailed(path:reason:)``.
    public static func write16Bit(
        _ decibels: Spectrogram, parameters: SpectrogramImageParameters, decibelRange: ClosedRange<Float>? = nil,
        to url: URL
    ) throws {
        let range = try checkedRange(decibels, parameters: parameters, decibelRange: decibelRange, url: url)
        let levels = quantised(decibels, range: range, maxLevel: 65_535).map { UInt16($0) }
        try write(
            PNGFile(
                width: decibels.frameCount, height: decibels.binCount, pixels: .gray16(levels),
                text: metadata(parameters, range: range, colorMap: nil)), to: url)
    }

    /// Writes a dB spectrogram as an 8-bit colour PNG through `colorMap`, atomically (parameters and errors as
    /// ``write16Bit(_:parameters:decibelRange:to:)``).
    public static func writeColorMapped(
        _ decibels: Spectrogram, parameters: SpectrogramImageParameters, colorMap: ColorMap = .default,
        decibelRange: ClosedRange<Float>? = nil, to url: URL
    ) throws {
        let range = try checkedRange(decibels, parameters: parameters, decibelRange: decibelRange, url: url)
        var rgb: [UInt8] = []
        rgb.reserveCapacity(3 * decibels.values.count)
        for level in quantised(decibels, range: range, maxLevel: 255) {
            let color = colorMap.color(at: level)
            rgb += [color.red, color.green, color.blue]
        }
        try write(
            PNGFile(
                width: decibels.frameCount, height: decibels.binCount, pixels: .rgb8(rgb),
                text: metadata(parameters, range: range, colorMap: colorMap)), to: url)
    }

    /// Reads a spectrogram image written by this type: the dB spectrogram, its analysis parameters and range.
    ///
    /// - Throws: ``AudioDSPError/fileNotFound(path:)``, ``AudioDSPError/emptyInput(what:)`` for an empty file,
    ///   ``AudioDSPError/unreadableFile(path:reason:)`` for a file that is not a PNG or a PNG without (or with
    ///   damaged) spectrogram metadata, ``AudioDSPError/shapeMismatch(what:expected:actual:)`` when the image height
    ///   disagrees with its parameters.
    public static func read(_ url: URL) throws -> DecodedSpectrogramImage {
        guard FileManager.default.fileExists(atPath: url.path) else { throw AudioDSPError.fileNotFound(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AudioDSPError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard !data.isEmpty else { throw AudioDSPError.emptyInput(what: url.path) }
        let png = try PNGFile.decode(data, path: url.path)
        let (parameters, range, colorMap) = try parseMetadata(png.text, path: url.path)
        guard png.height == parameters.binCount else {
            throw AudioDSPError.shapeMismatch(
                what: url.path, expected: "\(parameters.binCount) rows", actual: "\(png.height) rows")
        }
        let levels: [Int]
        let maxLevel: Float
        switch (png.pixels, colorMap) {
        case (.gray16(let gray), nil):
            levels = gray.map { Int($0) }
            maxLevel = 65_535
        case (.rgb8(let rgb), let colorMap?):
            levels = (0..<rgb.count / 3).map {
                colorMap.index(nearestTo: rgb[3 * $0], rgb[3 * $0 + 1], rgb[3 * $0 + 2])
            }
            maxLevel = 255
        default:
            throw AudioDSPError.unreadableFile(
                path: url.path, reason: "pixel format does not match its metadata (16-bit gray or colour-mapped RGB)")
        }
        let width = png.width
        let height = png.height
        var values = [Float](repeating: 0, count: width * height)
        let step = (range.upperBound - range.lowerBound) / maxLevel
        for row in 0..<height {
            let bin = height - 1 - row
            for frame in 0..<width {
                values[bin * width + frame] = range.lowerBound + Float(levels[row * width + frame]) * step
            }
        }
        return DecodedSpectrogramImage(
            decibels: Spectrogram(values: values, binCount: height, frameCount: width), parameters: parameters,
            decibelRange: range, colorMap: colorMap)
    }

    // MARK: Levels

    private static func checkedRange(
        _ decibels: Spectrogram, parameters: SpectrogramImageParameters, decibelRange: ClosedRange<Float>?, url: URL
    ) throws -> ClosedRange<Float> {
        try parameters.validate(what: url.path)
        guard !decibels.values.isEmpty else { throw AudioDSPError.emptyInput(what: "spectrogram for \(url.path)") }
        guard decibels.values.allSatisfy(\.isFinite) else {
            throw AudioDSPError.nonFiniteInput(what: "spectrogram for \(url.path)")
        }
        guard decibels.binCount == parameters.binCount else {
            throw AudioDSPError.shapeMismatch(
                what: "spectrogram for \(url.path)", expected: "[\(parameters.binCount), frames]",
                actual: "[\(decibels.binCount), \(decibels.frameCount)]")
        }
        if let decibelRange {
            guard decibelRange.lowerBound.isFinite, decibelRange.upperBound.isFinite,
                decibelRange.lowerBound < decibelRange.upperBound
            else {
                throw AudioDSPError.invalidParameter(
                    name: "decibelRange", value: "\(decibelRange)", reason: "must be finite with lower < upper")
            }
            return decibelRange
        }
        let low = decibels.values.min()!
        let high = decibels.values.max()!
        return low < high ? low...high : (high - 1)...high
    }

    /// Levels in image order: top row (highest bin) first.
    private static func quantised(_ decibels: Spectrogram, range: ClosedRange<Float>, maxLevel: Float) -> [Int] {
        let scale = maxLevel / (range.upperBound - range.lowerBound)
        var levels = [Int](repeating: 0, count: decibels.values.count)
        let width = decibels.frameCount
        let height = decibels.binCount
        for row in 0..<height {
            let bin = height - 1 - row
            for frame in 0..<width {
                let level = ((decibels.values[bin * width + frame] - range.lowerBound) * scale).rounded()
                levels[row * width + frame] = Int(min(max(level, 0), maxLevel))
            }
        }
        return levels
    }

    private static func write(_ png: PNGFile, to url: URL) throws {
        let data: Data
        do { data = try png.encoded() } catch let failure as PNGFailure {
            throw AudioDSPError.writeFailed(path: url.path, reason: failure.reason)
        }
        try writeAtomically(data, to: url)
    }

    // MARK: Metadata

    private static func metadata(
        _ parameters: SpectrogramImageParameters, range: ClosedRange<Float>, colorMap: ColorMap?
    ) -> [String: String] {
        var text: [String: String] = [
            "version": formatVersion, "values": "decibels re 1.0",
            "decibelMinimum": "\(range.lowerBound)", "decibelMaximum": "\(range.upperBound)",
            "sampleRate": "\(parameters.sampleRate)", "fftSize": "\(parameters.fftSize)",
            "hopLength": "\(parameters.hopLength)", "power": "\(parameters.power)",
            "colorMap": colorMap?.rawValue ?? "none",
        ]
        switch parameters.frequencyScale {
        case .linear:
            text["frequencyScale"] = "linear"
        case .mel(let bandCount, let low, let high, let scale, let normalization):
            text["frequencyScale"] = "mel"
            text["melScale"] = scale.rawValue
            text["melNormalization"] = normalization.rawValue
            text["melBandCount"] = "\(bandCount)"
            text["minimumFrequency"] = "\(low)"
            text["maximumFrequency"] = "\(high)"
        }
        var prefixed = Dictionary(uniqueKeysWithValues: text.map { (prefix + $0.key, $0.value) })
        prefixed["Software"] = "StyleTransfer for Swift (AudioDSP)"
        return prefixed
    }

    private static func parseMetadata(_ text: [String: String], path: String) throws
        -> (SpectrogramImageParameters, ClosedRange<Float>, ColorMap?)
    {
        guard let version = text[prefix + "version"] else {
            throw AudioDSPError.unreadableFile(
                path: path, reason: "PNG has no spectrogram metadata (spectrogram:* tEXt)")
        }
        func damaged(_ key: String) -> AudioDSPError {
            .unreadableFile(path: path, reason: "spectrogram metadata \(prefix)\(key) is missing or invalid")
        }
        guard version == formatVersion else { throw damaged("version") }
        func value<T: LosslessStringConvertible>(_ key: String, as _: T.Type = T.self) throws -> T {
            guard let string = text[prefix + key], let value = T(string) else { throw damaged(key) }
            return value
        }
        let low: Float = try value("decibelMinimum")
        let high: Float = try value("decibelMaximum")
        guard low.isFinite, high.isFinite, low < high else { throw damaged("decibelMinimum") }
        let scale: SpectrogramImageParameters.FrequencyScale
        switch text[prefix + "frequencyScale"] {
        case "linear": scale = .linear
        case "mel":
            guard let melScale = text[prefix + "melScale"].flatMap(MelFilterbank.Scale.init(rawValue:)) else {
                throw damaged("melScale")
            }
            guard
                let normalization = text[prefix + "melNormalization"]
                    .flatMap(MelFilterbank.Normalization.init(rawValue:))
            else { throw damaged("melNormalization") }
            scale = .mel(
                bandCount: try value("melBandCount"), minimumFrequency: try value("minimumFrequency"),
                maximumFrequency: try value("maximumFrequency"), scale: melScale,
                normalization: normalization)
        default: throw damaged("frequencyScale")
        }
        let colorName: String = try value("colorMap")
        let colorMap = ColorMap(rawValue: colorName)
        guard colorMap != nil || colorName == "none" else { throw damaged("colorMap") }
        let parameters = SpectrogramImageParameters(
            sampleRate: try value("sampleRate"), fftSize: try value("fftSize"), hopLength: try value("hopLength"),
            frequencyScale: scale, power: try value("power"))
        do { try parameters.validate(what: path) } catch { throw damaged("parameters (\(error))") }
        return (parameters, low...high, colorMap)
    }
}
