import type { ApiError, ErrorCode } from './contract.ts';
import { BoundaryError } from './schema.ts';

/** What services throw for anything a user can meet; `message` is shown as is. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export const notFound = (what: string): ApiFailure => new ApiFailure('not_found', `${what} does not exist any more. Reload the list and pick another.`);

/**
 * For a command whose core module is not in this build yet: the UI shows this sentence instead of
 * pretending. Each names the function it waits for, so the missing wiring is easy to find.
 */
export const unavailable = (feature: string, waitingFor: string): ApiFailure =>
  new ApiFailure('unavailable', `${feature} is not available in this build yet (the core function ${waitingFor} is missing).`);

/** Turns anything thrown into a wire error. Unknown errors keep their message but are marked internal. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiFailure) return err.details.length ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  if (err instanceof BoundaryError) return { code: 'invalid_request', message: err.message };
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message: 'The operation was cancelled.' };
  // Core modules throw their own user-facing errors (UserError, ImportError…) with sentences; keep them.
  const e = err as { message?: unknown; code?: unknown; details?: unknown };
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const details = Array.isArray(e?.details) ? e.details.filter((d): d is string => typeof d === 'string') : [];
  const userFacing = err instanceof Error && /UserError|ImportError|DataError|ModelError|ValidationError/.test(err.name + err.constructor.name);
  return { code: userFacing ? 'data_error' : 'internal', message, ...(details.length ? { details } : {}) };
}
