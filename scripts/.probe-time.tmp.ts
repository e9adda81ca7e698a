import { probeDevices } from '../main/engine/devices.ts';
const t = performance.now();
const r = await probeDevices();
console.log((performance.now() - t).toFixed(0), 'ms', JSON.stringify(r.map((d) => [d.device, d.works, d.training, d.usable, d.error, d.software, d.reason])));
