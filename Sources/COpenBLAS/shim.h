#include <cblas.h>
// Declared here because only OpenBLAS's own cblas.h has them, and another BLAS's header could be found first.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
