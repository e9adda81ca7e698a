import { COMMAND_NAMES, EVENT_NAMES, IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../main/api/contract.ts';

/** Exactly the contract's commands and events: the preload refuses everything else. */
export const ALLOWED_COMMANDS: ReadonlySet<string> = new Set(COMMAND_NAMES);
export const ALLOWED_EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);
/** The two IPC channels the preload uses; main listens on the first only. */
export const IPC_CHANNELS = Object.freeze([IPC_REQUEST_CHANNEL, IPC_EVENT_CHANNEL] as const);
/** The one global the page sees. */
export const BRIDGE_NAME = 'bertStudio';
/** The members of that global, for the test. */
export const BRIDGE_MEMBERS = Object.freeze(['invoke', 'onEvent'] as const);
