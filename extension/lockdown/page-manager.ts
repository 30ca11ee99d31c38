// Lockdown rules enforced inside the quiz page (by the quiz-guard content script) register here, one file each
// (page-rules/). Same shape as the background's rules: init(signal) starts one, aborting the signal undoes it.
import type { ExtensionEventType } from '../../models/events.ts';
import type { LockdownRuleName } from '../../models/lockdown.ts';

export type PageRuleContext = {
  /** An event for the review timeline, with a `summary` sentence an instructor can read. */
  report: (type: ExtensionEventType, details: Record<string, string | number | boolean>) => void;
};

export type PageRule = {
  name: LockdownRuleName;
  init: (signal: AbortSignal, context: PageRuleContext) => void;
};

const rules: PageRule[] = [];

export function registerPageRule(rule: PageRule) {
  rules.push(rule);
}

export function startPageLockdown(names: readonly string[], context: PageRuleContext) {
  const controller = new AbortController();
  for (const rule of rules) {
    if (!names.includes(rule.name)) continue;
    try {
      rule.init(controller.signal, context);
    } catch (error) {
      context.report('lockdown_rule_failed', { rule: rule.name, summary: `The ${rule.name} rule could not start in the quiz page: ${(error as Error).message}` });
    }
  }
  return { stop: () => controller.abort() };
}
