/**
 * A tiny schema language for the API boundary: each command's parameters are written once as a
 * schema, and both the TypeScript type (`Infer<S>`) and the runtime check (`check`) come from it.
 * The checks give sentences a user can act on, because a bad request usually means a bad form value.
 */

export type Schema<T> = {
  readonly kind: string;
  /** Returns the value (possibly with defaults applied) or throws a BoundaryError. */
  parse(value: unknown, where: string): T;
};

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Thrown for a request that does not match its schema; becomes `{code: 'invalid_request'}`. */
export class BoundaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoundaryError';
  }
}

function fail(where: string, what: string): never {
  throw new BoundaryError(`${where === 'request' ? 'The request' : where} ${what}.`);
}

export interface StringRules {
  min?: number;
  max?: number;
  /** The value is trimmed before the length checks. */
  trim?: boolean;
}

export function str(rules: StringRules = {}): Schema<string> {
  const { min = 0, max = 10_000, trim = false } = rules;
  return {
    kind: 'string',
    parse(v, where) {
      if (typeof v !== 'string') fail(where, 'must be text');
      const s = trim ? v.trim() : v;
      if (s.length < min) fail(where, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
      if (s.length > max) fail(where, `must have at most ${max} characters`);
      return s;
    },
  };
}

export interface NumberRules {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function num(rules: NumberRules = {}): Schema<number> {
  const { min = -Infinity, max = Infinity, integer = false } = rules;
  return {
    kind: 'number',
    parse(v, where) {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, 'must be a number');
      if (integer && !Number.isInteger(v)) fail(where, 'must be a whole number');
      if (v < min) fail(where, `must be at least ${min}`);
      if (v > max) fail(where, `must be at most ${max}`);
      return v;
    },
  };
}

export const int = (rules: Omit<NumberRules, 'integer'> = {}): Schema<number> => num({ ...rules, integer: true });
/** Database ids: positive integers. */
export const id = (): Schema<number> => int({ min: 1 });

export function bool(): Schema<boolean> {
  return {
    kind: 'boolean',
    parse(v, where) {
      if (typeof v !== 'boolean') fail(where, 'must be true or false');
      return v;
    },
  };
}

export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  return {
    kind: 'enum',
    parse(v, where) {
      if (typeof v !== 'string' || !values.includes(v)) fail(where, `must be one of ${values.join(', ')}`);
      return v as T[number];
    },
  };
}

export function literal<const T extends string>(value: T): Schema<T> {
  return oneOf([value] as const) as Schema<T>;
}

export function arr<T>(item: Schema<T>, rules: { min?: number; max?: number } = {}): Schema<T[]> {
  const { min = 0, max = 100_000 } = rules;
  return {
    kind: 'array',
    parse(v, where) {
      if (!Array.isArray(v)) fail(where, 'must be a list');
      if (v.length < min) fail(where, `must have at least ${min} item${min === 1 ? '' : 's'}`);
      if (v.length > max) fail(where, `must have at most ${max} items`);
      return v.map((x, i) => item.parse(x, `${where} item ${i + 1}`));
    },
  };
}

/** A string → T map (e.g. column roles). Keys are limited so a request cannot be unbounded. */
export function record<T>(value: Schema<T>, maxKeys = 1000): Schema<Record<string, T>> {
  return {
    kind: 'record',
    parse(v, where) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length > maxKeys) fail(where, `must have at most ${maxKeys} entries`);
      return Object.fromEntries(entries.map(([k, x]) => [k, value.parse(x, `${where} "${k}"`)]));
    },
  };
}

const OPTIONAL = Symbol('optional');
type Optional<T> = Schema<T | undefined> & { [OPTIONAL]: true };

export function opt<T>(inner: Schema<T>): Optional<T> {
  return {
    kind: 'optional',
    [OPTIONAL]: true,
    parse(v, where) {
      return v === undefined || v === null ? undefined : inner.parse(v, where);
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };
type Flatten<T> = { [K in keyof T]: T[K] };

/**
 * An object with exactly these keys. Unknown keys are refused: a typo in a client must not be
 * silently ignored (it would train with defaults the user did not choose).
 */
export function obj<S extends Shape>(shape: S, label?: Record<string, string>, opts: { flat?: boolean } = {}): Schema<Flatten<ObjOf<S>>> {
  return {
    kind: 'object',
    parse(v, where) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
      const input = v as Record<string, unknown>;
      for (const k of Object.keys(input)) if (!Object.hasOwn(shape, k)) fail(where, `has an unknown field "${k}"`);
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(shape)) {
        const name = label?.[k] ?? k;
        // A flat group (settings, mapping) names its fields alone: "The learning rate", not "The settings learning rate".
        const parsed = s.parse(input[k], where === 'request' || opts.flat ? `The ${name}` : `${where} ${name}`);
        if (parsed !== undefined) out[k] = parsed;
      }
      return out as Flatten<ObjOf<S>>;
    },
  };
}

/**
 * A schema plus a rule across its fields (e.g. the micro-batch at most the batch size): `rule`
 * returns the sentence to show when the parsed value breaks it, or undefined.
 */
export function refine<T>(inner: Schema<T>, rule: (value: T) => string | undefined): Schema<T> {
  return {
    kind: inner.kind,
    parse(v, where) {
      const parsed = inner.parse(v, where);
      const problem = rule(parsed);
      if (problem !== undefined) throw new BoundaryError(problem);
      return parsed;
    },
  };
}

/** A tagged union on `kind`, e.g. the base model (pretrained or from scratch). */
export function union<const U extends Record<string, Schema<object>>>(cases: U): Schema<{ [K in keyof U]: Infer<U[K]> & { kind: K } }[keyof U]> {
  return {
    kind: 'union',
    parse(v, where) {
      const k = (v as { kind?: unknown } | null)?.kind;
      if (typeof k !== 'string' || !Object.hasOwn(cases, k)) fail(where, `must have kind ${Object.keys(cases).join(' or ')}`);
      const { kind: _kind, ...rest } = v as Record<string, unknown>;
      return { kind: k, ...(cases[k].parse(rest, where) as object) } as never;
    },
  };
}

/** A result type carried only at compile time: results come from our own code, not from users. */
export function type<T>(): Schema<T> {
  return { kind: 'type', parse: (v) => v as T };
}
