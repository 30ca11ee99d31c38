// Proctored sessions' vocabulary: who is where (the statuses of the proctor's guide), how students get in (enrollment
// modes and codes), and the enrollment code's rules. No dependencies beyond the platform: pages, jobs and tests share it.
/** Invited → Waiting → In Session → Complete; Disconnected while an In Session student's heartbeats stop. */
export const participantStatuses = ['invited', 'waiting', 'in_session', 'complete', 'disconnected'] as const;
export type ParticipantStatus = (typeof participantStatuses)[number];
export const participantStatusLabels: Record<ParticipantStatus, string> = {
  invited: 'Invited', waiting: 'Waiting', in_session: 'In Session', complete: 'Complete', disconnected: 'Disconnected',
};
/** Statuses that hold a seat: the session's maximum counts these (an invitation alone does not). */
export const seatedStatuses: ParticipantStatus[] = ['waiting', 'in_session', 'complete', 'disconnected'];

/** Manual: only the students added (by CSV or by hand). Automatic: anyone in the course with the code. Hybrid: both. */
export const enrollmentModes = ['manual', 'automatic', 'hybrid'] as const;
export type EnrollmentMode = (typeof enrollmentModes)[number];
export const enrollmentModeLabels: Record<EnrollmentMode, string> = {
  manual: 'Manual: only the students added to the session',
  automatic: "Automatic: the course's students are invited, and anyone in the course with the code may join",
  hybrid: 'Hybrid: the students added, and anyone in the course with the code',
};
/** Whether a student nobody added may join with the code. */
export const openToCode = (mode: EnrollmentMode) => mode !== 'manual';

/** 6 to 8 letters and digits, case-sensitive (the student guide). */
export const enrollmentCodePattern = /^[A-Za-z0-9]{6,8}$/;
export const enrollmentCodeRule = 'An enrollment code is 6 to 8 letters and digits; upper and lower case differ.';

// Letters and digits that cannot be read as one another (no 0/O/o, 1/l/I, 5/S, 2/Z): a code is read off a screen or
// an email and typed.
const codeAlphabet = 'ABCDEFGHJKMNPQRTUVWXabcdefghjkmnpqrstuvwxy346789';

/** A new code: 8 characters from the alphabet above, with at least one digit, one upper and one lower case letter. */
export function newEnrollmentCode(length = 8): string {
  for (;;) {
    // 48 letters: a byte below 240 maps evenly onto them; the rest are drawn again.
    const bytes = [...crypto.getRandomValues(new Uint8Array(length * 2))].filter((b) => b < 240).slice(0, length);
    if (bytes.length < length) continue;
    const code = bytes.map((b) => codeAlphabet[b % codeAlphabet.length]).join('');
    if (/[0-9]/.test(code) && /[A-Z]/.test(code) && /[a-z]/.test(code)) return code;
  }
}

/** Session-level actions, each kept in the session's log. */
export const sessionActions = [
  'created', 'participants_imported', 'roster_invited', 'invitations_sent', 'auditor_invited', 'auditor_viewed', 'started', 'ended', 'joined', 'voided',
  'paused', 'resumed', 'message_sent', 'message_acknowledged', 'extra_time', 'attempt_ended', 'checklist_ticked', 'id_confirmed', 'resume_allowed', 'resumed_elsewhere', 'delivered', 'delivery_late',
] as const;
export type SessionAction = (typeof sessionActions)[number];
