// Compressed sparse rows: the TF-IDF matrix of a split. A banking77-sized training set has
// ~10k rows of a few hundred non-zeros each over 10^4–10^5 columns; dense it would not fit.

export interface Csr {
  rows: number;
  cols: number;
  /** rowStart[r] … rowStart[r + 1] index `col` and `val` for row r. */
  rowStart: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Squared L2 norm of each row. */
export function rowNormsSquared(x: Csr): Float64Array {
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let s = 0;
    for (let k = x.rowStart[r]; k < x.rowStart[r + 1]; k++) s += x.val[k] * x.val[k];
    out[r] = s;
  }
  return out;
}
