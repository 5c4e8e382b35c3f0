import { SUMMARY_FORMAT, type Summary } from './aggregate';
import { kindTables } from './figure';
import { assertRecord } from './guards';

/**
 * The summary as Markdown tables: per attack, one row per model and one column per ε (accuracy in %,
 * mean ± SEM over seeds), the Boundary-Attack scores, and each other kind's tables (robust accuracy against
 * queries, distances, accuracy per corruption and severity, mCE).
 */
export function summaryTables(summary: Summary): string {
  assertRecord('summaryTables', 'summary', summary, SUMMARY_FORMAT, ['curves', 'boundary']);
  return kindTables(summary).join('\n\n');
}
