// Models in: the hub download cache and the registry of usable models. The HTTP, proxy and
// verification details stay internal to this folder.
export { downloadModel, type DownloadModelOptions } from './download-model.ts';
export type { Progress } from './download-file.ts';
export { registerLocalFolder, inspectModelFolder, SUPPORTED_MODEL_TYPES } from './local-folder.ts';
export { cacheDirFor, isComplete, manifestPath, readManifest, resolveCachedModel, type ModelFile, type ModelManifest, type RegisteredModel } from './manifest.ts';
export { resolveModelRef, type ResolvedModel } from './resolve.ts';
export { DEFAULT_ENDPOINT, hubEndpoint } from './api.ts';
// Other downloads (ONNX Runtime's CUDA provider) reuse the same resumable, verified transfer.
export { downloadFile, type DownloadFileOptions, type DownloadedFile, type Expected } from './download-file.ts';
export { NUGET_ORG, resolveNugetPackage, type NugetPackage } from './nuget.ts';
