/**
 * Words shared by the core's sentences and the UI (pure: the renderer may import it), so a
 * memory size or a device reads the same in the plan sentence, the form and the run screens.
 */
import type { DeviceId, RunPlan } from './types.ts';

export const DEVICE_LABEL: Record<DeviceId, string> = { cpu: 'CPU', webgpu: 'WebGPU', cuda: 'CUDA (NVIDIA)', dml: 'DirectML', coreml: 'Core ML' };

/** A run's stored device ('cpu', 'cuda'…) for people; an unknown one as stored. */
export function deviceName(device: string): string {
  return Object.hasOwn(DEVICE_LABEL, device) ? DEVICE_LABEL[device as DeviceId] : device;
}

/** "850 MiB", "1.5 GiB", "12 GiB": what a person reads at a glance. */
export function formatMiB(miB: number): string {
  if (miB < 1024) return `${Math.round(miB)} MiB`;
  const gib = miB / 1024;
  return `${gib >= 10 ? Math.round(gib) : Number(gib.toFixed(1))} GiB`;
}

/** Where a run trains: "the CPU (2 cores)", or the GPU provider's name. */
export function planDeviceText(plan: Pick<RunPlan, 'device' | 'cores'>): string {
  if (plan.device !== 'cpu') return deviceName(plan.device);
  return plan.cores === undefined ? 'the CPU' : `the CPU (${plan.cores} core${plan.cores === 1 ? '' : 's'})`;
}

/** Why the run trains where it does: "Device: WebGPU found no GPU adapter …" (the trainer's sentence, capitalised). */
export function planDeviceReason(plan: Pick<RunPlan, 'deviceReason'>): string {
  const r = plan.deviceReason ?? '';
  return `Device: ${r.charAt(0).toUpperCase()}${r.slice(1)}`;
}

/** The batch split: "batch 32 in one pass", "batch 32 as 4 passes of 8 (gradient accumulation)". */
export function planBatchText(plan: Pick<RunPlan, 'batchSize' | 'microBatch' | 'accumulation'>): string {
  if (plan.accumulation <= 1) return `batch ${plan.batchSize} in one pass`;
  // The trainer cuts a batch into near-equal parts: "of up to 7" when they are not all equal.
  const upTo = plan.microBatch * plan.accumulation === plan.batchSize ? '' : 'up to ';
  return `batch ${plan.batchSize} as ${plan.accumulation} passes of ${upTo}${plan.microBatch} (gradient accumulation)`;
}

/** The memory estimate against the limit: "about 610 MiB of the 6 GiB limit". */
export function planMemoryText(plan: Pick<RunPlan, 'peakMiB' | 'budgetMiB' | 'fits'>): string {
  const peak = formatMiB(plan.peakMiB);
  const limit = formatMiB(plan.budgetMiB);
  return plan.fits ? `about ${peak} of the ${limit} limit` : `about ${peak}, over the ${limit} limit: it may run out of memory`;
}

/**
 * The run's plan in one line for the Training screen: "Training on the CPU (2 cores) · batch 32
 * as 4 passes of 8 (gradient accumulation) · about 610 MiB of the 6 GiB limit". `live` picks
 * "Training" for a run under way and "Trained" for one that has stopped.
 */
export function planLine(plan: RunPlan, live: boolean): string {
  return `${live ? 'Training' : 'Trained'} on ${planDeviceText(plan)} · ${planBatchText(plan)} · ${planMemoryText(plan)}`;
}
