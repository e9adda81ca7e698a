// Fixture: the graph layer reaching up into models.
import type { HeadSpec } from '../models/types.ts';

export type Fixture = HeadSpec;
