import AudioDSP
import Vocoders

/// What a ``StyleTransferSession`` returns: the audio, the spectrograms and the loss history.
public struct StyleTransferResult: Sendable {
    /// The output audio at the front end's sample rate, as long as the content.
    public var waveform: Waveform
    /// The optimised spectrogram `[bins, frames]` in the configuration's front end (what the vocoder turned into
    /// ``waveform``).
    public var output: AcousticFeatures
    /// The content's spectrogram in the same front end (before any pitch change).
    public var content: AcousticFeatures
    /// The weight of each accent the content was converted toward (``StyleTransferConfiguration/accentConversion``),
    /// `nil` without a conversion.
    public var targetAccent: [String: Float]?
    /// The pitch and formant change applied to the content first (``StyleTransferConfiguration/pitchChange``);
    /// `nil` when the content was left as it is.
    public var pitchChange: AppliedPitchChange?
    /// The content after the accent conversion and ``pitchChange``, where the optimisation started and what its content loss compared with
    /// (``content`` when there was neither): measure losses against this one (``StyleTransferSession/losses(of:content:style:)``).
    public var shiftedContent: AcousticFeatures
    /// The style's spectrogram in the same front end.
    public var style: AcousticFeatures
    /// One report per optimisation step, in order (all chunks).
    public var history: [StepReport]
    /// True when the task was cancelled: the result is then the best spectrogram found so far (chunks not reached
    /// keep the content).
    public var wasCancelled: Bool
}
