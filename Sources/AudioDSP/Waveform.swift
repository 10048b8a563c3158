/// Audio samples in memory: one or more channels of Float32 samples at one sample rate.
///
/// Samples are nominally in [−1, 1] (full scale, as `librosa.load` returns them); values outside that range are kept.
/// `channels[c][i]` is sample `i` of channel `c`; every channel has ``sampleCount`` samples. Most of AudioDSP works on
/// mono audio: ``samples`` is the mono signal (the channel itself, or the mean of the channels, as librosa's
/// `to_mono`).
public struct Waveform: Sendable, Equatable {
    /// The samples per channel, `[channelCount][sampleCount]`.
    public private(set) var channels: [[Float]]
    /// Samples per second, in Hz (librosa `sr`).
    public var sampleRate: Int

    /// A mono waveform.
    public init(samples: [Float], sampleRate: Int) {
        self.channels = [samples]
        self.sampleRate = sampleRate
    }

    /// A waveform of one or more channels; every channel must have the same number of samples.
    public init(channels: [[Float]], sampleRate: Int) {
        precondition(!channels.isEmpty, "a waveform needs at least one channel")
        precondition(channels.allSatisfy { $0.count == channels[0].count }, "channels must have equal lengths")
        self.channels = channels
        self.sampleRate = sampleRate
    }

    /// The mono signal: the only channel, or the mean of all channels (librosa `to_mono`). Setting it makes the
    /// waveform mono.
    public var samples: [Float] {
        get { channels.count == 1 ? channels[0] : downmixed().channels[0] }
        set { channels = [newValue] }
    }

    /// The number of channels (1 for mono).
    public var channelCount: Int { channels.count }

    /// Samples per channel.
    public var sampleCount: Int { channels[0].count }

    /// Length in seconds: `sampleCount / sampleRate`.
    public var duration: Double { sampleRate > 0 ? Double(sampleCount) / Double(sampleRate) : 0 }

    /// True when every sample of every channel is exactly zero (also true for an empty waveform).
    public var isSilent: Bool { channels.allSatisfy { $0.allSatisfy { $0 == 0 } } }

    /// The mono waveform whose samples are the mean of the channels (librosa `to_mono`).
    public func downmixed() -> Waveform {
        guard channels.count > 1 else { return self }
        var mean = [Float](repeating: 0, count: sampleCount)
        for channel in channels {
            for i in mean.indices { mean[i] += channel[i] }
        }
        let scale = 1 / Float(channels.count)
        for i in mean.indices { mean[i] *= scale }
        return Waveform(samples: mean, sampleRate: sampleRate)
    }

    /// Throws ``AudioDSPError/emptyInput(what:)`` for no samples and ``AudioDSPError/nonFiniteInput(what:)`` for
    /// NaN or ±Inf samples; `what` names the input in the error (for example the file path).
    public func validate(_ what: String) throws {
        for channel in channels { try validateFinite(channel, what: what) }
    }

    /// The waveform scaled so that its largest absolute sample equals `peak` (librosa `util.normalize` with
    /// `norm=np.inf`, times `peak`).
    ///
    /// Throws ``AudioDSPError/silentInput(what:)`` for all-zero audio (there is nothing to scale), plus the errors of
    /// ``validate(_:)``.
    public func normalized(peak: Float = 1) throws -> Waveform {
        try validate("waveform")
        guard peak > 0, peak.isFinite else {
            throw AudioDSPError.invalidParameter(name: "peak", value: "\(peak)", reason: "must be positive and finite")
        }
        let largest = channels.reduce(Float(0)) { m, c in c.reduce(m) { max($0, abs($1)) } }
        guard largest > 0 else { throw AudioDSPError.silentInput(what: "waveform") }
        let scale = peak / largest
        return Waveform(channels: channels.map { $0.map { $0 * scale } }, sampleRate: sampleRate)
    }
}
