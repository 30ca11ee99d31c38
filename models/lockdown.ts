// Which lockdown rules a quiz runs: a preset an instructor picks, or their own choice of rules. Shared by the
// settings form (server) and the rule managers (extension). No dependencies: the extension's background bundles it.

/** Every rule the extension has, by the name of its file. */
export const lockdownRuleNames = [
  'tab-switch', 'page-visibility', 'new-tabs', 'navigation', 'fullscreen',
  'clipboard', 'printing', 'context-menu', 'drag-out', 'shortcuts',
  'multiple-monitors', 'other-extensions', 'devtools',
] as const;
export type LockdownRuleName = (typeof lockdownRuleNames)[number];
/** Rules the quiz page enforces (a content script); the others run in the extension's background. */
export const pageRuleNames: readonly LockdownRuleName[] = ['page-visibility', 'clipboard', 'printing', 'context-menu', 'drag-out', 'shortcuts'];

/** What each rule does, in the words the student's overlay and the instructor's form use. */
export const lockdownRuleLabels: Record<LockdownRuleName, string> = {
  'tab-switch': 'Leaving the quiz tab or window is recorded',
  'page-visibility': 'Hiding the quiz page is recorded',
  'new-tabs': 'New tabs and windows are closed (allowed addresses excepted)',
  navigation: 'The quiz tab stays on the quiz (allowed addresses excepted)',
  fullscreen: 'The quiz window stays full screen',
  clipboard: 'Copy, cut and paste are blocked',
  printing: 'Printing is blocked',
  'context-menu': 'The right-click menu is blocked',
  'drag-out': 'Dragging text or images out is blocked',
  shortcuts: 'Browser shortcuts (new tab, developer tools, view source, save, print) are blocked',
  'multiple-monitors': 'A second display is flagged',
  'other-extensions': 'Other browser extensions are listed for your instructor',
  devtools: 'Opening developer tools is recorded',
};

export const lockdownPresets = ['off', 'closed_book', 'notes_allowed', 'open_book', 'custom'] as const;
export type LockdownPreset = (typeof lockdownPresets)[number];

export const lockdownPresetLabels: Record<LockdownPreset, string> = {
  off: 'Off: no lockdown, only recording',
  closed_book: 'Closed book: every rule',
  notes_allowed: 'Notes allowed: allowed addresses may open beside the quiz, copying is allowed, no full screen',
  open_book: 'Open book: nothing is blocked; leaving the quiz, other displays, extensions and developer tools are recorded',
  custom: 'Custom: the rules ticked below',
};

const presetRules: Record<Exclude<LockdownPreset, 'custom'>, readonly LockdownRuleName[]> = {
  off: [],
  closed_book: lockdownRuleNames,
  notes_allowed: lockdownRuleNames.filter((r) => r !== 'fullscreen' && r !== 'clipboard'),
  open_book: ['tab-switch', 'page-visibility', 'multiple-monitors', 'other-extensions', 'devtools'],
};

/** A quiz's lockdown settings (validated by lockdownSettingsSchema in contracts.ts). */
export type LockdownSettings = {
  preset: LockdownPreset;
  /** Only read for the custom preset. */
  rules: LockdownRuleName[];
  /** Address prefixes that may load in the quiz tab or open in new tabs, besides the quiz's own site. */
  allowedUrls: string[];
  /** Turn other extensions off for the attempt and back on after it (Chrome; Firefox only lists them). */
  disableOtherExtensions: boolean;
};

export function rulesFor(settings: LockdownSettings): LockdownRuleName[] {
  const chosen = settings.preset === 'custom' ? settings.rules : presetRules[settings.preset];
  // Keep the canonical order, whatever order the form sent.
  return lockdownRuleNames.filter((r) => chosen.includes(r));
}

/** Whether a URL may load in the quiz tab or a new tab: the quiz's own site, or under an allowed address. */
export function isAllowedUrl(url: string, quizUrl: string, allowedUrls: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.origin === new URL(quizUrl).origin) return true;
  return allowedUrls.some((prefix) => {
    const allowed = new URL(prefix);
    return target.origin === allowed.origin && target.pathname.startsWith(allowed.pathname);
  });
}
