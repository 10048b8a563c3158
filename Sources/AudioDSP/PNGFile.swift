import CPNG
import Foundation

/// A decoded PNG: either 16-bit grayscale or 8-bit RGB pixels (row-major, top row first) plus its tEXt chunks.
///
/// Pixels go through libpng's simplified `png_image_*` API (which reports errors without setjmp, which Swift cannot
/// use); tEXt chunks, which that API does not handle, are inserted before the first IDAT chunk and read back by
/// walking the chunk list here.
struct PNGFile: Equatable {
    enum Pixels: Equatable {
        /// 16-bit gray levels, `width · height` values.
        case gray16([UInt16])
        /// 8-bit RGB triples, `3 · width · height` values.
        case rgb8([UInt8])
    }

    var width: Int
    var height: Int
    var pixels: Pixels
    /// tEXt chunks, keyword → text (Latin-1 in the file; our keywords and values are ASCII).
    var text: [String: String]

    private static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// The PNG file's bytes.
    func encoded() throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        var size = 0
        let written: Data? = withPixelBytes(&image) { image, buffer in
            guard png_image_write_to_memory(image, nil, &size, 0, buffer, 0, nil) != 0 else { return nil }
            var bytes = [UInt8](repeating: 0, count: size)
            guard png_image_write_to_memory(image, &bytes, &size, 0, buffer, 0, nil) != 0 else { return nil }
            return Data(bytes.prefix(size))
        }
        guard let written else { throw PNGFailure(Self.message(image)) }
        return Self.insertingText(text, into: written)
    }

    /// Decodes a PNG; `path` names the file in errors. Non-16-bit-gray images decode as 8-bit RGB.
    static func decode(_ data: Data, path: String) throws -> PNGFile {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes.prefix(8)) == signature else {
            throw AudioDSPError.notASpectrogramImage(path: path, problem: .notPNG)
        }
        let chunks = try Self.chunks(bytes, path: path)
        var text: [String: String] = [:]
        for chunk in chunks where chunk.type == "tEXt" {
            let body = bytes[chunk.data]
            guard let zero = body.firstIndex(of: 0) else { continue }
            text[String(decoding: body[..<zero], as: UTF8.self)] = String(decoding: body[(zero + 1)...], as: UTF8.self)
        }
        guard let header = chunks.first, header.type == "IHDR", header.data.count == 13 else {
            throw AudioDSPError.unreadableFile(path: path, reason: "PNG without an IHDR chunk")
        }
        let bitDepth = bytes[header.data.lowerBound + 8]
        let colorType = bytes[header.data.lowerBound + 9]
        let isGray16 = bitDepth == 16 && colorType == 0
        // The simplified reader converts 16-bit data from the file's gamma to linear; declare the file linear
        // (gAMA 1.0, no sRGB/iCCP/cHRM) so the stored levels come back unchanged.
        let source = isGray16 ? Self.declaringLinearGamma(bytes, chunks: chunks) : bytes

        // libpng reads from `source` until png_image_finish_read returns, so both calls happen inside one closure.
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let pixels: Pixels? = source.withUnsafeBytes { memory in
            guard png_image_begin_read_from_memory(&image, memory.baseAddress, memory.count) != 0 else { return nil }
            let count = Int(image.width) * Int(image.height)
            image.format = isGray16 ? UInt32(PNG_FORMAT_LINEAR_Y) : UInt32(PNG_FORMAT_RGB)
            if isGray16 {
                var levels = [UInt16](repeating: 0, count: count)
                let ok = levels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
                return ok != 0 ? .gray16(levels) : nil
            }
            var rgb = [UInt8](repeating: 0, count: 3 * count)
            let ok = rgb.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            return ok != 0 ? .rgb8(rgb) : nil
        }
        guard let pixels else {
            png_image_free(&image)
            throw AudioDSPError.unreadableFile(path: path, reason: message(image))
        }
        return PNGFile(width: Int(image.width), height: Int(image.height), pixels: pixels, text: text)
    }

    private func withPixelBytes<R>(
        _ image: inout png_image, _ body: (UnsafeMutablePointer<png_image>, UnsafeRawPointer) -> R
    ) -> R {
        switch pixels {
        case .gray16(let levels):
            precondition(levels.count == width * height)
            image.format = UInt32(PNG_FORMAT_LINEAR_Y)
            return levels.withUnsafeBytes { buffer in
                withUnsafeMutablePointer(to: &image) { body($0, buffer.baseAddress!) }
            }
        case .rgb8(let rgb):
            precondition(rgb.count == 3 * width * height)
            image.format = UInt32(PNG_FORMAT_RGB)
            return rgb.withUnsafeBytes { buffer in
                withUnsafeMutablePointer(to: &image) { body($0, buffer.baseAddress!) }
            }
        }
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    // MARK: Chunks

    private struct Chunk {
        let type: String
        /// The whole chunk: length, type, data and CRC.
        let range: Range<Int>
        let data: Range<Int>
    }

    private static func chunks(_ bytes: [UInt8], path: String) throws -> [Chunk] {
        var chunks: [Chunk] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 12 + length
            guard end <= bytes.count else { break }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let data = offset + 8..<offset + 8 + length
            let stored = bytes[data.upperBound..<end].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if type == "tEXt", crc32(bytes[offset + 4..<data.upperBound]) != stored {
                throw AudioDSPError.unreadableFile(path: path, reason: "corrupted tEXt chunk (CRC mismatch)")
            }
            chunks.append(Chunk(type: type, range: offset..<end, data: data))
            if type == "IEND" { break }
            offset = end
        }
        return chunks
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body[...]))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }

    private static func insertingText(_ text: [String: String], into data: Data) -> Data {
        var bytes = [UInt8](data)
        guard let firstIDAT = (try? chunks(bytes, path: ""))?.first(where: { $0.type == "IDAT" }) else { return data }
        let inserted = text.keys.sorted().flatMap { chunk("tEXt", Array($0.utf8) + [0] + Array(text[$0]!.utf8)) }
        bytes.insert(contentsOf: inserted, at: firstIDAT.range.lowerBound)
        return Data(bytes)
    }

    private static func declaringLinearGamma(_ bytes: [UInt8], chunks: [Chunk]) -> [UInt8] {
        var result = Array(bytes.prefix(8))
        for chunk in chunks where !["gAMA", "sRGB", "iCCP", "cHRM"].contains(chunk.type) {
            result += bytes[chunk.range]
            if chunk.type == "IHDR" { result += Self.chunk("gAMA", bigEndian(100_000)) }
        }
        return result
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    /// The CRC-32 of the PNG specification (ISO 3309), over a chunk's type and data.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { crcTable[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }
}

/// A libpng encoding failure, turned into ``AudioDSPError/writeFailed(path:reason:)`` by the caller that knows the path.
struct PNGFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
