// The recording bucket: presigned uploads and downloads, plus the few server-side reads and writes the jobs need.
import { createReadStream } from 'node:fs';
import {
  CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand,
  ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { Config } from '../config.ts';
import type { EvidenceSource } from '../../models/flags.ts';

export type Bucket = ReturnType<typeof createBucket>;

/** Presigned URLs live only a few minutes: long enough to upload one chunk, too short to share. */
export const presignSeconds = 300;

export function createBucket(config: Config['s3'], endpoint = config.endpoint) {
  const clientOptions = {
    region: config.region,
    endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The SDK's default checksums break presigned PUTs and stream uploads on s3rver (see DESIGN.md).
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
  };
  const client = new S3Client(clientOptions);
  const signer = new S3Client({ ...clientOptions, endpoint: config.publicEndpoint ?? endpoint });
  const name = config.bucket;
  const encryption = config.serverSideEncryption ? { ServerSideEncryption: config.serverSideEncryption } : {};

  const browserEndpoint = config.publicEndpoint ?? endpoint;
  return {
    name,
    /** Where browsers fetch recordings and thumbnails from (the pages' Content-Security-Policy allows it). */
    browserOrigin: browserEndpoint ? new URL(browserEndpoint).origin : `https://*.s3.${config.region}.amazonaws.com https://*.s3.amazonaws.com`,
    async ensureExists() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: name }));
      } catch {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      }
    },
    /** A URL the extension PUTs one object to; the content type is signed so nothing else can be stored there. */
    async presignPut(key: string, contentType: string, bytes: number) {
      const command = new PutObjectCommand({ Bucket: name, Key: key, ContentType: contentType, ContentLength: bytes, ...encryption });
      const url = await getSignedUrl(signer, command, {
        expiresIn: presignSeconds,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      const headers: Record<string, string> = { 'content-type': contentType };
      if (config.serverSideEncryption) headers['x-amz-server-side-encryption'] = config.serverSideEncryption;
      return { url, headers };
    },
    async presignGet(key: string, expiresIn = presignSeconds) {
      return getSignedUrl(signer, new GetObjectCommand({ Bucket: name, Key: key }), { expiresIn });
    },
    async head(key: string): Promise<{ bytes: number } | undefined> {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: name, Key: key }));
        return { bytes: head.ContentLength ?? 0 };
      } catch (error) {
        if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
        throw error;
      }
    },
    async getBytes(key: string): Promise<Uint8Array> {
      const object = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return object.Body!.transformToByteArray();
    },
    async getStream(key: string): Promise<Readable> {
      const object = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
      return object.Body as Readable;
    },
    async putBytes(key: string, body: Uint8Array, contentType: string) {
      await client.send(new PutObjectCommand({ Bucket: name, Key: key, Body: body, ContentType: contentType, ContentLength: body.length, ...encryption }));
    },
    async putFile(key: string, file: string, contentType: string, bytes: number) {
      await client.send(new PutObjectCommand({
        Bucket: name, Key: key, Body: createReadStream(file), ContentType: contentType, ContentLength: bytes, ...encryption,
      }));
    },
    async list(prefix: string): Promise<{ key: string; bytes: number }[]> {
      const found: { key: string; bytes: number }[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) found.push({ key: o.Key!, bytes: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },
    async deleteMany(keys: string[]) {
      for (let i = 0; i < keys.length; i += 1000) {
        await client.send(new DeleteObjectsCommand({
          Bucket: name, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) },
        }));
      }
    },
    destroy: () => { client.destroy(); signer.destroy(); },
  };
}

/** Where each object of an attempt lives: per-attempt prefixes keep retention deletes exact. */
export const objectKeys = {
  chunk: (attemptId: string, stream: string, segment: number, seq: number) =>
    `chunks/${attemptId}/${stream}/${String(segment).padStart(4, '0')}/${String(seq).padStart(6, '0')}.webm`,
  chunkPrefix: (attemptId: string, stream: string) => `chunks/${attemptId}/${stream}/`,
  /** Under the attempt's chunk prefix, so retention deletes it with the chunks. */
  chunkRun: (attemptId: string, stream: string, segment: number, firstSeq: number, lastSeq: number) =>
    `chunks/${attemptId}/${stream}/${String(segment).padStart(4, '0')}/run-${String(firstSeq).padStart(6, '0')}-${String(lastSeq).padStart(6, '0')}.webm`,
  review: (attemptId: string, stream: string) => `review/${attemptId}/${stream}.webm`,
  /** A still along the review recording's scrubber; under review/ so retention deletes it with the recording. */
  thumbnail: (attemptId: string, stream: string, index: number) => `review/${attemptId}/thumbs/${stream}-${index}.jpg`,
  evidence: (attemptId: string, source: EvidenceSource, flagId: string) => `evidence/${attemptId}/${source}/${flagId}.jpg`,
  /** Every prefix that holds an object of this attempt. */
  attemptPrefixes: (attemptId: string) => [`chunks/${attemptId}/`, `review/${attemptId}/`, `evidence/${attemptId}/`],
};
