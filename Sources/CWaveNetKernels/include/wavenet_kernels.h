// The per-sample arithmetic of Vocoders' WaveNetGenerator, in C so that each function is compiled for AVX-512,
// AVX2 and baseline x86-64 and picked at load time (`target_clones`), without compiler flags. Internal to the
// Vocoders module; no stable API.
#ifndef WAVENET_KERNELS_H
#define WAVENET_KERNELS_H

/// y += W·x for a column-major W (w[j·rows + i] is row i, column j), rows × columns.
void wavenet_multiply_accumulate(const float *w, int rows, int columns, const float *x, float *y);

/// The gated unit a[j] = tanh(z[j]) · σ(z[j + half]) for j < half.
void wavenet_gate(const float *z, int half, float *a);

/// p[i] = exp((logits[i] − max) / temperature) for i < count; returns Σ p (summed in index order).
float wavenet_unnormalized_softmax(const float *logits, int count, float temperature, float *p);

#endif
