import Foundation

/// What ``SpectrogramImage/read(_:)`` returns.
public struct DecodedSpectrogramImage: Sendable, Equatable {
    /// The spectrogram in dB, `[rows, frames]` (row 0 is the lowest frequency, as everywhere in AudioDSP).
    public var decibels: Spectrogram
    /// The analysis that produced it; its value scale is ``FrontEnd/ValueScale/decibels(amin:topDB:)``.
    public var frontEnd: FrontEnd
    /// The dB values of the lowest and highest pixel level.
    public var decibelRange: ClosedRange<Float>
    /// The colour map of an 8-bit colour image, nil for a 16-bit grayscale one.
    public var colorMap: ColorMap?
}

/// Spectrograms as PNG images, the form the study's pipeline converts spectrograms to and from.
///
/// The image is `frameCount` pixels wide and `rowCount` high, low frequencies at the bottom (the last row is row 0).
/// A dB value `v` in the range `[lo, hi]` becomes the level `round((v − lo)/(hi − lo) · maxLevel)` (values outside are
/// clipped), and reads back as `lo + level/maxLevel · (hi − lo)`, so the error is at most half a step:
/// - 16-bit grayscale (data): maxLevel 65 535, half a step is 0.000 92 dB over a 120 dB range;
/// - 8-bit RGB through a ``ColorMap`` (for people): maxLevel 255, half a step is 0.24 dB over 120 dB; reading it
///   back maps each colour to the nearest map entry, within 1.5 steps (0.71 dB over 120 dB) because a few
///   neighbouring viridis entries share one 8-bit colour.
///
/// The values are decibels re 1.0 of the (mel) magnitude `|S|^magnitudePower` (librosa `power_to_db(S, ref=1.0)`
/// for power 2, `amplitude_to_db(S, ref=1.0)` for power 1), so absolute levels survive the round trip: the
/// spectrogram of a ``FrontEnd`` whose value scale is ``FrontEnd/ValueScale/decibels(amin:topDB:)``
/// (``AcousticFeatures/inDecibels()`` puts features of any front end on that scale).
///
/// Both kinds carry tEXt chunks (`spectrogram:…`): the format version (2), the dB range, the colour map and the
/// ``FrontEnd`` as JSON (its `Codable` form, as a WaveNet checkpoint stores it); a PNG without them cannot be read
/// back as a spectrogram.
public enum SpectrogramImage {
    private static let prefix = "spectrogram:"
    private static let formatVersion = "2"

    /// Writes a dB spectrogram as a 16-bit grayscale PNG, atomically.
    ///
    /// - Parameters:
    ///   - decibels: dB values, `[rows, frames]`; the row count must be `frontEnd.rowCount`.
    ///   - frontEnd: the analysis, stored in the image; its value scale must be decibels.
    ///   - decibelRange: the dB values of black and white; nil uses the spectrogram's minimum and maximum (a constant
    ///     spectrogram `v` uses `v − 1 … v`).
    ///   - url: the destination `.png`.
    /// - Throws: ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``,
    ///   ``AudioDSPError/shapeMismatch(what:expected:actual:)``, ``AudioDSPError/invalidParameter(name:value:reason:)``
    ///   (name `frontEnd` for a value scale other than decibels, `decibelRange` for an empty or non-finite range),
    ///   ``AudioDSPError/writeFailed(path:reason:)``.
    public static func write16Bit(
        _ decibels: Spectrogram, frontEnd: FrontEnd, decibelRange: ClosedRange<Float>? = nil, to url: URL
    ) throws {
        let range = try checkedRange(decibels, frontEnd: frontEnd, decibelRange: decibelRange, url: url)
        let levels = quantised(decibels, range: range, maxLevel: 65_535).map { UInt16($0) }
        try write(
            PNGFile(
                width: decibels.frameCount, height: decibels.rowCount, pixels: .gray16(levels),
                text: try metadata(frontEnd, range: range, colorMap: nil, url: url)), to: url)
    }

    /// Writes a dB spectrogram as an 8-bit colour PNG through `colorMap`, atomically (parameters and errors as
    /// ``write16Bit(_:frontEnd:decibelRange:to:)``).
    public static func writeColorMapped(
        _ decibels: Spectrogram, frontEnd: FrontEnd, colorMap: ColorMap = .default,
        decibelRange: ClosedRange<Float>? = nil, to url: URL
    ) throws {
        let range = try checkedRange(decibels, frontEnd: frontEnd, decibelRange: decibelRange, url: url)
        var rgb: [UInt8] = []
        rgb.reserveCapacity(3 * decibels.values.count)
        for level in quantised(decibels, range: range, maxLevel: 255) {
            let color = colorMap.color(at: level)
            rgb += [color.red, color.green, color.blue]
        }
        try write(
            PNGFile(
                width: decibels.frameCount, height: decibels.rowCount, pixels: .rgb8(rgb),
                text: try metadata(frontEnd, range: range, colorMap: colorMap, url: url)), to: url)
    }

    /// Writes features as 8-bit colour-mapped PNGs (each ``AcousticFeatures/inDecibels()``, low frequencies at the
    /// bottom), atomically, all on one dB range — from 80 dB below the highest value among them to that value — so
    /// that they compare side by side.
    ///
    /// - Returns: that dB range (the colour map's low and high ends), for a colour bar.
    /// - Throws: the errors of ``AcousticFeatures/inDecibels()`` and
    ///   ``writeColorMapped(_:frontEnd:colorMap:decibelRange:to:)``.
    @discardableResult
    public static func writeColorMapped(
        _ pictures: [(features: AcousticFeatures, url: URL)], colorMap: ColorMap = .default
    ) throws -> ClosedRange<Float> {
        let decibels = try pictures.map { try $0.features.inDecibels() }
        let peak = decibels.compactMap { $0.spectrogram.values.max() }.max() ?? 0
        for (features, picture) in zip(decibels, pictures) {
            try writeColorMapped(features.spectrogram, frontEnd: features.frontEnd, colorMap: colorMap,
                                 decibelRange: (peak - 80)...peak, to: picture.url)
        }
        return (peak - 80)...peak
    }

