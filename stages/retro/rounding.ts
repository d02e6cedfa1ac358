// The one rounding rule of the retro's figures (KPIs, report, analysis sentences): round
// half away from zero, on the number's shortest decimal form, the one JSON prints.
//
// Why not the obvious tools: Python's round (the reference's) is banker's rounding
// (round(0.125, 2) = 0.12, round(2.5) = 2); Math.round sends ties towards +∞
// (Math.round(-2.5) = -2); and scaling by 10^n in binary loses ties that are exact in
// decimal (1.005 * 100 = 100.49999999999999). Shifting the decimal exponent of the printed
// form instead keeps 1.005 → 1.01, 2.675 → 2.68, 0.125 → 0.13, 2.5 → 3, -2.5 → -3.

/** Beyond this magnitude a double has no fractional digit left to round. */
const NO_FRACTION = 2 ** 52;

export function roundHalfAwayFromZero(value: number, places: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= NO_FRACTION) return value;
  const [mantissa = '0', exponent = '0'] = String(Math.abs(value)).split('e');
  const shifted = Number(`${mantissa}e${Number(exponent) + places}`);
  const whole = Math.trunc(shifted);
  // shifted - whole is exact (both below 2^52), so a decimal tie compares as exactly 0.5.
  const rounded = shifted - whole >= 0.5 ? whole + 1 : whole;
  const magnitude = Number(`${rounded}e-${places}`);
  return magnitude === 0 ? 0 : Math.sign(value) * magnitude;
}

/** The value rounded as above, written with exactly `places` decimals (`0.1` → `"0.10"`). */
export function formatFixed(value: number, places: number): string {
  return roundHalfAwayFromZero(value, places).toFixed(places);
}
