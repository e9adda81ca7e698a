// Lint fixture: linted as if it lived under main/. It must be rejected.
import { app } from 'electron';

export const name = app.getName();
