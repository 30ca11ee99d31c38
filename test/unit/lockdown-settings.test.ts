// Which rules a quiz runs, what an allowed address is, and the settings form that chooses them.
import { describe, expect, it } from 'vitest';
import { quizSettingsSchema } from '../../models/contracts.ts';
import { isAllowedUrl, lockdownRuleNames, pageRuleNames, rulesFor } from '../../models/lockdown.ts';
import { quizForm } from '../../lti-server/routes/quizzes/schema.ts';
import { registeredRuleNames } from '../../extension/lockdown/manager.ts';
import '../../extension/lockdown/rules/index.ts';

const settings = (lockdown: unknown) => quizSettingsSchema.parse({ policyText: 'p', lockdown }).lockdown;

describe('lockdown presets', () => {
  it('closed book runs every rule; notes allowed drops full screen and the clipboard; open book only records', () => {
    expect(rulesFor(settings({ preset: 'closed_book' }))).toEqual([...lockdownRuleNames]);
    expect(rulesFor(settings({ preset: 'notes_allowed' }))).not.toEqual(expect.arrayContaining(['fullscreen']));
    expect(rulesFor(settings({ preset: 'notes_allowed' }))).toHaveLength(lockdownRuleNames.length - 2);
    expect(rulesFor(settings({ preset: 'open_book' }))).toEqual(['tab-switch', 'page-visibility', 'multiple-monitors', 'other-extensions', 'devtools']);
    expect(rulesFor(settings({ preset: 'off', rules: ['clipboard'] }))).toEqual([]);
  });

  it('custom runs exactly the ticked rules, in their usual order', () => {
    expect(rulesFor(settings({ preset: 'custom', rules: ['shortcuts', 'tab-switch'] }))).toEqual(['tab-switch', 'shortcuts']);
  });

  it('reads quizzes saved with the old on/off switch', () => {
    expect(settings(true).preset).toBe('closed_book');
    expect(settings(false).preset).toBe('off');
    expect(quizSettingsSchema.parse({ policyText: 'p' }).lockdown).toEqual({ preset: 'closed_book', rules: [], allowedUrls: [], disableOtherExtensions: false });
  });

  it('has a background rule file for every rule the page does not enforce', () => {
    expect(registeredRuleNames().sort()).toEqual(lockdownRuleNames.filter((r) => !pageRuleNames.includes(r)).sort());
  });
});

describe('allowed addresses', () => {
  const quiz = 'https://moodle.example.edu/mod/quiz/view.php?id=4';
  it('allow the quiz site and what lies under an allowed address, nothing else', () => {
    const allowed = ['https://sso.example.edu/login/', 'https://files.example.edu/formulas.pdf'];
    expect(isAllowedUrl('https://moodle.example.edu/mod/quiz/attempt.php?attempt=9', quiz, allowed)).toBe(true);
    expect(isAllowedUrl('https://sso.example.edu/login/saml?x=1', quiz, allowed)).toBe(true);
    expect(isAllowedUrl('https://files.example.edu/formulas.pdf', quiz, allowed)).toBe(true);
    expect(isAllowedUrl('https://sso.example.edu/logout', quiz, allowed)).toBe(false);
    expect(isAllowedUrl('http://moodle.example.edu/mod/quiz/view.php', quiz, allowed)).toBe(false);
    expect(isAllowedUrl('https://moodle.example.edu.evil.com/', quiz, allowed)).toBe(false);
    expect(isAllowedUrl('not a url', quiz, allowed)).toBe(false);
  });
});

describe('the settings form', () => {
  const base = { title: 'Quiz', quizUrl: 'https://moodle.example.edu/mod/quiz/view.php?id=4', policyText: 'p' };
  it('turns the preset, ticked rules, address lines and the extensions box into lockdown settings', () => {
    const parsed = quizForm.parse({ ...base, lockdownPreset: 'custom', lockdownRules: ['clipboard', 'navigation'], allowedUrls: 'https://a.example/x\r\n\r\n  https://b.example/ ', disableOtherExtensions: 'on' });
    expect(parsed.lockdown).toEqual({ preset: 'custom', rules: ['clipboard', 'navigation'], allowedUrls: ['https://a.example/x', 'https://b.example/'], disableOtherExtensions: true });
    expect(quizForm.parse({ ...base, lockdownRules: 'clipboard' }).lockdown.rules).toEqual(['clipboard']);
  });

  it('takes per-quiz bitrates, with defaults, and names a bad one', () => {
    expect(quizForm.parse({ ...base, webcamKbps: '200', screenKbps: '400' })).toMatchObject({ webcamKbps: 200, screenKbps: 400 });
    expect(quizForm.parse(base)).toMatchObject({ webcamKbps: 300, screenKbps: 350 });
    const bad = quizForm.safeParse({ ...base, webcamKbps: '5000' });
    expect(bad.error!.issues.map((i) => [i.path[0], i.message])).toEqual([['webcamKbps', 'At most 2000 kbit/s']]);
  });

  it('names the field of a bad address or an unknown rule', () => {
    const bad = quizForm.safeParse({ ...base, allowedUrls: 'ftp://files.example/' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path[0]).toBe('allowedUrls');
    expect(bad.error!.issues[0].message).toContain('http:// or https://');
    expect(quizForm.safeParse({ ...base, lockdownRules: ['keylogger'] }).success).toBe(false);
  });
});
