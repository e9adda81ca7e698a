/** Small formatting helpers shared by the screens. */

/** The sentence to show for anything a call threw (API errors carry the server's sentence). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function percent(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function metricLabel(name: string): string {
  const known: Record<string, string> = {
    accuracy: 'Accuracy',
    macro_f1: 'Macro F1',
    macro_precision: 'Macro precision',
    macro_recall: 'Macro recall',
    micro_precision: 'Micro precision',
    micro_recall: 'Micro recall',
    weighted_precision: 'Weighted precision',
    weighted_recall: 'Weighted recall',
    entity_precision: 'Entity precision',
    entity_recall: 'Entity recall',
    micro_f1: 'Micro F1',
    weighted_f1: 'Weighted F1',
    roc_auc: 'ROC AUC',
    entity_f1: 'Entity F1',
    token_accuracy: 'Token accuracy',
    exact_match: 'Exact match',
    f1: 'F1',
    intent_accuracy: 'Intent accuracy',
    slot_f1: 'Slot F1',
    sentence_accuracy: 'Sentence accuracy',
    oos_recall: 'Out-of-scope recall',
    loss: 'Loss',
  };
  return known[name] ?? name.replaceAll('_', ' ');
}

export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Why a run stopped, as the trainer records it, in words. */
export function stopReason(reason: string): string {
  const known: Record<string, string> = {
    early: 'early stopping — the validation metric stopped improving, so the best evaluation was kept',
    max_epochs: 'it completed every epoch',
    cancelled: 'cancelled',
  };
  return known[reason] ?? reason.replaceAll('_', ' ');
}
