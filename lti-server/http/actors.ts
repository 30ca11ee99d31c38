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
export type Actor = LtiActor | ExtensionActor | AnonymousActor;

const teachingRoles = [
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
  'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
];

/** Maps LTI roles to ours; anyone who teaches the course reviews, everyone else takes the quiz. */
export function roleFromLti(roles: string[]): LtiActor['role'] {
  return roles.some((r) => teachingRoles.includes(r) || /#(Instructor|Administrator)$/.test(r)) ? 'instructor' : 'learner';
}
