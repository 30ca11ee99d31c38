// The review's vocabulary: decisions on flags, attempt outcomes (a course may use its own words), audit actions, and
// the queue's risk score. No dependencies beyond models/: pages, exports and tests share it.
import { flagSeverities, type FlagSeverity } from './flags.ts';

export const flagDecisionKinds = ['dismissed', 'confirmed'] as const;
export type FlagDecisionKind = (typeof flagDecisionKinds)[number];
export const flagDecisionLabels: Record<FlagDecisionKind, string> = { dismissed: 'Dismissed', confirmed: 'Confirmed' };

/** One outcome a reviewer can give an attempt; `occurrence`: it counts towards "second occurrence". */
export type OutcomeChoice = { key: string; label: string; occurrence: boolean };

/** The defaults, from the nursing school's policy: resolved, an Honor Code warning, or a referral to the Honor Council. */
export const defaultOutcomes: OutcomeChoice[] = [
  { key: 'no_issue', label: 'No issue', occurrence: false },
  { key: 'resolved', label: "Resolved after the student's explanation", occurrence: false },
  { key: 'warning', label: 'Honor Code warning', occurrence: true },
  { key: 'referred', label: 'Referred to the Honor Council', occurrence: true },
];

export const defaultDismissReasons = [
  'Poor video, not cheating',
  'Allowed by accommodation',
  'Detector mistake',
  'Explained by the student',
];

export const auditActions = [
  'recording_viewed', 'flag_decided', 'outcome_decided', 'explanation_requested', 'explanation_answered',
  'settings_changed', 'accommodation_changed', 'profile_changed', 'report_exported', 'course_exported', 'recording_retried',
] as const;
export type AuditAction = (typeof auditActions)[number];
export const auditActionLabels: Record<AuditAction, string> = {
  recording_viewed: 'Viewed the recordings',
  flag_decided: 'Decided on a flag',
  outcome_decided: 'Decided the outcome',
  explanation_requested: 'Asked the student for an explanation',
  explanation_answered: 'The student answered',
  settings_changed: 'Changed the proctoring settings',
  accommodation_changed: 'Changed accommodations',
  profile_changed: "Changed the course's outcome words",
  report_exported: 'Exported the attempt report (PDF)',
  course_exported: 'Exported the course (CSV)',
  recording_retried: 'Retried a failed recording',
};

/** The risk score: per flag not dismissed, its severity's weight × the seconds it lasted (at least `minSeconds`). */
export const riskWeights: Record<FlagSeverity, number> = { low: 1, medium: 2, high: 3 };
export const riskMinSeconds = 5;
export const riskFormula = `Risk = the sum, over flags not dismissed, of severity weight × seconds the flag lasted (at least ${riskMinSeconds} s each); weights: ${flagSeverities.map((s) => `${s} ${riskWeights[s]}`).join(', ')}.`;

export function riskScore(list: { severity: FlagSeverity; startedAt: Date; endedAt: Date; dismissed: boolean }[]) {
  return Math.round(list.filter((f) => !f.dismissed)
    .reduce((sum, f) => sum + riskWeights[f.severity] * Math.max(riskMinSeconds, (f.endedAt.getTime() - f.startedAt.getTime()) / 1000), 0));
}

/** The latest entry of an append-only list (decisions, outcomes): ids grow, the highest counts. */
export function latest<T extends { id: number }>(list: T[]): T | undefined {
  return list.reduce<T | undefined>((best, e) => (!best || e.id > best.id ? e : best), undefined);
}

/** "second occurrence": how many earlier attempts of the student in the course had an outcome that counts. */
export function occurrenceLabel(earlier: number) {
  const words = ['First', 'Second', 'Third'];
  return `${words[earlier] ?? `${earlier + 1}th`} occurrence`;
}
