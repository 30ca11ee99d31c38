// The review page's keyboard shortcuts, as a pure mapping from a key press to an action (unit-tested). The page
// lists the same keys; keep the two in step.

export type ReviewAction =
  | { kind: 'toggle' }
  | { kind: 'step'; seconds: number }
  | { kind: 'flag'; direction: 1 | -1 }
  | { kind: 'speed'; rate: 1 | 2 | 4 };

/** Fields where keys are text, and controls whose own keys (space on a button, arrows on a radio) must work. */
const typingTags = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const ownSpaceTags = new Set(['BUTTON', 'A', 'SUMMARY']);

export function shortcutFor(key: string, target: { tagName: string; isContentEditable?: boolean; role?: string | null }, modifiers: { ctrl: boolean; alt: boolean; meta: boolean }): ReviewAction | null {
  if (modifiers.ctrl || modifiers.alt || modifiers.meta) return null;
  if (typingTags.has(target.tagName) || target.isContentEditable) return null;
  switch (key) {
    case ' ': return ownSpaceTags.has(target.tagName) ? null : { kind: 'toggle' };
    case 'ArrowLeft': return { kind: 'step', seconds: -5 };
    case 'ArrowRight': return { kind: 'step', seconds: 5 };
    case 'j': case 'J': return { kind: 'step', seconds: -30 };
    case 'k': case 'K': return { kind: 'step', seconds: 30 };
    case 'n': case 'N': return { kind: 'flag', direction: 1 };
    case 'p': case 'P': return { kind: 'flag', direction: -1 };
    case '1': return { kind: 'speed', rate: 1 };
    case '2': return { kind: 'speed', rate: 2 };
    case '4': return { kind: 'speed', rate: 4 };
    default: return null;
  }
}

/** The flag to go to from `nowMs` (wall clock): the next one starting after it, or the previous one before it. */
export function neighbourFlag<F extends { startedAtMs: number }>(flags: readonly F[], nowMs: number, direction: 1 | -1): F | null {
  // Half a second of slack: after a seek to a flag the players sit a frame or so either side of its moment.
  const slackMs = 500;
  if (direction === 1) return flags.find((f) => f.startedAtMs > nowMs + slackMs) ?? null;
  return [...flags].reverse().find((f) => f.startedAtMs < nowMs - slackMs) ?? null;
}
