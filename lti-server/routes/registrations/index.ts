// GET /lti/canvas.json: the Canvas developer key configuration (lti/canvas-configuration.ts).
// GET /lti/register: LTI Dynamic Registration, only through a one-time link an admin made (`npm run platform --
// invite`). The link's invite is claimed for the registration and spent when it succeeds.
import { Router, type Request } from 'express';
import { page } from '../../pages/layout.ts';
import { html } from '../../pages/html.ts';
import type { InviteActor } from '../../http/actors.ts';
import { badRequest, conflict, errorHandler, HttpError } from '../../http/errors.ts';
import { floodGuard } from '../../http/rate-limit.ts';
import { route } from '../../http/route.ts';
import { canvasDeveloperKey } from '../../lti/canvas-configuration.ts';
import { registerDynamically, RegistrationError } from '../../lti/dynamic-registration.ts';
import { claimInvite, findInvite, releaseInvite, useInvite } from '../../lti/registration-invites.ts';
import type { RouteContext } from '../context.ts';
import { registrationQuery } from './schema.ts';

export function registrationRoutes({ db, lti, config }: RouteContext) {
  const router = Router();
  const outbound = { allowedInternalHosts: config.registrationInternalHosts };
  // Registrations are rare and admin-initiated: a tight limit per address keeps probing slow.
  const limit = floodGuard({ windowMs: 60_000, max: 10 });
  const invite = async (req: Request): Promise<{ actor: InviteActor }> => {
    const token = typeof req.query.invite === 'string' ? req.query.invite : '';
    const inviteId = token ? await findInvite(db, token) : undefined;
    if (!inviteId) throw new HttpError(403, 'invite_required', 'This registration link is not valid: it was used already, has expired, or is incomplete. Ask the Invigil administrator for a new one (npm run platform -- invite).');
    return { actor: { kind: 'invite', inviteId } };
  };

  route(router, 'get', '/register').use(limit).authenticate(invite).validate(registrationQuery, 'query')
    .handle(async ({ res, actor, input }) => {
      if (!(await claimInvite(db, actor.inviteId))) throw conflict('A registration through this link is already running. Wait a minute, then look at `npm run platform -- list`.');
      try {
        const registered = await registerDynamically({ lti, config, outbound }, { openidConfiguration: input.openid_configuration, registrationToken: input.registration_token });
        await useInvite(db, actor.inviteId, registered.issuer);
        res.type('html').send(page('Registered', html`<h1>Invigil is registered</h1>
<p class="notice ok" role="status">Registered with ${registered.issuer} (client ${registered.clientId}). An Invigil administrator must activate it before it can launch: <code>npm run platform -- activate --url ${registered.issuer} --client-id ${registered.clientId}</code>.</p>`, { module: 'registration-done' }));
      } catch (error) {
        await releaseInvite(db, actor.inviteId);
        if (error instanceof RegistrationError) throw badRequest(error.message);
        throw error;
      }
    });
  router.use('/register', errorHandler('html'));

  // Canvas: Admin › Developer Keys › + LTI Key › Method "Enter URL" (or paste this JSON).
  router.get('/canvas.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(canvasDeveloperKey(config));
  });
  return router;
}
