// The embedded S3 is safe for a pilot with real students: only requests signed with this install's secret (SDK
// calls, presigned URLs) get through; anonymous reads, writes, lists and deletes, s3rver's well-known key, a
// tampered or expired presigned URL are refused.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect } from 'vitest';
import { lmsTest } from '../support/fixtures.ts';

const test = lmsTest();

describe('the embedded S3', () => {
  test('lets signed requests through and refuses everything else', async ({ lms: { invigil } }) => {
    const key = 'evidence/embedded-test/extension/secret.jpg';
    await invigil.bucket.putBytes(key, Buffer.from('a recording'), 'image/jpeg');
    const signed = await invigil.bucket.presignGet(key, 60);
    const endpoint = new URL(signed).origin;
    const bucket = invigil.config.s3.bucket;
    const objectUrl = `${endpoint}/${bucket}/${key}`;

    // Signed: the presigned URL and the server's own SDK calls.
    expect(await (await fetch(signed)).text()).toBe('a recording');
    expect(await invigil.bucket.list('evidence/embedded-test/')).toEqual([expect.objectContaining({ key })]);

    // Anonymous: read, write, list, delete.
    const anonymous = [
      await fetch(objectUrl), await fetch(objectUrl, { method: 'PUT', body: 'overwritten' }),
      await fetch(`${endpoint}/${bucket}?list-type=2`), await fetch(objectUrl, { method: 'DELETE' }), await fetch(`${endpoint}/`),
    ];
    expect(anonymous.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await anonymous[0].text()).toContain('anonymous access is not allowed');

    // Signed with s3rver's well-known key, or with a wrong secret: refused.
    for (const credentials of [{ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, { accessKeyId: invigil.config.s3.accessKeyId, secretAccessKey: 'guessed' }]) {
      const client = new S3Client({ endpoint, region: invigil.config.s3.region, forcePathStyle: true, credentials });
      await expect(client.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      const forged = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 60 });
      expect((await fetch(forged)).status).toBe(403);
    }

    // A presigned URL for one object does not open another, and an expired one opens nothing.
    expect((await fetch(signed.replace('secret.jpg', 'other.jpg'))).status).toBe(403);
    const real = new S3Client({ endpoint, region: invigil.config.s3.region, forcePathStyle: true, credentials: invigil.config.s3 });
    const expired = await getSignedUrl(real, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 1, signingDate: new Date(Date.now() - 60_000) });
    const refused = await fetch(expired);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('expired');

    // Nothing above changed or removed the object.
    expect(Buffer.from(await invigil.bucket.getBytes(key)).toString()).toBe('a recording');
    // CORS preflights carry no credentials: they reach the storage's own CORS rules (none here), not the signature check.
    const preflight = await fetch(objectUrl, { method: 'OPTIONS', headers: { origin: 'chrome-extension://abc', 'access-control-request-method': 'PUT' } });
    expect(await preflight.text()).not.toContain('Access denied:');
  });
});
