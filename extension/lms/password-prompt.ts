// The quiz page's side of the gate: watches for the LMS's password prompt in the quiz tab, tells the background
// (once per prompt), and types the password the background sends for it. The password never lands anywhere the
// student can read: it goes straight into the LMS's hidden input and the form is submitted at once.
import { adapterFor } from './adapters.ts';
import type { PasswordPrompt } from './moodle.ts';

/** How often the page looks for the prompt (the dialogue opens when the student presses the start button). */
const watchMs = 300;

export function watchPasswordPrompt(pageUrl: string, on: { prompt(rejected: boolean): void; typed(): void }) {
  const adapter = adapterFor(pageUrl);
  let current: PasswordPrompt | undefined;
  let typed = false;
  const timer = adapter ? setInterval(() => {
    if (current || !document.documentElement) return;
    current = adapter.passwordPrompt(document);
    if (current) on.prompt(current.rejected);
  }, watchMs) : undefined;
  return {
    /** Types the password into the prompt reported, once. */
    type(password: string) {
      if (!adapter || !current || typed || !current.form.isConnected) return;
      typed = true;
      adapter.typePassword(current, password);
      on.typed();
    },
    stop: () => clearInterval(timer),
  };
}
