/**
 * Test-only reference: the dense matrix exponential by scaling and squaring with the [13/13]
 * Pade approximant (Higham 2005, "The scaling and squaring method for the matrix exponential
 * revisited", Algorithm 2.3), on plain number[][] with an LU solve. It shares no code with the
 * solvers under test, which never form a matrix exponential.
 */
type Matrix = number[][];

const B13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
  10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
const THETA13 = 5.371920351148152;

function zeros(n: number): Matrix {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

function identity(n: number): Matrix {
  const m = zeros(n);
  for (let i = 0; i < n; i++) m[i]![i] = 1;
  return m;
}

function mul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const c = zeros(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i]![k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i]![j]! += aik * b[k]![j]!;
    }
  return c;
}

function lin(terms: [number, Matrix][]): Matrix {
  const n = terms[0]![1].length;
  const c = zeros(n);
  for (const [s, m] of terms)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i]![j]! += s * m[i]![j]!;
  return c;
}

function norm1(a: Matrix): number {
  let best = 0;
  for (let j = 0; j < a.length; j++) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += Math.abs(a[i]![j]!);
    best = Math.max(best, s);
  }
  return best;
}

/** Solve A X = B by LU with partial pivoting. */
function solve(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const lu = a.map((r) => r.slice());
  const x = b.map((r) => r.slice());
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i]![k]!) > Math.abs(lu[p]![k]!)) p = i;
    [lu[k], lu[p]] = [lu[p]!, lu[k]!];
    [x[k], x[p]] = [x[p]!, x[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = lu[i]![k]! / lu[k]![k]!;
      if (f === 0) continue;
      for (let j = k; j < n; j++) lu[i]![j]! -= f * lu[k]![j]!;
      for (let j = 0; j < n; j++) x[i]![j]! -= f * x[k]![j]!;
    }
  }
  for (let k = n - 1; k >= 0; k--)
    for (let j = 0; j < n; j++) {
      let s = x[k]![j]!;
      for (let i = k + 1; i < n; i++) s -= lu[k]![i]! * x[i]![j]!;
      x[k]![j] = s / lu[k]![k]!;
    }
  return x;
}

export function expm(a: Matrix): Matrix {
  const n = a.length;
  const s = Math.max(0, Math.ceil(Math.log2(norm1(a) / THETA13)));
  const as = a.map((r) => r.map((v) => v / 2 ** s));
  const I = identity(n);
  const a2 = mul(as, as);
  const a4 = mul(a2, a2);
  const a6 = mul(a4, a2);
  const b = B13;
  const u = mul(
    as,
    lin([
      [
        1,
        mul(
          a6,
          lin([
            [b[13]!, a6],
            [b[11]!, a4],
            [b[9]!, a2],
          ]),
        ),
      ],
      [b[7]!, a6],
      [b[5]!, a4],
      [b[3]!, a2],
      [b[1]!, I],
    ]),
  );
  const v = lin([
    [
      1,
      mul(
        a6,
        lin([
          [b[12]!, a6],
          [b[10]!, a4],
          [b[8]!, a2],
        ]),
      ),
    ],
    [b[6]!, a6],
    [b[4]!, a4],
    [b[2]!, a2],
    [b[0]!, I],
  ]);
  let r = solve(
    lin([
      [1, v],
      [-1, u],
    ]),
    lin([
      [1, v],
      [1, u],
    ]),
  );
  for (let i = 0; i < s; i++) r = mul(r, r);
  return r;
}

export function matVec(a: Matrix, x: number[]): number[] {
  return a.map((row) => row.reduce((acc, v, j) => acc + v * x[j]!, 0));
}
