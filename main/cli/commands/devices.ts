import type { Command } from '../command.ts';
import { probeDevices } from '../../engine/devices.ts';

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'List the compute devices (CPU, GPU providers) this machine can use, and why others cannot',
  usage: '',
  options: [],
  async run(ctx) {
    const devices = await probeDevices();
    const training = devices.filter((d) => d.training).map((d) => d.device);
    ctx.out.result({ devices, training_device: training[0] ?? 'cpu' }, () =>
      [...devices.map((d) => `${d.training ? '*' : d.works ? '+' : '-'} ${d.device.padEnd(7)} ${d.reason}`), '', `Training runs on: ${(training[0] ?? 'cpu').toUpperCase()} (* trains, + runs but not enabled for training, - unavailable).`].join('\n'),
    );
  },
};
