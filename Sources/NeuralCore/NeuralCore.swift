/// Float32 tensors with reverse-mode automatic differentiation on OpenBLAS; filled by issue 3.
