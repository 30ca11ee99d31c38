// Runs whenever developer tools open on a tab: tells the background which tab, and (by disconnecting) when they close.
import { browser } from 'wxt/browser';
import { devtoolsPortPrefix } from '../../messaging/protocol.ts';

const devtools = (globalThis as unknown as { chrome?: { devtools?: { inspectedWindow: { tabId: number } } } }).chrome?.devtools
  ?? (browser as unknown as { devtools: { inspectedWindow: { tabId: number } } }).devtools;
browser.runtime.connect({ name: `${devtoolsPortPrefix}${devtools.inspectedWindow.tabId}` });
