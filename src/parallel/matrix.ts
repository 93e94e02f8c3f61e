/**
 * Small dense matrices as arrays of rows, for showing a layer's arithmetic
 * as the matrix products a GPU runs (the fast path keeps its own flat
 * buffers; these are for reading, not speed).
 */
export type Matrix = number[][];

function shapeOf(m: Matrix): string {
  return `${m.length}x${m[0]?.length ?? 0}`;
}

export function matrixProduct(left: Matrix, right: Matrix, where = "matrixProduct"): Matrix {
  const inner = left[0]?.length ?? 0;
  if (inner !== right.length) {
    throw new RangeError(`${where}: a ${shapeOf(left)} matrix cannot multiply a ${shapeOf(right)} one (inner sizes ${inner} and ${right.length})`);
  }
  const columns = right[0]?.length ?? 0;
  return left.map((row) => Array.from({ length: columns }, (_, j) => row.reduce((sum, value, k) => sum + value * right[k]![j]!, 0)));
}

export function transpose(m: Matrix): Matrix {
  const columns = m[0]?.length ?? 0;
  return Array.from({ length: columns }, (_, j) => m.map((row) => row[j]!));
}

/** Element by element: f(a[i][j], b[i][j]); the shapes must agree. */
export function elementwise(a: Matrix, b: Matrix, f: (x: number, y: number) => number, where = "elementwise"): Matrix {
  if (a.length !== b.length || (a[0]?.length ?? 0) !== (b[0]?.length ?? 0)) {
    throw new RangeError(`${where}: shapes ${shapeOf(a)} and ${shapeOf(b)} differ`);
  }
  return a.map((row, i) => row.map((value, j) => f(value, b[i]![j]!)));
}

export function mapMatrix(m: Matrix, f: (value: number) => number): Matrix {
  return m.map((row) => row.map(f));
}

/** Adds column vector b to every column: the bias broadcast over a batch. */
export function addColumn(m: Matrix, column: readonly number[]): Matrix {
  return m.map((row, i) => row.map((value) => value + column[i]!));
}

/** The sum of each row: dL/db from dL/dZ, one row per neuron, one column per sample. */
export function rowSums(m: Matrix): number[] {
  return m.map((row) => row.reduce((sum, value) => sum + value, 0));
}

/** Rows [start, end) of a matrix: one GPU's share of a layer's neurons. */
export function rowSlice(m: Matrix, start: number, end: number): Matrix {
  return m.slice(start, end).map((row) => [...row]);
}

/** Columns [start, end) of a matrix. */
export function columnSlice(m: Matrix, start: number, end: number): Matrix {
  return m.map((row) => row.slice(start, end));
}

/** A matrix in LaTeX (bmatrix), entries written by `format`. */
export function matrixLatex(m: Matrix, format: (value: number) => string = String): string {
  return `\\begin{bmatrix} ${m.map((row) => row.map(format).join(" & ")).join(" \\\\ ")} \\end{bmatrix}`;
}
