/// A perceptually uniform colour map for spectrogram pictures (matplotlib's, as `librosa.display.specshow` uses).
///
/// Each maps a level in [0, 1] (the low end of the dB range to the high end) to one of 256 8-bit sRGB colours.
public enum ColorMap: String, Sendable, CaseIterable {
    /// matplotlib `viridis`: dark blue → green → yellow. The default.
    case viridis
    /// matplotlib `magma`: black → purple → orange → light yellow.
    case magma

    /// The map ``SpectrogramImage/writeColorMapped(_:parameters:colorMap:decibelRange:to:)`` uses unless told.
    public static let `default`: ColorMap = .viridis

    /// The 256 colours, low to high, as `0xRRGGBB`.
    var table: [UInt32] {
        switch self {
        case .viridis: Self.viridisTable
        case .magma: Self.magmaTable
        }
    }

    /// The colour of table entry `index` (0…255) as red, green, blue bytes.
    public func color(at index: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let packed = table[index]
        return (UInt8(packed >> 16 & 0xFF), UInt8(packed >> 8 & 0xFF), UInt8(packed & 0xFF))
    }

    /// The table entry whose colour is nearest (squared RGB distance) to the given one: the inverse of
    /// ``color(at:)`` for colours this map produced.
    public func index(nearestTo red: UInt8, _ green: UInt8, _ blue: UInt8) -> Int {
        var best = 0
        var bestDistance = Int.max
        for (i, packed) in table.enumerated() {
            let dr = Int(packed >> 16 & 0xFF) - Int(red)
            let dg = Int(packed >> 8 & 0xFF) - Int(green)
            let db = Int(packed & 0xFF) - Int(blue)
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance {
                best = i
                bestDistance = distance
            }
        }
        return best
    }
}
