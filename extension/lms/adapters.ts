// One adapter per LMS; the first that recognises the quiz's address handles it.
import { moodle } from './moodle.ts';

export type LmsAdapter = typeof moodle;
const adapters: LmsAdapter[] = [moodle];

export function adapterFor(quizUrl: string): LmsAdapter | undefined {
  const url = new URL(quizUrl);
  return adapters.find((a) => a.isQuizPage(url));
}
