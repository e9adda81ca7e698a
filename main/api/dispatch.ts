import { COMMANDS, type CommandName, type EventData, type EventName, type ParamsOf, type ResponseMessage, type ResultOf } from './contract.ts';
import { ApiFailure, toApiError } from './errors.ts';

/** What a handler gets besides its parameters. */
export interface CallContext {
  /** Which window/page called; transports set it so per-connection state (uploads) stays apart. */
  readonly caller: string;
}

export type Handler<C extends CommandName> = (params: ParamsOf<C>, ctx: CallContext) => Promise<ResultOf<C>> | ResultOf<C>;
export type ApiHandlers = { [C in CommandName]: Handler<C> };

export type EventListener = <E extends EventName>(event: E, data: EventData<E>) => void;

/** Fan-out of core events to every connected window/page. */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    for (const l of this.#listeners) {
      try {
        l(event, data);
      } catch (err) {
        // A broken connection must not stop the others from getting the event.
        console.error(`bert-studio: event listener failed for ${event}:`, err);
      }
    }
  }
}

export function isCommand(method: unknown): method is CommandName {
  return typeof method === 'string' && Object.hasOwn(COMMANDS, method);
}

/**
 * The single entry both transports call: checks the method and parameters against the contract,
 * runs the handler and turns every outcome into a response message. Never throws.
 */
export async function dispatch(handlers: ApiHandlers, id: number, method: unknown, params: unknown, ctx: CallContext): Promise<ResponseMessage> {
  try {
    if (!isCommand(method)) throw new ApiFailure('invalid_request', `The app asked for an unknown action "${String(method)}". Update or restart the app.`);
    const parsed = COMMANDS[method].params.parse(params ?? {}, 'request');
    const handler = handlers[method] as (p: unknown, c: CallContext) => unknown;
    const result = await handler(parsed, ctx);
    return { id, result: result ?? null };
  } catch (err) {
    const error = toApiError(err);
    if (error.code === 'internal') console.error(`bert-studio: ${String(method)} failed:`, err);
    return { id, error };
  }
}
