// The registry of attempt events: every type the extension reports or the server records, with the words the review
// timeline uses. The server refuses an event type the extension may not report. No dependencies: the extension's
// background bundles it.

/** Events the extension reports: lockdown rules, the recorder, the attempt's own life. */
export const extensionEventTypes = [
  // The attempt and its recorder.
  'lockdown_started', 'lockdown_rule_failed', 'attempt_finishing', 'quiz_tab_closed',
  'recorder_failed', 'recorder_error', 'recorder_stop_failed', 'stream_ended', 'stream_restarted', 'poor_video', 'extension_error',
  // Background lockdown rules.
  'tab_switch', 'tab_return', 'tab_allowed', 'tab_blocked', 'navigation_blocked', 'fullscreen_exited', 'fullscreen_restored',
  'displays_unknown', 'displays_at_start', 'displays_changed', 'other_extensions', 'extensions_disabled', 'extension_enabled',
  'devtools_opened', 'devtools_closed',
  // Quiz-page lockdown rules.
  'page_hidden', 'page_visible', 'clipboard_blocked', 'print_blocked', 'context_menu_blocked', 'drag_blocked', 'shortcut_blocked',
] as const;
export type ExtensionEventType = (typeof extensionEventTypes)[number];

/** Events only the server records. */
export const serverEventTypes = [
  'bandwidth_checked', 'heartbeat_resumed', 'heartbeat_refused', 'extension_removed', 'recording_gap',
  // The quiz gate (lti-server/gate/): the password handed out, what the quiz page made of it, the override's rotation.
  'gate_password_issued', 'gate_password_accepted', 'gate_password_rejected', 'gate_not_asked', 'gate_service_failed', 'gate_closed', 'gate_reapplied',
  // The proctoring status grade (lti-server/gate/proctoring-grade.ts).
  'grade_posted', 'grade_failed',
] as const;
export type ServerEventType = (typeof serverEventTypes)[number];
export type EventType = ExtensionEventType | ServerEventType;

export const eventLabels: Record<EventType, string> = {
  lockdown_started: 'Lockdown started',
  lockdown_rule_failed: 'A lockdown rule could not start',
  attempt_finishing: 'Attempt ended',
  quiz_tab_closed: 'Quiz tab closed',
  recorder_failed: 'Recording could not start',
  recorder_error: 'Recorder error',
  recorder_stop_failed: 'Recording did not stop cleanly',
  stream_ended: 'Stream stopped',
  stream_restarted: 'Stream restarted',
  poor_video: 'Picture too dark to judge',
  extension_error: 'Extension error',
  tab_switch: 'Left the quiz tab',
  tab_return: 'Back in the quiz tab',
  tab_allowed: 'Allowed address opened',
  tab_blocked: 'New tab closed',
  navigation_blocked: 'Navigation blocked',
  fullscreen_exited: 'Left full screen',
  fullscreen_restored: 'Full screen again',
  displays_unknown: 'Displays unknown',
  displays_at_start: 'Displays at start',
  displays_changed: 'Displays changed',
  other_extensions: 'Other extensions',
  extensions_disabled: 'Other extensions turned off',
  extension_enabled: 'Extension turned on',
  devtools_opened: 'Developer tools opened',
  devtools_closed: 'Developer tools closed',
  page_hidden: 'Quiz page hidden',
  page_visible: 'Quiz page visible again',
  clipboard_blocked: 'Clipboard blocked',
  print_blocked: 'Printing blocked',
  context_menu_blocked: 'Right-click menu blocked',
  drag_blocked: 'Dragging out blocked',
  shortcut_blocked: 'Shortcut blocked',
  bandwidth_checked: 'Upload speed checked',
  heartbeat_resumed: 'Extension heard from again',
  heartbeat_refused: 'Heartbeat refused',
  extension_removed: 'Extension removed',
  recording_gap: 'Recording gap',
  gate_password_issued: 'Quiz password handed to the extension',
  gate_password_accepted: 'Quiz password accepted',
  gate_password_rejected: 'Quiz password rejected',
  gate_not_asked: 'Quiz opened without a password',
  gate_service_failed: 'LMS web service failed',
  gate_closed: 'Quiz password withdrawn',
  gate_reapplied: 'Changed access code put back',
  grade_posted: 'Proctoring status sent to the LMS',
  grade_failed: 'Proctoring status not sent',
};

/** A stored event's label; a type from an older version still reads. */
export const eventLabel = (type: string) => eventLabels[type as EventType] ?? type.replace(/_/g, ' ');
