// The device probe as a child process (see quiet-probe.ts): its stdout and stderr are the app's
// log file, so native libraries' messages stay out of the terminal; the result goes back over IPC.
// No top-level await: the Electron build bundles this file as CommonJS (probe-child.cjs).
import { probeDevices } from './devices.ts';

const send = (m: unknown) =>
  new Promise<void>((resolve) => {
    // Started by hand (no IPC channel): nothing to answer to.
    if (!process.send) resolve();
    else process.send(m, () => resolve());
  });

probeDevices()
  .then(send)
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  // ORT and Dawn may keep threads alive after the probe; the parent has its answer.
  .finally(() => process.exit());
