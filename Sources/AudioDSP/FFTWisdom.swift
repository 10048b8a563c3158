import CFFTW
import Foundation

/// FFTW wisdom: the measured plan choices that make AudioDSP's FFTs fast without measuring at run time.
///
/// AudioDSP plans every transform with `FFTW_ESTIMATE`, which takes microseconds but picks a plan from a cost model.
/// Where FFTW holds wisdom for a transform (a plan chosen by timing candidates), even an estimated plan uses it.
/// Before its first plan, AudioDSP imports ``bundled``: `FFTW_PATIENT` wisdom for the STFT's batched transforms of
/// the power-of-two sizes 64 … 8192, both directions, measured by `Scripts/make_fftw_wisdom.sh` on a machine of the
/// kind the package is developed and tested on (2 vCPUs with AVX2; the generated file names the CPU). There the
/// forward 1024-point batch runs about 30 % faster with it than with an estimated plan.
/// Because the wisdom is fixed, a size gets the same plan in every run, so results are bit-for-bit repeatable. FFTW
/// ignores wisdom whose plan this CPU cannot run (for example AVX codelets on a CPU without AVX) and plans afresh.
///
/// For another machine, ``measure(sizes:rigor:)`` (or `demo fft-wisdom`) measures wisdom there and
/// ``importWisdom(_:)`` adds it to the process. Wisdom affects only plans made afterwards: a size already used in
/// the process keeps its plan.
///
/// ```swift
/// let wisdom = FFTWisdom.measure(sizes: [1024, 2048])   // seconds of measuring, once
/// try wisdom.write(to: url, atomically: true, encoding: .utf8)
/// // later, in another run, before the first transform:
/// try FFTWisdom.importWisdom(String(contentsOf: url, encoding: .utf8))
/// ```
public enum FFTWisdom {
    /// How hard FFTW searches for the fastest plan while measuring (FFTW's planner flags).
    public enum Rigor: String, Sendable, CaseIterable {
        /// `FFTW_MEASURE`: times a moderate set of candidates (about 0.1–0.3 s per plan at n = 1024).
        case measure
        /// `FFTW_PATIENT`: a wider search (about 0.5–1 s per plan at n = 1024), the bundled wisdom's rigor.
        case patient
        /// `FFTW_EXHAUSTIVE`: every candidate; rarely faster than patient and many times slower to measure.
        case exhaustive

        var flags: UInt32 {
            switch self {
            case .measure: UInt32(FFTW_MEASURE)
            case .patient: UInt32(FFTW_PATIENT)
            case .exhaustive: UInt32(FFTW_EXHAUSTIVE)
            }
        }
    }

    /// Whether ``bundled`` was imported into this process (`false` before the first FFT plan is made, or if this
    /// FFTW build rejected it, in which case plans are estimated without it).
    public static var isBundledWisdomLoaded: Bool {
        FFTPlan.plannerLock.lock()
        defer { FFTPlan.plannerLock.unlock() }
        return bundledLoaded
    }

    nonisolated(unsafe) private static var bundledImportAttempted = false  // guarded by FFTPlan.plannerLock
    nonisolated(unsafe) private static var bundledLoaded = false  // guarded by FFTPlan.plannerLock

    /// Imports ``bundled`` the first time it is called. The caller holds `FFTPlan.plannerLock`.
    static func importBundledOnce() {
        guard !bundledImportAttempted else { return }
        bundledImportAttempted = true
        bundledLoaded = fftwf_import_wisdom_from_string(bundled) != 0
    }

    /// Adds FFTW single-precision wisdom (the text of `fftwf_export_wisdom_to_string`, ``exportWisdom()`` or
    /// ``measure(sizes:rigor:)``) to this process's wisdom. Plans made afterwards use it.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` naming `wisdom` when FFTW cannot parse it
    ///   (not wisdom, double-precision wisdom, or wisdom of another FFTW version); the process's wisdom is unchanged.
    public static func importWisdom(_ wisdom: String) throws {
        FFTPlan.plannerLock.lock()
        defer { FFTPlan.plannerLock.unlock() }
        importBundledOnce()
        guard fftwf_import_wisdom_from_string(wisdom) != 0 else {
            throw AudioDSPError.invalidParameter(
                name: "wisdom", value: "\(wisdom.utf8.count) bytes",
                reason: "not single-precision wisdom of this FFTW version")
        }
    }

    /// All wisdom this process holds, as text ``importWisdom(_:)`` accepts.
    public static func exportWisdom() -> String {
        FFTPlan.plannerLock.lock()
        defer { FFTPlan.plannerLock.unlock() }
        importBundledOnce()
        return exportedString()
    }

    /// Measures wisdom on this machine for the STFT's batched transforms of each FFT size in `sizes`, forward
    /// (real → complex) and inverse, and returns it as text (what ``bundled`` holds for the development machine).
    ///
    /// The process's wisdom is first cleared, so the plans are timed afresh rather than taken from earlier wisdom;
    /// afterwards it holds exactly the new wisdom, which plans made later in the process use.
    ///
    /// - Parameters:
    ///   - sizes: FFT lengths (`n_fft`), each ≥ 2; other values are skipped.
    ///   - rigor: how widely FFTW searches. Default ``Rigor/patient``.
    /// - Returns: the wisdom text; measuring takes roughly 0.5–2 s per size at the default rigor.
    public static func measure(sizes: [Int], rigor: Rigor = .patient) -> String {
        FFTPlan.plannerLock.lock()
        defer { FFTPlan.plannerLock.unlock() }
        bundledImportAttempted = true
        bundledLoaded = false
        fftwf_forget_wisdom()
        for size in sizes where size >= 2 {
            for direction in [FFTPlan.Direction.realToComplex, .complexToReal] {
                fftwf_destroy_plan(FFTPlan.makePlan(direction, size: size, batch: ShortTimeFourierTransform.framesPerBatch,
                                                    flags: rigor.flags))
            }
        }
        return exportedString()
    }

    /// `fftwf_export_wisdom_to_string`, copied into a Swift string. The caller holds `FFTPlan.plannerLock`.
    private static func exportedString() -> String {
        guard let text = fftwf_export_wisdom_to_string() else { return "" }
        defer { free(text) }
        return String(cString: text)
    }
}
