/**
 * "Enable NVIDIA CUDA" for the device panel: the status of ONNX Runtime's CUDA provider in this
 * home and process, and its install with progress events. ONNX Runtime is loaded once per
 * process, so a provider installed while the app runs is used after a restart; the status
 * says so rather than pretending.
 */
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure } from '../errors.ts';
import type { CudaInstallProgress, CudaStatus } from '../types.ts';
import type { ServiceContext } from './context.ts';
import { CudaInputError, installCuda, type CudaPhase } from '../../engine/cuda-install.ts';
import { checkCudaInstall, cudaRuntime, cudaRuntimeDir, cudaSupported, cudaUnavailableReason } from '../../engine/cuda-runtime.ts';

const NEEDS = 'an NVIDIA GPU with its driver, CUDA 12 and cuDNN 9';

export function cudaStatus(home: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): CudaStatus {
  if (!cudaSupported(platform, arch)) return { supported: false, installed: false, active: false, sentence: cudaUnavailableReason(platform, arch) };
  const installed = typeof checkCudaInstall(cudaRuntimeDir(home)) !== 'string';
  const { loaded } = cudaRuntime();
  let sentence: string;
  if (loaded) sentence = "NVIDIA CUDA is enabled: ONNX Runtime's CUDA provider is loaded; the list above says whether it trains on this computer.";
  else if (installed) sentence = 'NVIDIA CUDA is installed; restart BERT Studio to use it.';
  else sentence = `Enable NVIDIA CUDA to download ONNX Runtime's CUDA provider once (a large download, resumable); it needs ${NEEDS}.`;
  return { supported: true, installed, active: loaded, sentence };
}

export function cudaService(ctx: ServiceContext, env: NodeJS.ProcessEnv = process.env): Pick<ApiHandlers, 'system.cuda' | 'system.enableCuda' | 'system.cancelCuda'> {
  let running: Promise<CudaStatus> | undefined;
  let controller: AbortController | undefined;
  const emit = (p: CudaInstallProgress) => ctx.events.emit('cuda.install', p);
  async function enable(): Promise<CudaStatus> {
    let phase: CudaPhase = 'resolving';
    let received = 0;
    let total = 0;
    controller = new AbortController();
    try {
      await installCuda({
        home: ctx.home,
        env,
        signal: controller.signal,
        onPhase: (p) => {
          phase = p;
          emit({ phase, received, total, done: false });
        },
        onProgress: (bytes, size) => {
          received = bytes;
          total = size ?? 0;
          emit({ phase, received, total, done: false });
        },
      });
    } catch (err) {
      const cancelled = err instanceof Error && err.name === 'AbortError';
      const message = cancelled ? 'The download was cancelled; Enable NVIDIA CUDA again to resume where it stopped.' : err instanceof Error ? err.message : String(err);
      emit({ phase, received, total, done: true, error: message });
      if (cancelled) throw new ApiFailure('cancelled', message);
      if (err instanceof CudaInputError) throw new ApiFailure('unsupported', message);
      // Network and verification failures are sentences that say what to do: show them as they are.
      throw new ApiFailure('unavailable', message);
    }
    emit({ phase: 'done', received, total, done: true });
    return cudaStatus(ctx.home);
  }
  return {
    'system.cuda': () => cudaStatus(ctx.home),
    'system.enableCuda': () => {
      // One install at a time; a second click joins the running one.
      running ??= enable().finally(() => {
        running = undefined;
        controller = undefined;
      });
      return running;
    },
    'system.cancelCuda': () => {
      const c = controller;
      c?.abort();
      return { cancelled: c !== undefined };
    },
  };
}
