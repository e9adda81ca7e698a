import { unavailable } from '../errors.ts';

/** The port if it is wired, else the `unavailable` error naming what is missing. */
export function need<T>(port: T | undefined, feature: string, waitingFor: string): T {
  if (port === undefined) throw unavailable(feature, waitingFor);
  return port;
}
