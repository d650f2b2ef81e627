/**
 * `unit-convert` — a WASM tool with no capabilities at all: converts a quantity between units of
 * length, mass, volume, speed, time, data size and temperature. Pure computation, so its manifest
 * grants nothing (no network, no secrets, no workspace) and the sandbox has nothing to give.
 *
 * Build: `ironclaw tools build tools/unit-convert/unit-convert.ts` (or `bun scripts/build-wasm.ts`).
 */

/** Each unit's factor to the dimension's base unit (metre, kilogram, litre, m/s, second, byte). */
const factors: Record<string, Record<string, number>> = {
  length: {
    m: 1,
    km: 1000,
    cm: 0.01,
    mm: 0.001,
    mi: 1609.344,
    yd: 0.9144,
    ft: 0.3048,
    in: 0.0254,
    nmi: 1852,
  },
  mass: { kg: 1, g: 0.001, mg: 1e-6, t: 1000, lb: 0.45359237, oz: 0.028349523125, st: 6.35029318 },
  volume: {
    l: 1,
    ml: 0.001,
    m3: 1000,
    gal: 3.785411784,
    qt: 0.946352946,
    pt: 0.473176473,
    cup: 0.2365882365,
    floz: 0.0295735295625,
  },
  speed: { "m/s": 1, "km/h": 1 / 3.6, mph: 0.44704, kn: 1852 / 3600 },
  time: { s: 1, ms: 0.001, min: 60, h: 3600, d: 86400, wk: 604800 },
  data: {
    B: 1,
    KB: 1e3,
    MB: 1e6,
    GB: 1e9,
    TB: 1e12,
    KiB: 1024,
    MiB: 1024 ** 2,
    GiB: 1024 ** 3,
    TiB: 1024 ** 4,
  },
};

const temperatures = ["C", "F", "K"];

const aliases: Record<string, string> = {
  meter: "m",
  meters: "m",
  metre: "m",
  metres: "m",
  kilometer: "km",
  kilometers: "km",
  mile: "mi",
  miles: "mi",
  foot: "ft",
  feet: "ft",
  inch: "in",
  inches: "in",
  yard: "yd",
  yards: "yd",
  kilogram: "kg",
  kilograms: "kg",
  gram: "g",
  grams: "g",
  pound: "lb",
  pounds: "lb",
  lbs: "lb",
  ounce: "oz",
  ounces: "oz",
  liter: "l",
  liters: "l",
  litre: "l",
  litres: "l",
  L: "l",
  gallon: "gal",
  gallons: "gal",
  kph: "km/h",
  knots: "kn",
  second: "s",
  seconds: "s",
  minute: "min",
  minutes: "min",
  hour: "h",
  hours: "h",
  day: "d",
  days: "d",
  week: "wk",
  weeks: "wk",
  celsius: "C",
  "°C": "C",
  fahrenheit: "F",
  "°F": "F",
  kelvin: "K",
};

export const description =
  "Converts a quantity between units: length (m, km, mi, ft, in…), mass (kg, lb, oz…), volume (l, gal, cup…), " +
  "speed (km/h, mph, kn, m/s), time (s, min, h, d, wk), data size (KB, MiB, GB…) and temperature (C, F, K).";

export const schema = {
  type: "object",
  properties: {
    value: { type: "number", description: "the quantity to convert" },
    from: { type: "string", description: "the unit it is in, e.g. km, lb, F, MiB" },
    to: { type: "string", description: "the unit wanted" },
  },
  required: ["value", "from", "to"],
  additionalProperties: false,
};

function normalise(unit: string): string {
  const trimmed = unit.trim();
  return aliases[trimmed] ?? aliases[trimmed.toLowerCase()] ?? trimmed;
}

function dimensionOf(unit: string): string | undefined {
  if (temperatures.includes(unit)) return "temperature";
  return Object.keys(factors).find((dimension) => factors[dimension]?.[unit] !== undefined);
}

function toKelvin(value: number, unit: string): number {
  if (unit === "C") return value + 273.15;
  if (unit === "F") return ((value - 32) * 5) / 9 + 273.15;
  return value;
}

function fromKelvin(kelvin: number, unit: string): number {
  if (unit === "C") return kelvin - 273.15;
  if (unit === "F") return ((kelvin - 273.15) * 9) / 5 + 32;
  return kelvin;
}

/** Rounds away binary noise (0.30000000000000004) while keeping 12 significant digits. */
function tidy(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

export function execute(params: { value: number; from: string; to: string }) {
  if (typeof params.value !== "number" || !Number.isFinite(params.value))
    throw new Error("value must be a finite number");
  const from = normalise(String(params.from ?? ""));
  const to = normalise(String(params.to ?? ""));
  const fromDimension = dimensionOf(from);
  const toDimension = dimensionOf(to);
  if (!fromDimension) throw new Error(`unknown unit ${JSON.stringify(params.from)}`);
  if (!toDimension) throw new Error(`unknown unit ${JSON.stringify(params.to)}`);
  if (fromDimension !== toDimension)
    throw new Error(`cannot convert ${fromDimension} (${from}) to ${toDimension} (${to})`);
  const result =
    fromDimension === "temperature"
      ? fromKelvin(toKelvin(params.value, from), to)
      : (params.value * (factors[fromDimension]?.[from] as number)) / (factors[toDimension]?.[to] as number);
  if (fromDimension === "temperature" && toKelvin(params.value, from) < 0)
    throw new Error("below absolute zero");
  return {
    value: params.value,
    from,
    to,
    result: tidy(result),
    text: `${params.value} ${from} = ${tidy(result)} ${to}`,
  };
}
