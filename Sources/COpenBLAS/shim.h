#include <cblas.h>
// Declared here because only OpenBLAS's own cblas.h has them, and another BLAS's header could be found first.
void openblas_set_num_threads(int num_threads);
char *openblas_get_corename(void);
// LAPACK's symmetric eigensolver (OpenBLAS bundles LAPACK; Debian ships no LAPACKE header with it). gfortran ABI:
// the two trailing arguments are the lengths of the character arguments.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
             const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_length, size_t uplo_length);
