// Who sent a runtime message. Content scripts run with the extension's id too, so the id alone proves nothing:
// extension pages are told apart by their URL, and a page's origin is its frame's URL (a tool page sits in an
// LMS iframe, whose tab URL is the LMS's).
import { browser, type Browser } from 'wxt/browser';
import { originOf } from '../../models/origins.ts';
import { isTrusted } from './approved-origins.ts';

type Sender = Browser.runtime.MessageSender;

export const isExtensionPage = (sender: Sender) => sender.id === browser.runtime.id && !!sender.url?.startsWith(browser.runtime.getURL('/'));

export function requireExtensionPage(sender: Sender) {
  if (!isExtensionPage(sender)) throw new Error('Only Invigil\'s own pages may do this.');
}

/** The web page's origin, from the frame the browser says sent the message. */
export const pageOrigin = (sender: Sender) => (isExtensionPage(sender) ? undefined : originOf(sender.url));

/** The origin of a trusted tool page, or a refusal. */
export async function requireTrustedPage(sender: Sender) {
  const origin = pageOrigin(sender);
  if (!origin || !(await isTrusted(origin))) throw new Error('This site is not allowed to use Invigil.');
  return origin;
}
