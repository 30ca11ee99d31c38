// Which LMS quiz a quiz address names. Two proctored links to the same LMS quiz (an instructor added it twice, or
// pasted the address with other parameters) are one quiz to the gate and to the attempt list.

/** Moodle: `<site>/mod/quiz/view.php?id=<cmid>` from any page of the quiz that carries the course module id. */
export function lmsQuizKey(quizUrl: string): string {
  const canvas = canvasQuiz(quizUrl);
  if (canvas) return canvas.key;
  const url = new URL(quizUrl);
  const moodle = /^(.*)\/mod\/quiz\/(?:view|startattempt)\.php$/.exec(url.pathname);
  const cmid = url.searchParams.get('id') ?? url.searchParams.get('cmid');
  if (moodle && cmid) return `${url.origin}${moodle[1]}/mod/quiz/view.php?id=${cmid}`;
  url.hash = '';
  return url.href;
}

/** Moodle's course module id of a quiz address, if it is a Moodle quiz. */
export function moodleCourseModule(quizUrl: string): number | undefined {
  const url = new URL(lmsQuizKey(quizUrl));
  const cmid = /\/mod\/quiz\/view\.php$/.test(url.pathname) ? Number(url.searchParams.get('id')) : NaN;
  return Number.isInteger(cmid) && cmid > 0 ? cmid : undefined;
}

/** What the instructor sees about the gate of one quiz, from what the extension reported when it typed the password. */
export type GateState = 'working' | 'not_set_up' | 'password_rejected' | 'not_checked';

export function gateState(gate: { passwordAcceptedAt: Date | null; passwordRejectedAt: Date | null; openedWithoutPasswordAt: Date | null }): { state: GateState; at?: Date } {
  const reports: [GateState, Date | null][] = [
    ['working', gate.passwordAcceptedAt], ['password_rejected', gate.passwordRejectedAt], ['not_set_up', gate.openedWithoutPasswordAt],
  ];
  const seen = reports.filter((entry): entry is [GateState, Date] => entry[1] !== null);
  // The latest report wins: a password pasted after a rejection, or removed after it worked, shows at once.
  const latest = seen.sort((a, b) => b[1].getTime() - a[1].getTime())[0];
  return latest ? { state: latest[0], at: latest[1] } : { state: 'not_checked' };
}

/** How the extension's typed password fared on the quiz page. */
export const gateResults = ['accepted', 'rejected', 'not_asked'] as const;
export type GateResult = (typeof gateResults)[number];

/**
 * Canvas: a Classic quiz (`/courses/:c/quizzes/:q`, any of its pages) or a New Quiz (its assignment,
 * `/courses/:c/assignments/:a`). The access code is set on the quiz id (Classic) or the assignment id (New Quizzes).
 */
export type CanvasQuiz = { kind: 'classic' | 'new'; origin: string; courseId: string; id: string; key: string };
export function canvasQuiz(quizUrl: string): CanvasQuiz | undefined {
  let url: URL;
  try {
    url = new URL(quizUrl);
  } catch {
    return undefined;
  }
  const match = /^\/courses\/([0-9]{1,18})\/(quizzes|assignments)\/([0-9]{1,18})(?:\/|$)/.exec(url.pathname);
  if (!match || url.protocol !== 'https:') return undefined;
  const [, courseId, kind, id] = match;
  return { kind: kind === 'quizzes' ? 'classic' : 'new', origin: url.origin, courseId, id, key: `${url.origin}/courses/${courseId}/${kind}/${id}` };
}
