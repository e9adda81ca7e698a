// The PyTorch checkpoint reader's public surface; the VM and zip reader stay internal.
export { readPytorchCheckpoint, type CheckpointTensor } from './checkpoint.ts';
export { ForbiddenGlobalError } from './state-dict.ts';
export { PickleError } from './unpickler.ts';
export { convertPytorchToSafetensors } from './convert.ts';
