// The quiz page's side of the gate: watches for the LMS's password (access code) prompt in the quiz tab, tells the
// background (once per prompt), and types the password the background sends for it. The password never lands
// anywhere the student can read: it goes straight into the LMS's field and the form is submitted at once.
// A prompt that shows again after Invigil typed (Canvas's form after a wrong code, an app re-rendering its step)
// is a refusal, whatever its markup says: the tab remembers, for its session, that it typed.
import type { LmsAdapter, PasswordPrompt } from './adapter.ts';

/** How often the page looks for the prompt (the dialogue opens when the student presses the start button). */
const watchMs = 300;
const typedKey = 'invigil-gate-typed';

function typedBefore() {
  try {
    return sessionStorage.getItem(typedKey) === '1';
  } catch {
    return false; // storage blocked (an opaque frame): no memory, the markup alone decides
  }
}
function rememberTyped(typed: boolean) {
  try {
    if (typed) sessionStorage.setItem(typedKey, '1');
    else sessionStorage.removeItem(typedKey);
  } catch {
    // as above
  }
}

export function watchPasswordPrompt(adapter: LmsAdapter | undefined, on: { prompt(rejected: boolean): void; typed(): void; attemptPage(): void }) {
  let current: PasswordPrompt | undefined;
  let typedHere = false;
  let attemptReported = false;
  let looked = false;
  const timer = adapter ? setInterval(() => {
    if (!document.documentElement || document.readyState === 'loading') return;
    if (!attemptReported && adapter.attemptPageIn?.(document)) {
      attemptReported = true;
      rememberTyped(false);
      on.attemptPage();
    }
    if (current?.form.isConnected) return;
    const found = adapter.passwordPrompt(document);
    if (!found) {
      // Loaded without a prompt, or the prompt went away: what was typed before was taken.
      if (current || !looked) rememberTyped(false);
      current = undefined;
      looked = true;
      return;
    }
    looked = true;
    current = found;
    typedHere = false;
    on.prompt(found.rejected || typedBefore());
  }, watchMs) : undefined;
  return {
    /** Types the password into the prompt reported, once. */
    type(password: string) {
      if (!adapter || !current || typedHere || !current.form.isConnected) return;
      typedHere = true;
      rememberTyped(true);
      adapter.typePassword(current, password);
      on.typed();
    },
    stop: () => clearInterval(timer),
  };
}
