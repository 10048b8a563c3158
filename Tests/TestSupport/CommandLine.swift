import Foundation
import XCTest

/// What a run of the `demo` executable produced.
public struct DemoOutcome {
    /// The exit status (0 on success).
    public let status: Int32
    /// Everything written to standard output.
    public let standardOutput: String
    /// Everything written to standard error.
    public let standardError: String
}

/// Runs the built `demo` executable (from the test bundle's build folder) with `arguments` and waits for it.
public func runDemo(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> DemoOutcome {
    // The test binary (…/debug/<Package>PackageTests.xctest) sits beside the products of the same build.
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("demo")
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        XCTFail("demo is not built at \(executable.path): run `swift build` first", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return DemoOutcome(
        status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self))
}

/// A fresh folder under the system temporary directory for files a test generates; removed when the test ends.
public func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("StyleTransferTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// The names of the files in `folder` (to check that a failed write left nothing behind).
public func fileNames(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}
