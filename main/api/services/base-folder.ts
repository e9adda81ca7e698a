/** Where a pretrained base model lives on disk: a cached model id becomes its folder. */
import fs from 'node:fs';
import { readManifest } from '../../models/hub/manifest.ts';
import { ApiFailure } from '../errors.ts';

export async function baseModelFolder(home: string, modelId: string): Promise<string> {
  const { models } = await readManifest(home);
  // A run stored before the manifest knew the model names its folder directly.
  const dir = models.find((x) => x.id === modelId)?.path ?? modelId;
  if (!fs.existsSync(dir)) throw new ApiFailure('not_found', `The base model ${modelId} is not on this computer any more. Add its folder again or pick another model.`);
  return dir;
}
