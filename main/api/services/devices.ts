/**
 * The device list for the UI (and the CLI's `devices`): which device training uses and, for
 * every GPU provider, why it is or is not used. Never a silent CPU fallback: the sentence says
 * so in words, with the reason of the most relevant GPU provider.
 */
import os from 'node:os';
import { probeDevicesOnce, type DeviceStatus } from '../../engine/devices.ts';
import { providerPlatforms } from '../../engine/runtime.ts';
import type { ApiHandlers } from '../dispatch.ts';
import type { DeviceInfo, DeviceReport } from '../types.ts';
import { DEVICE_LABEL as LABEL } from '../wording.ts';

/**
 * The GPU provider whose reason explains the fallback best: one that runs here but is not
 * enabled for training, else one this platform ships (its start failure or missing install),
 * else none (every GPU provider is for other platforms).
 */
function explaining(statuses: readonly DeviceStatus[], platform: NodeJS.Platform): DeviceStatus | undefined {
  const gpus = statuses.filter((d) => d.device !== 'cpu');
  return gpus.find((d) => d.works) ?? gpus.find((d) => providerPlatforms(d.device).includes(platform));
}

/** The probe's statuses → the report the UI shows. Pure, so the wording is tested for every case. */
export function deviceReport(statuses: readonly DeviceStatus[], cores: number, platform: NodeJS.Platform = process.platform): DeviceReport {
  const devices: DeviceInfo[] = statuses.map((d) => ({
    device: d.device,
    label: LABEL[d.device],
    training: d.training,
    works: d.works,
    reason: d.reason,
    // The devices main/train/device.ts accepts by name: the CPU and a GPU whose training step was verified.
    selectable: d.device === 'cpu' || (d.device === 'webgpu' && d.verified === true),
    ...(d.software ? { software: d.software } : {}),
  }));
  const gpu = statuses.find((d) => d.device !== 'cpu' && d.training);
  if (gpu) return { training: gpu.device, sentence: `Training on the GPU: ${LABEL[gpu.device]}.`, devices };
  const cpu = `the CPU (${cores} core${cores === 1 ? '' : 's'})`;
  const why = explaining(statuses, platform);
  const reason = why?.reason.replace(/\.$/, '');
  let sentence: string;
  if (!why) sentence = `Training on ${cpu}: no GPU provider exists for ${platform}.`;
  else if (why.works) sentence = `Training on ${cpu}: ${reason}.`;
  else sentence = `No usable GPU found — training on ${cpu}: ${reason}.`;
  return { training: 'cpu', sentence, devices };
}

/** The device report; the probe behind it runs once per process (engine/devices.ts). */
export async function devicesOfThisMachine(): Promise<DeviceReport> {
  return deviceReport(await probeDevicesOnce(), os.availableParallelism());
}

export function devicesService(): Pick<ApiHandlers, 'system.devices'> {
  return { 'system.devices': () => devicesOfThisMachine() };
}
