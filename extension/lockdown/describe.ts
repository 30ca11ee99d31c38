// How lockdown events put durations and key presses into the sentences instructors read.
export function describeDuration(ms: number) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A key press as people write it: "Ctrl+Shift+I". */
export function describeKeys(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>) {
  const parts = [event.ctrlKey && 'Ctrl', event.metaKey && 'Cmd', event.altKey && 'Alt', event.shiftKey && 'Shift'].filter(Boolean) as string[];
  const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
  return [...parts, key].join('+');
}
