import os from 'node:os';
import type { Command } from '../command.ts';
import path from 'node:path';
import { probeDevicesQuietly, setNativeLogFile } from '../../engine/quiet-probe.ts';
import { deviceReport } from '../../api/services/devices.ts';
import { INSTALL_OPTIONS, installFromArgs } from './devices-install.ts';

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'List the compute devices (CPU, GPU providers) this machine can use, and why others cannot',
  usage: '[--install cuda [--feed URL|FILE] [--sha256 HEX]]',
  options: INSTALL_OPTIONS,
  async run(ctx, args) {
    const installed = await installFromArgs(ctx, args);
    // A fresh probe (not the process's cached one), its native messages in the home's log.
    setNativeLogFile(path.join(ctx.home, 'logs', 'native.log'));
    const devices = await probeDevicesQuietly();
    // The same announcement the Settings screen shows, so a CPU fallback reads alike everywhere.
    const report = deviceReport(devices, os.availableParallelism());
    ctx.out.result({ ...(installed ? { cuda_install: installed } : {}), devices, training_device: report.training, summary: report.sentence }, () =>
      [...(installed ? [installed.sentence, ''] : []), ...devices.map((d) => `${d.training ? '*' : d.works ? '+' : '-'} ${d.device.padEnd(7)} ${d.reason}`), '', report.sentence, '(* trains, + runs but not enabled for training, - unavailable)'].join('\n'),
    );
  },
};
