// One adapter per LMS; the first that recognises the quiz's address handles it.
import type { LmsAdapter } from './adapter.ts';
import { canvasClassic } from './canvas-classic.ts';
import { canvasNewQuizzes } from './canvas-new-quizzes.ts';
import { moodle } from './moodle.ts';

const adapters: LmsAdapter[] = [moodle, canvasClassic, canvasNewQuizzes];

export function adapterFor(quizUrl: string): LmsAdapter | undefined {
  const url = new URL(quizUrl);
  return adapters.find((a) => a.isQuizPage(url));
}

/** By name: a frame of the quiz tab (New Quizzes' legacy iframe) is told which adapter its tab runs. */
export const adapterNamed = (name: string) => adapters.find((a) => a.name === name);
