/** The text files of an exported job: pinned requirements, the accelerate config and the README. */

// The versions this job was written and checked against (scripts/cluster-check.sh on a GPU machine).
export const REQUIREMENTS = `# Pinned: the versions scripts/cluster-check.sh ran this job with.
torch==2.11.0
transformers==5.17.0
accelerate==1.15.0
safetensors>=0.4
`;

/** One machine, every GPU it has, fp32 as the app trains; `--num_processes` on the command line overrides. */
export const ACCELERATE_CONFIG = `compute_environment: LOCAL_MACHINE
distributed_type: MULTI_GPU
num_machines: 1
machine_rank: 0
num_processes: 1
gpu_ids: all
mixed_precision: 'no'
main_training_function: main
rdzv_backend: static
same_network: true
use_cpu: false
`;

export function jobReadme(runId: number, examples: Record<'train' | 'validation' | 'test', number>, monitor: string, batchSize: number, base: string): string {
  return `# BERT Studio run ${runId} as a cluster job

Written by \`bert-studio export-job --run ${runId}\`. Self-contained: the data splits the app
used (\`data/*.jsonl\`: ${examples.train} train, ${examples.validation} validation, ${examples.test} test),
the base model (${base}), the run's settings (\`job.json\`), \`train.py\` on
\`transformers.Trainer\` and the app's metrics and decoding (\`studio_*.py\`, the same definitions).

## Install (once, on the cluster)

    python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt

## Launch

One GPU (or the CPU when there is none):

    accelerate launch --num_processes 1 train.py

Every GPU of one machine (the global batch stays ${batchSize}: each of N processes takes ${batchSize}/N):

    accelerate launch --config_file accelerate_config.yaml --multi_gpu --num_processes N train.py

Several machines (run on each, with its own --node_rank):

    torchrun --nnodes M --nproc_per_node N --node_rank R --rdzv_backend c10d --rdzv_endpoint HOST:29500 train.py

CPU processes only (gloo), e.g. to try it on a workstation:

    torchrun --nproc_per_node 2 train.py --cpu

## Back to the app

\`output/model\` is a Hugging Face folder; \`output/metrics.json\` has the validation and test
metrics as the app computes them (monitored: ${monitor}). Copy \`output/model\` to the app's
machine and run

    bert-studio models add output/model

(or History → "Import a trained model"): the app evaluates it on run ${runId}'s test split
and lists it in History next to run ${runId}.

## What matches the app, and what cannot

Same: data splits, label order, task head, learning rate, linear warmup and decay, AdamW
(no decay on biases and LayerNorm), gradient clipping, epochs, batch size, max length,
length-grouped batches, evaluation every epoch (or every \`evalSteps\`), early stopping on
${monitor} with the app's patience rule, best weights restored at the end, seed. A model
from scratch starts from the app's own initial weights (\`base/\`).
Not bit-identical: PyTorch draws its own dropout masks and batch order from the seed, so
metrics differ by run-to-run noise (scripts/cluster-check.sh checks within 0.02).
The best evaluation is the highest ${monitor} (the app also requires it to beat the previous
best by min_delta, \`job.json\` hp.minDelta, which is 0 unless you set it).
`;
}
