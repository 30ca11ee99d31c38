// Who is making a request. Pages act for an LTI user; the extension acts for exactly one attempt.
export type LtiActor = {
  kind: 'lti';
  launchId: string;
  userId: string;
  userName: string | null;
  role: 'instructor' | 'learner';
  issuer: string;
  clientId: string;
  deploymentId: string;
  contextId: string | null;
};
export type ExtensionActor = { kind: 'extension'; attemptId: string };
export type AnonymousActor = { kind: 'anonymous' };
/** An LMS registering through an admin's one-time Dynamic Registration link. */
export type InviteActor = { kind: 'invite'; inviteId: string };
/** The install's administrator, with the admin key (the command line, through the running server). */
export type AdminActor = { kind: 'admin' };
/** A session's auditor (NCCER), by the expiring link they were emailed: read-only, one session. */
export type AuditorActor = { kind: 'auditor'; auditorId: number; sessionId: string };
export type Actor = LtiActor | ExtensionActor | AnonymousActor | InviteActor | AdminActor | AuditorActor;

const lis = 'http://purl.imsglobal.org/vocab/lis/v2';

/**
 * Course rights come only from the user's role in this course (LIS membership roles), never from a role elsewhere
 * in the institution: a student who also teaches another course is a student here. Who reviews a course's attempts:
 * - `membership#Instructor` and its sub-roles (`membership/Instructor#TeachingAssistant`, `#Lecturer`, `#Grader`…);
 * - `membership#Administrator`: an administrator of this course.
 * Deliberately not: `membership#ContentDeveloper` (builds the course, has no need to watch students),
 * `membership#Mentor`, and institution or system roles, `#Administrator` included — an LMS administrator who must
 * review enrols in the course, where the LMS records it.
 */
export function hasCourseRights(roles: readonly string[]): boolean {
  return roles.some((role) =>
    role === `${lis}/membership#Instructor`
    || role.startsWith(`${lis}/membership/Instructor#`)
    || role === `${lis}/membership#Administrator`);
}

/** Maps LTI roles to ours: course rights review, everyone else takes the quiz. */
export function roleFromLti(roles: readonly string[]): LtiActor['role'] {
  return hasCourseRights(roles) ? 'instructor' : 'learner';
}
