import type { CommandContext, OptionSpec, ParsedArgs } from '../command.ts';
import { UserError } from '../errors.ts';
import { choice, str } from '../parse.ts';
import { CudaInputError, installCuda } from '../../engine/cuda-install.ts';
import { CUDA_DIR_ENV } from '../../engine/cuda-runtime.ts';
import { asUserError, progressPrinter } from './models.ts';

/**
 * `bert-studio devices --install cuda`: "Enable NVIDIA CUDA" from the command line. The device
 * list that follows is probed in a child process, which picks the new runtime up.
 */

export const INSTALL_OPTIONS: readonly OptionSpec[] = [
  { name: 'install', type: 'string', value: 'cuda', help: "Download and enable ONNX Runtime's CUDA provider (Linux x64, NVIDIA driver, CUDA 12 and cuDNN 9) into the home, then list the devices" },
  { name: 'feed', type: 'string', value: 'URL|FILE', help: 'With --install: a NuGet v3 service index to download from (default https://api.nuget.org/v3/index.json; e.g. a company mirror), or the path of the package file (.nupkg, with --sha256)' },
  { name: 'sha256', type: 'string', value: 'HEX', help: "With --install: the package's expected sha256 (needed when the feed publishes no hash)" },
];

export interface CudaInstallReport {
  readonly dir: string;
  readonly already_installed: boolean;
  readonly package: { readonly id: string; readonly version: string; readonly url: string; readonly size: number; readonly sha256: string };
  readonly sentence: string;
}

/** Runs the install when --install was given; undefined otherwise. Errors a user can act on exit 2. */
export async function installFromArgs(ctx: CommandContext, args: ParsedArgs): Promise<CudaInstallReport | undefined> {
  const what = choice(args, 'install', ['cuda'] as const);
  if (what === undefined) {
    if (str(args, 'feed') !== undefined || str(args, 'sha256') !== undefined) throw new UserError('--feed and --sha256 go with --install cuda.');
    return undefined;
  }
  const work = installCuda({
    home: ctx.home,
    feed: str(args, 'feed'),
    sha256: str(args, 'sha256'),
    signal: ctx.signal,
    onProgress: progressPrinter(),
    onPhase: (phase) => {
      if (phase === 'resolving') ctx.out.info('Looking up the CUDA provider package…');
      if (phase === 'extracting') ctx.out.info('Verified; installing the libraries…');
    },
  }).catch((err: unknown) => {
    throw err instanceof CudaInputError ? new UserError(err.message) : err;
  });
  const result = await asUserError(work);
  // The probe below runs in a child process: hand it the runtime folder.
  process.env[CUDA_DIR_ENV] = result.dir;
  const p = result.manifest.package;
  const sentence = result.alreadyInstalled
    ? `NVIDIA CUDA was already enabled: ONNX Runtime's CUDA provider ${p.version} is in ${result.dir}.`
    : `NVIDIA CUDA enabled: ${p.id} ${p.version} (${p.size} bytes, sha256 ${p.sha256}) verified and installed into ${result.dir}.`;
  return { dir: result.dir, already_installed: result.alreadyInstalled, package: { id: p.id, version: p.version, url: p.url, size: p.size, sha256: p.sha256 }, sentence };
}
