import AudioDSP
import Foundation
import TestSupport
import XCTest

/// `demo transfer` end to end on short runs, and its one-line errors.
final class TransferCommandTests: XCTestCase {
    private func tone(_ frequency: Double, seconds: Double, to url: URL) throws {
        let samples = (0..<Int(seconds * 22_050)).map { Float(0.4 * sin(2 * Double.pi * frequency * Double($0) / 22_050)) }
        try AudioFile.write(Waveform(samples: samples, sampleRate: 22_050), to: url, format: .wavFloat)
    }

    func testBundledClipsGiveAudioPicturesAndAReport() throws {
        let folder = try makeTemporaryDirectory(self)
        let out = folder.appendingPathComponent("out.wav"), report = folder.appendingPathComponent("report.html")
        let outcome = try runDemo(["transfer", "--steps", "2", "--iterations", "2", "--out", out.path,
                                   "--report", report.path, "--spectrograms", folder.path])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        for fragment in ["band-Gram ratio", "timbre progress", "STOI"] {
            XCTAssertTrue(outcome.standardOutput.contains(fragment), "\(fragment) not in \(outcome.standardOutput)")
        }
        let audio = try AudioFile.read(out)
        let content = try AudioFile.read(Samples.url("speech_male_us.wav"), sampleRate: 22_050)
        XCTAssertEqual(audio.sampleCount, content.sampleCount)
        XCTAssertFalse(audio.isSilent)
        let page = try String(contentsOf: report, encoding: .utf8)
        XCTAssertEqual(page.components(separatedBy: "<audio controls").count - 1, 3)
        XCTAssertEqual(page.components(separatedBy: "data:image/png;base64,").count - 1, 3)
        XCTAssertEqual(page.components(separatedBy: "<polyline").count - 1, 2)
        // The measures table and, around each picture, the time and frequency axes and the dB colour bar.
        XCTAssertEqual(page.components(separatedBy: "<table class=\"measures\">").count - 1, 1)
        for label in ["<th>Band-Gram ratio</th>", "<th>Timbre progress</th>", "<th>STOI</th>"] {
            XCTAssertTrue(page.contains(label), label)
        }
        for fragment in [">Time (s)</text>", ">Frequency (Hz)</text>", "<linearGradient", ">dB</text>"] {
            XCTAssertEqual(page.components(separatedBy: fragment).count - 1, 3, fragment)
        }
        XCTAssertEqual(fileNames(in: folder), ["content.png", "out.wav", "output.png", "report.html", "style.png"])
        XCTAssertNoThrow(try SpectrogramImage.read(folder.appendingPathComponent("output.png")))
    }

