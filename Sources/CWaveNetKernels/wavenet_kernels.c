#include "wavenet_kernels.h"

#include <stdint.h>
#include <string.h>

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

/// e^x (Cephes expf: range reduction by ln 2, degree-6 polynomial, exponent bits set directly), relative error below
/// 2e-7 on [−87, 88]; inputs are clamped to that range. Branch-free, so the loops that call it vectorise.
static inline float exp_approx(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick: the sum's low mantissa bits hold it.
    const float magic = 12582912.0f;
    float shifted = x * 1.44269504f + magic;
    float n = shifted - magic;
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits, magicBits;
    memcpy(&bits, &shifted, 4);
    memcpy(&magicBits, &magic, 4);
    int32_t exponent = (bits - magicBits + 127) << 23;
    float scale;
    memcpy(&scale, &exponent, 4);
    return p * scale;
}

/// y[0..<size] += W[0..<size, :]·x with the `size` accumulators in registers while the columns stream by; inlined
/// with a constant `size` so that the compiler unrolls it.
static inline __attribute__((always_inline)) void accumulate_block(const float *restrict w, int rows, int columns,
                                                                   const float *restrict x, float *restrict y,
                                                                   const int size) {
    float accumulator[64];
    for (int i = 0; i < size; i++) accumulator[i] = y[i];
    const float *column = w;
    for (int j = 0; j < columns; j++, column += rows) {
        const float xj = x[j];
        for (int i = 0; i < size; i++) accumulator[i] += column[i] * xj;
    }
    for (int i = 0; i < size; i++) y[i] = accumulator[i];
}

/// Rows in blocks of 64, then 16, then one by one.
CLONES void wavenet_multiply_accumulate(const float *restrict w, int rows, int columns, const float *restrict x,
                                        float *restrict y) {
    int row = 0;
    for (; row + 64 <= rows; row += 64) accumulate_block(w + row, rows, columns, x, y + row, 64);
    for (; row + 16 <= rows; row += 16) accumulate_block(w + row, rows, columns, x, y + row, 16);
    for (; row < rows; row++) accumulate_block(w + row, rows, columns, x, y + row, 1);
}

/// tanh(u) = 1 − 2/(e^{2u} + 1), σ(v) = 1/(1 + e^{−v}); absolute error below 1e-6.
CLONES void wavenet_gate(const float *restrict z, int half, float *restrict a) {
    for (int j = 0; j < half; j++) {
        float t = 1.0f - 2.0f / (exp_approx(2.0f * z[j]) + 1.0f);
        float s = 1.0f / (1.0f + exp_approx(-z[j + half]));
        a[j] = t * s;
    }
}

CLONES float wavenet_unnormalized_softmax(const float *restrict logits, int count, float temperature,
                                          float *restrict p) {
    float maximum = logits[0];
    for (int i = 1; i < count; i++) maximum = logits[i] > maximum ? logits[i] : maximum;
    const float inverse = 1.0f / temperature;
    for (int i = 0; i < count; i++) p[i] = exp_approx((logits[i] - maximum) * inverse);
    float total = 0;
    for (int i = 0; i < count; i++) total += p[i];
    return total;
}
