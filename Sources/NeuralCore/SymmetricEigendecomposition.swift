import COpenBLAS

/// The eigenvalues (ascending) and orthonormal eigenvectors of a real symmetric `n × n` matrix, in `Double`, through
/// LAPACK's divide-and-conquer `dsyevd` (bundled with OpenBLAS).
///
/// - Parameter matrix: `n²` scalars, row-major (symmetric, so the layout does not matter); consumed.
/// - Returns: `values[i]` ascending, and `vectors[i·n + j]`, component `j` of the eigenvector of `values[i]`.
func symmetricEigendecomposition(_ matrix: [Double], n: Int) -> (values: [Double], vectors: [Double]) {
    precondition(n >= 1 && matrix.count == n * n, "symmetricEigendecomposition: \(matrix.count) scalars for n = \(n)")
    var a = matrix
    var values = [Double](repeating: 0, count: n)
    var size = Int32(n), info: Int32 = 0
    var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
    // Workspace query, then the decomposition. Column-major eigenvectors are the rows of the row-major array.
    var workSize = 0.0, integerWorkSize: Int32 = 0, query: Int32 = -1
    dsyevd_(&jobz, &uplo, &size, &a, &size, &values, &workSize, &query, &integerWorkSize, &query, &info, 1, 1)
    precondition(info == 0, "dsyevd workspace query failed (info \(info))")
    var work = [Double](repeating: 0, count: Int(workSize))
    var integerWork = [Int32](repeating: 0, count: Int(integerWorkSize))
    var lwork = Int32(work.count), liwork = Int32(integerWork.count)
    dsyevd_(&jobz, &uplo, &size, &a, &size, &values, &work, &lwork, &integerWork, &liwork, &info, 1, 1)
    precondition(info == 0, "dsyevd did not converge (info \(info))")
    return (values, a)
}