    /// Reads a spectrogram image written by this type: the dB spectrogram, its front end and dB range.
    ///
    /// - Throws: ``AudioDSPError/fileNotFound(path:)``, ``AudioDSPError/emptyInput(what:)`` for an empty file,
    ///   ``AudioDSPError/notASpectrogramImage(path:problem:)`` for a file that is not a PNG or a PNG without (or
    ///   with damaged or another version's) spectrogram metadata, ``AudioDSPError/unreadableFile(path:reason:)``
    ///   for a corrupted PNG, ``AudioDSPError/shapeMismatch(what:expected:actual:)``
    ///   when the image height disagrees with its front end.
    public static func read(_ url: URL) throws -> DecodedSpectrogramImage {
        guard FileManager.default.fileExists(atPath: url.path) else { throw AudioDSPError.fileNotFound(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AudioDSPError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard !data.isEmpty else { throw AudioDSPError.emptyInput(what: url.path) }
        let png = try PNGFile.decode(data, path: url.path)
        let (frontEnd, range, colorMap) = try parseMetadata(png.text, path: url.path)
        guard png.height == frontEnd.rowCount else {
            throw AudioDSPError.shapeMismatch(
                what: url.path, expected: "\(frontEnd.rowCount) rows", actual: "\(png.height) rows")
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
            throw AudioDSPError.notASpectrogramImage(path: url.path, problem: .pixelFormatMismatch)
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
            decibels: Spectrogram(values: values, rowCount: height, frameCount: width), frontEnd: frontEnd,
            decibelRange: range, colorMap: colorMap)
    }

    // MARK: Levels

    private static func checkedRange(
        _ decibels: Spectrogram, frontEnd: FrontEnd, decibelRange: ClosedRange<Float>?, url: URL
    ) throws -> ClosedRange<Float> {
        guard case .decibels = frontEnd.valueScale else {
            throw AudioDSPError.invalidParameter(
                name: "frontEnd", value: "valueScale \(frontEnd.valueScale)",
                reason: "a spectrogram image holds decibels (\(url.path))")
        }
        guard !decibels.values.isEmpty else { throw AudioDSPError.emptyInput(what: "spectrogram for \(url.path)") }
        guard decibels.values.allSatisfy(\.isFinite) else {
            throw AudioDSPError.nonFiniteInput(what: "spectrogram for \(url.path)")
        }
        guard decibels.rowCount == frontEnd.rowCount else {
            throw AudioDSPError.shapeMismatch(
                what: "spectrogram for \(url.path)", expected: "[\(frontEnd.rowCount), frames]",
                actual: "[\(decibels.rowCount), \(decibels.frameCount)]")
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
        let height = decibels.rowCount
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

    private static func metadata(_ frontEnd: FrontEnd, range: ClosedRange<Float>, colorMap: ColorMap?, url: URL)
        throws -> [String: String]
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json: String
        do { json = String(decoding: try encoder.encode(frontEnd), as: UTF8.self) } catch {
            throw AudioDSPError.writeFailed(path: url.path, reason: "cannot encode the front end: \(error)")
        }
        let text: [String: String] = [
            "version": formatVersion, "decibelMinimum": "\(range.lowerBound)", "decibelMaximum": "\(range.upperBound)",
            "colorMap": colorMap?.rawValue ?? "none", "frontEnd": json,
        ]
        var prefixed = Dictionary(uniqueKeysWithValues: text.map { (prefix + $0.key, $0.value) })
        prefixed["Software"] = "StyleTransfer for Swift (AudioDSP)"
        return prefixed
    }

    private static func parseMetadata(_ text: [String: String], path: String) throws
        -> (FrontEnd, ClosedRange<Float>, ColorMap?)
    {
        guard let version = text[prefix + "version"] else {
            throw AudioDSPError.notASpectrogramImage(path: path, problem: .noMetadata)
        }
        func damaged(_ key: String) -> AudioDSPError {
            .notASpectrogramImage(path: path, problem: .damagedMetadata(key: key))
        }
        guard version == formatVersion else { throw damaged("version") }
        func value<T: LosslessStringConvertible>(_ key: String, as _: T.Type = T.self) throws -> T {
            guard let string = text[prefix + key], let value = T(string) else { throw damaged(key) }
            return value
        }
        let low: Float = try value("decibelMinimum")
        let high: Float = try value("decibelMaximum")
        guard low.isFinite, high.isFinite, low < high else { throw damaged("decibelMinimum") }
        let colorName: String = try value("colorMap")
        let colorMap = ColorMap(rawValue: colorName)
        guard colorMap != nil || colorName == "none" else { throw damaged("colorMap") }
        let json: String = try value("frontEnd")
        let frontEnd: FrontEnd
        do { frontEnd = try JSONDecoder().decode(FrontEnd.self, from: Data(json.utf8)) } catch {
            throw damaged("frontEnd (\(error))")
        }
        guard case .decibels = frontEnd.valueScale else { throw damaged("frontEnd (not decibels)") }
        return (frontEnd, low...high, colorMap)
    }
}
