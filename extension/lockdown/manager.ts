// Lockdown rules register here, one file each. Starting lockdown runs every rule the quiz enables with one
// AbortSignal; aborting it tears every rule down, so nothing outlives the attempt.
import type { QuizSettings } from '../../models/contracts.ts';
import type { EventQueue } from '../attempt/event-queue.ts';

export type RuleContext = {
  quizTabId: number;
  settings: QuizSettings;
  report: EventQueue['report'];
};

export type LockdownRule = {
  name: string;
  /** Whether this rule runs for a quiz with these settings. */
  appliesTo: (settings: QuizSettings) => boolean;
  init: (signal: AbortSignal, context: RuleContext) => void | Promise<void>;
};

const rules: LockdownRule[] = [];

export function registerRule(rule: LockdownRule) {
  rules.push(rule);
}

export function registeredRules() {
  return rules.map((r) => r.name);
}

export async function startLockdown(context: RuleContext) {
  const controller = new AbortController();
  const active: string[] = [];
  for (const rule of rules) {
    if (!rule.appliesTo(context.settings)) continue;
    try {
      await rule.init(controller.signal, context);
      active.push(rule.name);
    } catch (error) {
      // A rule that fails to start must not trap the student or stop the attempt: report it and go on.
      context.report('lockdown_rule_failed', { rule: rule.name, message: String((error as Error).message) });
    }
  }
  return { active, stop: () => controller.abort() };
}
