import type { Command } from '../command.ts';

/** A subcommand as `--help` lists it; its module (and what that imports) loads only when it runs. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

/**
 * Every subcommand of `bert-studio`, in the order `--help` lists them (the order of the work).
 * A new command is one file in this folder and one entry here. Loading lazily keeps
 * `bert-studio --version` and every other command from paying for ONNX Runtime and SQLite.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'import', summary: 'Check a data file (CSV/TSV, XLSX, JSONL/JSON, CoNLL, SQuAD, class folders) and store it as a dataset', load: async () => (await import('./import.ts')).importCommand },
  { name: 'datasets', summary: 'List imported datasets', load: async () => (await import('./datasets.ts')).datasetsCommand },
  { name: 'projects', summary: 'List projects with their datasets, runs and latest result', load: async () => (await import('./projects.ts')).projectsCommand },
  { name: 'train', summary: 'Fine-tune a model on a dataset (or train a small one from scratch), with early stopping', load: async () => (await import('./train.ts')).trainCommand },
  { name: 'runs', summary: 'List training runs with their status and best validation metric', load: async () => (await import('./runs.ts')).runsCommand },
  { name: 'evaluate', summary: "Measure a trained model on a labelled data file with the task's metrics", load: async () => (await import('./evaluate.ts')).evaluateCommand },
  { name: 'predict', summary: 'Predict labels, entities or answers for every row of a file', load: async () => (await import('./predict.ts')).predictCommand },
  { name: 'export', summary: 'Export a trained model to ONNX, int8 ONNX or a Hugging Face folder, checked against the in-app model', load: async () => (await import('./export.ts')).exportCommand },
  { name: 'baseline', summary: "Show a run's baseline next to its model, or export the baseline to ONNX (checked in ONNX Runtime)", load: async () => (await import('./baseline.ts')).baselineCommand },
  { name: 'export-job', summary: 'Write a run as a cluster job (data, base model, train.py on transformers.Trainer, accelerate/torchrun launch lines)', load: async () => (await import('./export-job.ts')).exportJobCommand },
  { name: 'demo', summary: 'Try BERT Studio headless: a sample dataset, a tiny model from scratch, evaluation and an ONNX export', load: async () => (await import('./demo.ts')).demoCommand },
  { name: 'models', summary: 'List cached and catalog models, or add one (a local folder or a Hugging Face Hub id)', load: async () => (await import('./models.ts')).modelsCommand },
  { name: 'devices', summary: 'List the compute devices (CPU, GPU providers) this machine can use, and why others cannot', load: async () => (await import('./devices.ts')).devicesCommand },
  { name: 'serve', summary: 'Serve the app in your browser on 127.0.0.1 (browser mode), or run a training server for a team (--listen)', load: async () => (await import('./serve.ts')).serveCommand },
  { name: 'users', summary: 'Manage the training server’s users: add NAME (prints its token once), revoke NAME, share NAME --project ID, list', load: async () => (await import('./users.ts')).usersCommand },
  { name: 'parity', summary: 'Check the engine against a PyTorch parity fixture (logits, loss, gradients, AdamW steps)', load: async () => (await import('./parity.ts')).parityCommand },
  { name: 'bench', summary: 'Time BERT training steps and inference on this machine (random-init, AdamW, dropout on)', load: async () => (await import('./bench.ts')).benchCommand },
];