    func testBatchProcessesAShardAndSkipsFinishedOutputs() throws {
        let folder = try makeTemporaryDirectory(self)
        let input = folder.appendingPathComponent("in"), output = folder.appendingPathComponent("out")
        for url in [input, output] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        for (index, name) in ["a.wav", "b.wav", "c.wav"].enumerated() {
            try tone(220 * Double(index + 1), seconds: 0.3, to: input.appendingPathComponent(name))
        }
        try "not audio".write(to: input.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let style = folder.appendingPathComponent("style.wav")
        try tone(880, seconds: 0.4, to: style)
        let arguments = ["transfer", "--content-dir", input.path, "--out-dir", output.path, "--style", style.path,
                         "--steps", "1", "--iterations", "1", "--shard", "1/2"]
        let first = try runDemo(arguments)
        XCTAssertEqual(first.status, 0, first.standardError)
        XCTAssertEqual(fileNames(in: output), ["a.wav", "c.wav"])  // shard 1 of 2: files 1 and 3
        let again = try runDemo(arguments)
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertTrue(again.standardOutput.contains("2 file(s) in this shard, 2 already done"), again.standardOutput)
    }

    /// Three `--shard auto` processes started together under a Slurm array's environment (IDs 1–3, so the minimum
    /// must be subtracted) write every file of the folder once between them; the same folder rerun as a Kubernetes
    /// Indexed Job of three completions finds every shard finished and writes nothing.
    func testConcurrentSchedulerShardsCoverAFolderOnceAndARerunSkipsIt() throws {
        let folder = try makeTemporaryDirectory(self)
        let input = folder.appendingPathComponent("in"), output = folder.appendingPathComponent("out")
        for url in [input, output] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        let names = (1...7).map { "clip\($0)" }
        for (index, name) in names.enumerated() {
            try tone(110 * Double(index + 2), seconds: 0.25, to: input.appendingPathComponent(name + ".wav"))
        }
        try "not audio".write(to: input.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let style = folder.appendingPathComponent("style.wav")
        try tone(880, seconds: 0.3, to: style)
        let arguments = ["transfer", "--content-dir", input.path, "--out-dir", output.path, "--style", style.path,
                         "--steps", "1", "--iterations", "1", "--shard"]
        let environment = environmentWithoutScheduler()
        let slurm = try (1...3).map { id in
            try RunningDemo(arguments + ["auto"], environment: environment.merging(
                ["SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3",
                 "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_STEP": "1"]) { $1 })
        }.map { $0.wait() }
        // Sorted files 1, 4, 7 / 2, 5 / 3, 6: each process reports the outputs it wrote, one line each.
        var written: [String] = []
        for (outcome, count) in zip(slurm, [3, 2, 2]) {
            XCTAssertEqual(outcome.status, 0, outcome.standardError)
            let lines = outcome.standardOutput.split(separator: "\n")
            XCTAssertEqual(lines.first, "\(count) file(s) in this shard, 0 already done", outcome.standardOutput)
            written += lines.dropFirst().map { String($0.prefix { $0 != ":" }) }
        }
        XCTAssertEqual(written.sorted(), names.map { output.appendingPathComponent($0 + ".wav").path })
        XCTAssertEqual(fileNames(in: output), names.map { $0 + ".wav" })
        func modificationDates() throws -> [Date?] {
            try names.map { try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent($0 + ".wav").path)[.modificationDate] as? Date }
        }
        let finished = try modificationDates()

        let kubernetes = try (0..<3).map { index in
            try RunningDemo(arguments + ["auto/3"], environment: environment.merging(["JOB_COMPLETION_INDEX": "\(index)"]) { $1 })
        }.map { $0.wait() }
        for (outcome, count) in zip(kubernetes, [3, 2, 2]) {
            XCTAssertEqual(outcome.status, 0, outcome.standardError)
            XCTAssertEqual(outcome.standardOutput, "\(count) file(s) in this shard, \(count) already done\n")
        }
        XCTAssertEqual(try modificationDates(), finished)
    }

    /// The accent preset converts the bundled US voice toward the Scottish one's accent, without optimisation steps.
    func testTheAccentPresetConvertsTowardTheStylesAccent() throws {
        let folder = try makeTemporaryDirectory(self)
        let out = folder.appendingPathComponent("out.wav"), report = folder.appendingPathComponent("report.html")
        let outcome = try runDemo(
            ["transfer", "--preset", "accent", "--iterations", "2", "--out", out.path, "--report", report.path])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertTrue(outcome.standardOutput.contains("(0 steps); accent → en-gb-scotland"), outcome.standardOutput)
        XCTAssertFalse(try AudioFile.read(out).isSilent)
        let page = try String(contentsOf: report, encoding: .utf8)
        XCTAssertTrue(page.contains("accent → en-gb-scotland"))
        XCTAssertTrue(page.contains("No optimisation steps"))
        XCTAssertEqual(page.components(separatedBy: "<polyline").count - 1, 0)
    }

    /// `--shard` is parsed as an argument type: a malformed value is a one-line usage error naming the option.
    func testMalformedShardIsAUsageError() throws {
        let folder = try makeTemporaryDirectory(self)
        for value in ["3/2", "0/2", "auto/0", "2", "x/y"] {
            let outcome = try runDemo(["transfer", "--content-dir", folder.path, "--out-dir", folder.path, "--shard", value])
            XCTAssertEqual(outcome.status, 64, "\(value): \(outcome.standardError)")  // EX_USAGE
            XCTAssertEqual(
                outcome.standardError, "error: The value '\(value)' is invalid for '--shard <i/n|auto|auto/N>'\n")
        }
        XCTAssertEqual(fileNames(in: folder), [])
    }

    func testBadInputsGiveOneLineAndNoOutput() throws {
        let folder = try makeTemporaryDirectory(self)
        let silent = folder.appendingPathComponent("silent.wav")
        try AudioFile.write(Waveform(samples: [Float](repeating: 0, count: 8000), sampleRate: 22_050), to: silent)
        let style = folder.appendingPathComponent("style.wav")
        try tone(440, seconds: 0.3, to: style)
        let out = folder.appendingPathComponent("out.wav").path
        let cases: [([String], String)] = [
            (["--content", silent.path, "--style", style.path, "--out", out], "content is silent"),
            (["--content", style.path, "--style", silent.path, "--out", out], "style is silent"),
            (["--content", folder.appendingPathComponent("missing.wav").path, "--style", style.path, "--out", out],
             "file not found: \(folder.appendingPathComponent("missing.wav").path)"),
            (["--content", style.path, "--style", style.path, "--out", folder.appendingPathComponent("no/out.wav").path],
             "folder \(folder.appendingPathComponent("no").path) does not exist"),
            (["--content", style.path, "--style", style.path, "--out", out, "--weights", "/nonexistent.safetensors"],
             "cannot load weights from /nonexistent.safetensors: file not found"),
            (["--content", style.path, "--style", style.path, "--out", out, "--accent", "en-mars"],
             "invalid accentConversion.target en-mars"),
            (["--content", style.path, "--style", style.path, "--out", out, "--accent", "style",
              "--accent-weights", "/nonexistent.safetensors"],
             "unusable backbone checkpoint /nonexistent.safetensors"),
            (["--content-dir", folder.path, "--out-dir", folder.path, "--style", style.path, "--shard", "auto"],
             "--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX"),
        ]
        let before = fileNames(in: folder)
        for (arguments, fragment) in cases {
            let outcome = try runDemo(["transfer", "--steps", "1", "--iterations", "1"] + arguments,
                                      environment: environmentWithoutScheduler())
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            let lines = outcome.standardError.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, outcome.standardError)
            XCTAssertTrue(outcome.standardError.hasPrefix("error: "), outcome.standardError)
            XCTAssertTrue(outcome.standardError.contains(fragment), "\(fragment) not in \(outcome.standardError)")
            XCTAssertEqual(fileNames(in: folder), before, "\(arguments) left files behind")
        }
    }
}
