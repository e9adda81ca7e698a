// Fixture: a model builder reaching up into the engine.
import type { Device } from '../engine/runtime.ts';

export type Fixture = Device;
