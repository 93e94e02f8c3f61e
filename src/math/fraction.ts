/**
 * An exact rational number p/q on BigInt, always in lowest terms with q > 0.
 * The source's example uses only decimals such as 0.5 and 0.01, so every
 * number of its training step is an exact fraction; this type lets the lab
 * show that (W53 becomes exactly 199/200) instead of a rounded float.
 */
export class Fraction {
  readonly numerator: bigint;
  readonly denominator: bigint;

  constructor(numerator: bigint, denominator: bigint = 1n) {
    if (denominator === 0n) throw new RangeError(`Fraction: denominator is zero (numerator ${numerator})`);
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = gcd(abs(numerator), abs(denominator)) || 1n;
    this.numerator = (sign * numerator) / divisor;
    this.denominator = (sign * denominator) / divisor;
  }

  /** The fraction a decimal literal denotes: 0.01 is 1/100, not the nearest binary float. */
  static fromDecimal(value: number): Fraction {
    if (!Number.isFinite(value)) throw new RangeError(`Fraction.fromDecimal: ${value} is not a finite number`);
    const [mantissa, exponentText] = String(value).toLowerCase().split("e");
    const [whole = "0", fractional = ""] = (mantissa ?? "0").split(".");
    const exponent = Number(exponentText ?? 0) - fractional.length;
    const digits = BigInt(whole + fractional);
    return exponent >= 0 ? new Fraction(digits * 10n ** BigInt(exponent)) : new Fraction(digits, 10n ** BigInt(-exponent));
  }

  add(other: Fraction): Fraction {
    return new Fraction(this.numerator * other.denominator + other.numerator * this.denominator, this.denominator * other.denominator);
  }
  sub(other: Fraction): Fraction {
    return this.add(other.neg());
  }
  mul(other: Fraction): Fraction {
    return new Fraction(this.numerator * other.numerator, this.denominator * other.denominator);
  }
  div(other: Fraction): Fraction {
    if (other.numerator === 0n) throw new RangeError(`Fraction: division of ${this.toString()} by zero`);
    return new Fraction(this.numerator * other.denominator, this.denominator * other.numerator);
  }
  neg(): Fraction {
    return new Fraction(-this.numerator, this.denominator);
  }
  compare(other: Fraction): number {
    const difference = this.numerator * other.denominator - other.numerator * this.denominator;
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }
  equals(other: Fraction): boolean {
    return this.compare(other) === 0;
  }
  toNumber(): number {
    return Number(this.numerator) / Number(this.denominator);
  }
  /** "199/200", or "3" for a whole number. */
  toString(): string {
    return this.denominator === 1n ? `${this.numerator}` : `${this.numerator}/${this.denominator}`;
  }
  /**
   * The exact decimal when the denominator has no prime factors but 2 and 5
   * (every number in the source's example), otherwise "p/q".
   */
  toDecimalString(): string {
    let scale = 0;
    let denominator = this.denominator;
    for (const factor of [2n, 5n]) while (denominator % factor === 0n) denominator /= factor;
    if (denominator !== 1n) return this.toString();
    while (10n ** BigInt(scale) % this.denominator !== 0n) scale++;
    const scaled = (abs(this.numerator) * 10n ** BigInt(scale)) / this.denominator;
    const digits = scaled.toString().padStart(scale + 1, "0");
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return (this.numerator < 0n ? "-" : "") + text;
  }
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
