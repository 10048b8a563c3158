import Foundation
import XCTest

/// Every Swift snippet of the README, `Docs/` and the DocC catalogs type-checks against the package as built.
///
/// Each ```` ```swift ```` block is a complete program (its own imports and definitions) and is type-checked on its
/// own with `swiftc -typecheck` against the modules of this test run's build folder; blocks that are excerpts of a
/// `Package.swift` (they start with `.package(`, `dependencies:` or `targets:`) are manifests, not programs, and are
/// skipped. A failure names the file, the block's first line and the compiler's first error.
final class DocumentationSnippetTests: XCTestCase {
    /// The package root (three folders above this file).
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testEverySwiftSnippetTypeChecks() throws {
        let snippets = try Self.documents().flatMap(Self.snippets(in:))
        XCTAssertGreaterThanOrEqual(snippets.count, 12, "the docs have lost their examples")
        let compiler = try Self.typeChecker()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("snippets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for snippet in snippets {
            let file = folder.appendingPathComponent("main.swift")
            try snippet.code.write(to: file, atomically: true, encoding: .utf8)
            let errors = try compiler(file)
            XCTAssertNil(errors, "\(snippet.document) line \(snippet.line): \(errors ?? "")")
        }
    }

    /// The Markdown files that hold snippets.
    private static func documents() throws -> [URL] {
        let manager = FileManager.default
        var files = [root.appendingPathComponent("README.md")]
        let docs = root.appendingPathComponent("Docs")
        files += try manager.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }
        let sources = root.appendingPathComponent("Sources")
        for module in try manager.contentsOfDirectory(at: sources, includingPropertiesForKeys: nil) {
            let catalogs = (try? manager.contentsOfDirectory(at: module, includingPropertiesForKeys: nil)) ?? []
            for catalog in catalogs where catalog.pathExtension == "docc" {
                files += try manager.contentsOfDirectory(at: catalog, includingPropertiesForKeys: nil)
                    .filter { $0.pathExtension == "md" }
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The ```` ```swift ```` blocks of `document` that are programs, with the line each starts on.
    private static func snippets(in document: URL) throws -> [(document: String, line: Int, code: String)] {
        let lines = try String(contentsOf: document, encoding: .utf8).components(separatedBy: "\n")
        let name = String(document.path.dropFirst(root.path.count + 1))
        var result: [(document: String, line: Int, code: String)] = []
        var start: Int?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if start == nil, trimmed == "```swift" {
                start = index + 1
            } else if let first = start, trimmed == "```" {
                let code = lines[first..<index].joined(separator: "\n")
                let opening = code.trimmingCharacters(in: .whitespacesAndNewlines)
                if ![".package(", "dependencies:", "targets:"].contains(where: opening.hasPrefix) {
                    result.append((name, first + 1, code))
                }
                start = nil
            }
        }
        return result
    }

    /// A function that type-checks one file against the built modules and returns the first error, if any.
    private static func typeChecker() throws -> (URL) throws -> String? {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let build = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        let modules = build.appendingPathComponent("Modules")
        guard FileManager.default.fileExists(atPath: modules.path) else {
            throw XCTSkip("no Modules folder beside the test bundle (\(build.path))")
        }
        var arguments = ["swiftc", "-typecheck", "-I", modules.path]
        let systemModules = ["CFFTW", "CMalloc", "COpenBLAS", "CPNG", "CSampleRate", "CSndFile"].map {
            root.appendingPathComponent("Sources/\($0)/module.modulemap").path
        }
        for map in systemModules + [build.appendingPathComponent("CWaveNetKernels.build/module.modulemap").path] {
            arguments += ["-Xcc", "-fmodule-map-file=\(map)"]
        }
        return { file in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments + [file.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus != 0 else { return nil }
            return text.components(separatedBy: "\n").first { $0.contains("error:") } ?? text
        }
    }
}
