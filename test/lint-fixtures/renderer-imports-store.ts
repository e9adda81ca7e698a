// Lint fixture: linted as if it lived under renderer/. It must be rejected.
import { openStore } from '../../main/store/db.ts';

export const open = openStore;
