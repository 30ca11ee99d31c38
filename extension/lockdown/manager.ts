// Lockdown rules that run in the background register here, one file each (rules/). Starting lockdown runs every
// rule the quiz's settings choose with one AbortSignal; aborting it tears every rule down, so nothing outlives the
// attempt. Rules that leave state behind them outside the worker (disabled extensions, blocking rules) also give a
// `release`, which runs when the worker starts without an attempt: a crash or browser restart cannot leave a lock.
import type { FlagInput, QuizSettings } from '../../models/contracts.ts';
import { rulesFor, type LockdownRuleName } from '../../models/lockdown.ts';
import type { EventQueue } from '../attempt/event-queue.ts';
import { failed } from '../attempt/failures.ts';

export type RuleContext = {
  quizTabId: number;
  quizUrl: string;
  /** The Invigil server the attempt reports to: its own pages (the start page, a relaunch from the LMS) stay open. */
  toolOrigin: string;
  settings: QuizSettings;
  /** An event for the review timeline; give it a `summary` sentence an instructor can read. */
  report: EventQueue['report'];
  /** A flag for the review, as the detector raises them. */
  flag: (flag: FlagInput) => void;
};

export type LockdownRule = {
  name: LockdownRuleName;
  init: (signal: AbortSignal, context: RuleContext) => void | Promise<void>;
  /** Undoes what the rule may have left behind when no attempt is running. */
  release?: () => Promise<void>;
  /** Listeners that must exist from the worker's first moment, attempt or not (they see what happened before). */
  workerStarted?: () => void;
};

const rules: LockdownRule[] = [];

export function registerRule(rule: LockdownRule) {
  rules.push(rule);
}

export function registeredRuleNames() {
  return rules.map((r) => r.name);
}

export async function startLockdown(context: RuleContext) {
  const controller = new AbortController();
  const chosen = rulesFor(context.settings.lockdown);
  const active: LockdownRuleName[] = [];
  for (const rule of rules) {
    if (!chosen.includes(rule.name)) continue;
    try {
      await rule.init(controller.signal, context);
      active.push(rule.name);
    } catch (error) {
      // A rule that fails to start must not trap the student or stop the attempt: report it and go on.
      context.report('lockdown_rule_failed', { rule: rule.name, summary: `The ${rule.name} rule could not start: ${(error as Error).message}` });
    }
  }
  return { active, chosen, stop: () => controller.abort() };
}
export type Lockdown = Awaited<ReturnType<typeof startLockdown>>;

/** Called once, synchronously, when the background worker starts. */
export function workerStarted() {
  rules.forEach((r) => r.workerStarted?.());
}

/** Run at start-up without an attempt: whatever a crashed attempt left locked is unlocked. */
export async function releaseLeftovers() {
  await Promise.all(rules.flatMap((r) => (r.release ? [r.release().catch(failed(`releasing what the ${r.name} rule left`))] : [])));
}
