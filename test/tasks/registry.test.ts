import { describe, expect, it } from 'vitest';
import { TASKS, TASK_NAMES, getTask, isTaskName } from '../../main/tasks/index.ts';

describe('task registry', () => {
  it('has one module per task, each under its own name, with its monitored metric', () => {
    expect(TASK_NAMES).toEqual(['classification', 'ner', 'qa', 'intent']);
    for (const name of TASK_NAMES) expect(TASKS[name].name).toBe(name);
    expect(TASK_NAMES.map((n) => getTask(n).monitor)).toEqual(['macro_f1', 'entity_f1', 'f1', 'intent_accuracy']);
  });

  it('names the choices when a task is unknown', () => {
    expect(isTaskName('ner')).toBe(true);
    expect(isTaskName('toString')).toBe(false);
    expect(() => getTask('summarization')).toThrow('Unknown task "summarization": choose one of classification, ner, qa, intent.');
  });
});
