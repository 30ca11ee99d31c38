// /admin/api: the LMS platforms this install trusts, and registration invites, changed through the running server
// (the command line uses it when a server runs), so a change takes effect at once and is stored by the one process
// that owns the database.
import express, { Router } from 'express';
import { adminBearer } from '../../http/authenticate.ts';
import { errorHandler } from '../../http/errors.ts';
import { route } from '../../http/route.ts';
import { activatePlatform, addPlatform, listPlatforms, removePlatform } from '../../lti/platforms.ts';
import { createInvite } from '../../lti/registration-invites.ts';
import { installPolicy } from '../../policies/install.ts';
import type { RouteContext } from '../context.ts';
import { addPlatformBody, connectionRef, inviteBody, platformRef, platformStateBody } from './schema.ts';
import { connectMoodle, lmsConnectionInput } from '../../gate/lms-connections.ts';
import { moodleFunctions, MoodleServiceError } from '../../gate/moodle-web-services.ts';
import { badRequest } from '../../http/errors.ts';
import { canvasApiKeyInput } from '../../gate/canvas-connections.ts';

export function adminApi({ db, lti, config, limiter, connections, tokens }: RouteContext, key: string) {
  const router = Router();
  router.use(express.json({ limit: '16kb' }));
  const admin = (method: 'get' | 'post', path: string) => route(router, method, path).authenticate(adminBearer(key))
    .limit(limiter, { name: 'admin', max: 120, windowMs: 60_000 }).load(() => ({ dataDir: config.dataDir }), 'The install').authorize(installPolicy, 'manage');

  admin('get', '/platforms').handle(async ({ res }) => res.json({ platforms: await listPlatforms(lti) }));
  admin('post', '/platforms').validate(addPlatformBody).handle(async ({ res, input }) => res.status(201).json(await addPlatform(lti, input)));
  admin('post', '/platforms/state').validate(platformStateBody).handle(async ({ res, input }) => res.json(await activatePlatform(lti, input.url, input.clientId, input.active)));
  admin('post', '/platforms/remove').validate(platformRef).handle(async ({ res, input }) => {
    await removePlatform(lti, input.url, input.clientId);
    res.json({ removed: true });
  });
  admin('post', '/invites').validate(inviteBody).handle(async ({ res, input }) => {
    const invite = await createInvite(db, input.hours);
    res.status(201).json({ url: `${config.publicUrl}/lti/register?invite=${invite.token}`, expiresAt: invite.expiresAt.toISOString() });
  });
  admin('post', '/admin-links').handle(async ({ res }) => res.status(201).json({ url: `${config.publicUrl}/admin/link?token=${await tokens.adminLink.sign()}` }));
  admin('get', '/lms-connections').handle(async ({ res }) => res.json({ connections: await connections.list() }));
  admin('post', '/lms-connections').validate(lmsConnectionInput).handle(async ({ res, input }) => {
    const platforms = await listPlatforms(lti);
    if (!platforms.some((p) => p.url === input.issuer)) throw badRequest(`No platform with issuer ${input.issuer} is registered: register the LMS first.`);
    try {
      res.status(201).json(await connectMoodle(connections, input));
    } catch (error) {
      if (error instanceof MoodleServiceError) throw badRequest(`${error.message}. Check the token, the site address and that the token's service holds ${moodleFunctions.join(', ')}.`);
      throw error;
    }
  });
  // Canvas: the school's API developer key (client id and secret), for instructors to authorise on their courses.
  admin('get', '/canvas-api-keys').handle(async ({ res }) => res.json({ keys: await connections.canvas.listApiKeys() }));
  admin('post', '/canvas-api-keys').validate(canvasApiKeyInput).handle(async ({ res, input }) => {
    const platforms = await listPlatforms(lti);
    if (!platforms.some((p) => p.url === input.issuer && p.clientId === input.clientId)) throw badRequest(`No Canvas registration with issuer ${input.issuer} and client id ${input.clientId} is registered: register the LTI key first.`);
    res.status(201).json(await connections.canvas.saveApiKey(input));
  });
  admin('post', '/lms-connections/remove').validate(connectionRef).handle(async ({ res, input }) => res.json({ removed: await connections.remove(input.issuer) }));
  router.use(errorHandler('json'));
  return router;
}
