// NeuralCore benchmark: one style-transfer step (forward + backward-to-input + Adam update of the input) for the
// issue's cases (a)–(d), ours against PyTorch (`Peers/neuralcore_torch.py`), same shapes, same thread count. Each
// measurement runs in its own process (so peak memory is per side and per case); rounds alternate ours and PyTorch.
// Prints medians, ratios, GFLOP/s against OpenBLAS's own sgemm peak, and peak RSS.
//
// Run: swift run -c release --package-path Benchmarks NeuralCoreBenchmarks [rounds] [case…]
// (child mode, used by the driver: NeuralCoreBenchmarks step CASE THREADS REPEATS → "seconds cpu_seconds
// peak_rss_bytes", medians after one warm-up step; CPU seconds are user + system time of all the process's threads)
import Foundation
import PeerSupport
import NeuralCore

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

func time(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds (user + system, all threads) this process has used.
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// This process's peak resident set size in bytes.
func peakResidentBytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) * 1024
}

/// Child mode: one warm-up step, then `repeats` timed steps; prints the median wall and CPU seconds and the peak RSS.
func runSteps(_ name: String, threads: Int, repeats: Int) throws {
    NeuralCoreThreads.threadCount = threads
    guard let c = BenchmarkCase.make(name) else { fatalError("unknown case \(name)") }
    let adam = try Adam(learningRate: 0.01)
    var x = c.input
    var seconds: [Double] = [], cpuSeconds: [Double] = []
    for _ in 0...repeats {
        let cpuStart = processCPUSeconds()
        seconds.append(time {
            let (_, gradient) = valueWithGradient(at: x, of: c.loss)
            adam.step(&x, gradient: gradient)
        })
        cpuSeconds.append(processCPUSeconds() - cpuStart)
    }
    print(median(Array(seconds.dropFirst())), median(Array(cpuSeconds.dropFirst())), peakResidentBytes())
}

/// One process's medians and peak memory.
struct Measurement { let seconds: Double, cpuSeconds: Double, bytes: Double }

/// Prints `line` at once (stdout is block-buffered when redirected to a file).
func report(_ line: String) {
    print(line)
    fflush(nil)
}

/// Runs one measurement process and parses its "seconds cpu_seconds peak_rss_bytes" line.
func measure(_ executable: String, _ arguments: [String]) -> Measurement {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try! process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    return fields.count == 3 ? Measurement(seconds: fields[0], cpuSeconds: fields[1], bytes: fields[2])
        : Measurement(seconds: .nan, cpuSeconds: .nan, bytes: .nan)
}

/// OpenBLAS's own sgemm rate in GFLOP/s for a conv-like shape (M 64, N 51 200, K 576), best of 7 (the peak: slower
/// runs are other processes' doing).
func sgemmPeak() -> Double {
    var generator = RandomGenerator(seed: 1)
    let a = Tensor.randomUniform(shape: [64, 576], generator: &generator)
    let b = Tensor.randomUniform(shape: [576, 51_200], generator: &generator)
    _ = matmul(a, b)
    return 2 * 64 * 576 * 51_200 / (0..<7).map { _ in time { _ = matmul(a, b) } }.min()! / 1e9
}

let arguments = CommandLine.arguments
if arguments.count == 5 && arguments[1] == "step" {
    try runSteps(arguments[2], threads: Int(arguments[3]) ?? 1, repeats: Int(arguments[4]) ?? 1)
    exit(0)
}
let rounds = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
let selected = arguments.count > 2 ? Array(arguments[2...]) : BenchmarkCase.names
let repeats = 2
let python = peerPython()
let peer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Peers/neuralcore_torch.py").path
let me = Bundle.main.executablePath ?? arguments[0]

report("NeuralCore step (forward + backward-to-input + Adam) vs PyTorch: \(rounds) alternating rounds of one process"
      + " per side (1 warm-up + \(repeats) steps each); medians of the per-process medians; peak RSS per process")
for threads in [1, 2] {
    NeuralCoreThreads.threadCount = threads
    let peak = sgemmPeak()
    report(String(format: "threads %d: OpenBLAS sgemm peak %.1f GFLOP/s", threads, peak))
    for name in selected {
        guard let c = BenchmarkCase.make(name) else { report("unknown case \(name)"); continue }
        var ours: [Measurement] = [], theirs: [Measurement] = []
        for _ in 0..<rounds {
            ours.append(measure(me, ["step", name, "\(threads)", "\(repeats)"]))
            theirs.append(measure(python, [peer, name, "\(threads)", "\(repeats)"]))
        }
        let (o, t) = (median(ours.map(\.seconds)), median(theirs.map(\.seconds)))
        let (oc, tc) = (median(ours.map(\.cpuSeconds)), median(theirs.map(\.cpuSeconds)))
        let (om, tm) = (ours.map(\.bytes).max()! / 1e6, theirs.map(\.bytes).max()! / 1e6)
        report(String(format: "  %-9@ wall ours %7.1f ms torch %7.1f ms ratio %.2f | CPU ours %7.1f ms torch %7.1f ms"
                     + " ratio %.2f | GFLOP/s ours %5.1f (%3.0f%% of peak) torch %5.1f | peak RSS ours %4.0f MB torch %4.0f MB",
                     name as NSString, o * 1e3, t * 1e3, o / t, oc * 1e3, tc * 1e3, oc / tc, c.flops / o / 1e9,
                     100 * c.flops / o / 1e9 / peak, c.flops / t / 1e9, om, tm))
    }
}
