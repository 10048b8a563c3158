/// Settings for the study's three experiments, chosen by measuring on the bundled clips (see
/// `Docs/StyleTransfer.md` for the numbers behind each choice).
public enum StyleTransferPreset: String, Sendable, CaseIterable, Codable {
    /// Male ↔ female voice: the pitch and formant distribution of the style voice.
    case gender
    /// One English accent to another (e.g. US → Scottish): spectrograms alone struggle here (the study's finding),
    /// so the style weight is lower and the content kept closer.
    case accent
    /// Speech → an instrument's timbre (violin, flute, piano): a strong style weight.
    case instrument
}

extension StyleTransferConfiguration {
    /// The configuration of `preset` for the random CNN (the study's best backbone); every other setting keeps
    /// its default.
    public static func preset(_ preset: StyleTransferPreset) -> StyleTransferConfiguration {
        switch preset {
        case .gender:
            StyleTransferConfiguration(styleWeight: 1e3, optimizer: .adam(learningRate: 0.03), steps: 300)
        case .accent:
            StyleTransferConfiguration(styleWeight: 3e2, optimizer: .adam(learningRate: 0.03), steps: 300)
        case .instrument:
            StyleTransferConfiguration(styleWeight: 3e3, optimizer: .adam(learningRate: 0.03), steps: 300)
        }
    }
}
