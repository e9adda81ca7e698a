// Compressed sparse rows: the TF-IDF matrix of a split. A banking77-sized training set has
// ~10k rows of a few hundred non-zeros each over ~10^5 columns; dense it would not fit.

export interface Csr {
  rows: number;
  cols: number;
  /** rowStart[r] … rowStart[r + 1] index `col` and `val` for row r. */
  rowStart: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Builds a CSR matrix from per-row maps column → value (columns sorted within a row). */
export function csrFromRows(rows: readonly Map<number, number>[], cols: number): Csr {
  let nnz = 0;
  for (const r of rows) nnz += r.size;
  const rowStart = new Int32Array(rows.length + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let k = 0;
  rows.forEach((r, i) => {
    for (const c of [...r.keys()].sort((a, b) => a - b)) {
      col[k] = c;
      val[k++] = r.get(c)!;
    }
    rowStart[i + 1] = k;
  });
  return { rows: rows.length, cols, rowStart, col, val };
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
