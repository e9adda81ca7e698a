import os from 'node:os';
import type { Command } from '../command.ts';
import { probeDevices } from '../../engine/devices.ts';
import { deviceReport } from '../../api/services/devices.ts';

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'List the compute devices (CPU, GPU providers) this machine can use, and why others cannot',
  usage: '',
  options: [],
  async run(ctx) {
    const devices = await probeDevices();
    // The same announcement the Settings screen shows, so a CPU fallback reads alike everywhere.
    const report = deviceReport(devices, os.availableParallelism());
    ctx.out.result({ devices, training_device: report.training, summary: report.sentence }, () =>
      [...devices.map((d) => `${d.training ? '*' : d.works ? '+' : '-'} ${d.device.padEnd(7)} ${d.reason}`), '', report.sentence, '(* trains, + runs but not enabled for training, - unavailable)'].join('\n'),
    );
  },
};
