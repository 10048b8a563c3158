/// Gatys-style style transfer of spectrograms composed in a `StyleTransferSession`; filled by issue 6.
