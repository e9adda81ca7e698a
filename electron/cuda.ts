// Imported first by main.ts, so it runs before the core's modules load ONNX Runtime: when the user
// enabled NVIDIA CUDA, ORT is loaded from the app-data folder that holds its CUDA provider
// (main/engine/cuda-runtime.ts says why it cannot come from node_modules).
import { app } from 'electron';
import { useCudaRuntime } from '../main/engine/cuda-runtime.ts';

useCudaRuntime(app.getPath('userData'));
