import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ManualTimers } from './fake-timers';
import {
  PHOTO_POLL_MS, PHOTO_POLLS_ALLOWED, PhotoUpload, sendWithProgress,
  type Photo, type PhotoType, type SendFile, type UploadStarted,
} from './photo-upload.svelte';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const jpeg = (size = 4000, type = 'image/jpeg') => Object.assign(new Blob(['x'.repeat(size)], { type }), { name: 'cat.jpg' });
const started: UploadStarted = { photo_id: 'PH1', upload: { url: 'http://s3.test/uploads', fields: { key: 'incoming/photos/n1/PH1' } }, max_bytes: 10485760 };
const ok = <T>(data: T): Outcome<T> => ({ ok: true, data });
const problem = (status: number): Outcome<never> => ({ ok: false, problem: problemFrom(status, { error: { code: 'x', message: 'no', fields: {} } }) });
const answer = (status: Photo['status'], more: Partial<Photo> = {}): Photo => ({ status, display_url: null, thumb_url: null, reason: null, ...more });

/** A fake API recording its calls; `photo` answers in turn from `photos` (the last one repeats). */
function fakeApi(start: () => Outcome<UploadStarted> = () => ok(started), photos: Outcome<Photo>[] = [ok(answer('waiting'))]) {
  const calls: [string, ...unknown[]][] = [];
  return {
    calls,
    api: {
      startUpload: async (type: PhotoType, size: number) => (calls.push(['startUpload', type, size]), start()),
      photo: async (id: string) => (calls.push(['photo', id]), photos.length > 1 ? photos.shift()! : photos[0]!),
    },
  };
}

describe('PhotoUpload', () => {
  it('refuses other types and oversize files before asking the API', async () => {
    const { api, calls } = fakeApi();
    const upload = new PhotoUpload(api);
    await upload.start(jpeg(10, 'text/plain'));
    expect(upload.current).toEqual({ phase: 'failed', filename: 'cat.jpg', reason: 'type' });
    await upload.start(jpeg(10 * 1024 * 1024 + 1));
    expect(upload.current).toMatchObject({ phase: 'failed', reason: 'tooLarge', maxBytes: 10 * 1024 * 1024 });
    expect(calls).toEqual([]);
  });

  it('shows the upload progress, then processing until the server says ready', async () => {
    const timers = new ManualTimers();
    const { api, calls } = fakeApi(undefined, [ok(answer('waiting')), ok(answer('ready', { thumb_url: 'https://s3/t' }))]);
    const seen: (number | null)[] = [];
    let finish: (done: boolean) => void = () => undefined;
    const send: SendFile = (_upload, _file, onProgress) => {
      onProgress(1000, 4000);
      seen.push(upload.percent);
      onProgress(3000, 4000);
      seen.push(upload.percent);
      return new Promise((resolve) => (finish = resolve));
    };
    const upload = new PhotoUpload(api, { send, timers });
    const going = upload.start(jpeg());
    await flush();
    expect(calls).toEqual([['startUpload', 'image/jpeg', 4000]]);
    expect(seen).toEqual([25, 75]);
    expect(upload.busy).toBe(true);
    finish(true);
    await going;
    expect(upload.current).toEqual({ phase: 'processing', filename: 'cat.jpg', photoId: 'PH1' });
    expect(upload.readyId).toBeNull();
    timers.advance(0);
    await flush();
    expect(upload.current.phase).toBe('processing');
    timers.advance(PHOTO_POLL_MS);
    await flush();
    expect(upload.current).toEqual({ phase: 'ready', filename: 'cat.jpg', photoId: 'PH1', thumbUrl: 'https://s3/t' });
    expect(upload.readyId).toBe('PH1');
    expect(upload.busy).toBe(false);
  });

  it('says why the server refused the photo, and gives up on a photo that never gets processed', async () => {
    const timers = new ManualTimers();
    const refused = fakeApi(undefined, [ok(answer('failed', { reason: 'not an image' }))]);
    const upload = new PhotoUpload(refused.api, { send: async () => true, timers });
    await upload.start(jpeg());
    timers.advance(0);
    await flush();
    expect(upload.current).toMatchObject({ phase: 'failed', reason: 'refused', detail: 'not an image' });

    const stuck = fakeApi();
    const slow = new PhotoUpload(stuck.api, { send: async () => true, timers });
    await slow.start(jpeg());
    for (let i = 0; i < PHOTO_POLLS_ALLOWED; i++) {
      timers.advance(PHOTO_POLL_MS);
      await flush();
    }
    expect(slow.current).toMatchObject({ phase: 'failed', reason: 'slow' });
    expect(stuck.calls.filter(([name]) => name === 'photo')).toHaveLength(PHOTO_POLLS_ALLOWED);
  });

  it('keeps waiting through a network hiccup but stops on a refusal', async () => {
    const timers = new ManualTimers();
    const hiccup = fakeApi(undefined, [problem(503), ok(answer('ready'))]);
    const a = new PhotoUpload(hiccup.api, { send: async () => true, timers });
    await a.start(jpeg());
    timers.advance(0);
    await flush();
    expect(a.current.phase).toBe('processing');
    timers.advance(PHOTO_POLL_MS);
    await flush();
    expect(a.current.phase).toBe('ready');

    const gone = fakeApi(undefined, [problem(404)]);
    const b = new PhotoUpload(gone.api, { send: async () => true, timers });
    await b.start(jpeg());
    timers.advance(0);
    await flush();
    expect(b.current).toMatchObject({ phase: 'failed', reason: 'api', problem: { status: 404 } });
    expect(timers.pending).toBe(0);
  });

  it('a refused start, a photo larger than the server allows or a failed upload is a failure; clearing stops the polling', async () => {
    const timers = new ManualTimers();
    const a = new PhotoUpload(fakeApi(() => problem(413)).api, { timers });
    await a.start(jpeg());
    expect(a.current).toMatchObject({ phase: 'failed', reason: 'tooLarge' });
    const forbidden = new PhotoUpload(fakeApi(() => problem(403)).api, { timers });
    await forbidden.start(jpeg());
    expect(forbidden.current).toMatchObject({ phase: 'failed', reason: 'api', problem: { status: 403 } });

    const small = fakeApi(() => ok({ ...started, max_bytes: 1000 }));
    const tight = new PhotoUpload(small.api, { send: async () => true, timers });
    await tight.start(jpeg(2000));
    expect(tight.current).toMatchObject({ phase: 'failed', reason: 'tooLarge', maxBytes: 1000 });

    const b = new PhotoUpload(fakeApi().api, { send: async () => false, timers });
    await b.start(jpeg());
    expect(b.current).toMatchObject({ phase: 'failed', reason: 'upload' });

    const c = new PhotoUpload(fakeApi().api, { send: async () => true, timers });
    await c.start(jpeg());
    c.clear();
    expect(timers.pending).toBe(0);
    expect(c.current.phase).toBe('idle');
  });

  it('sends the fields first and the file last, and reports progress', async () => {
    const appended: string[] = [];
    const progress: [number, number][] = [];
    const request = {
      upload: {} as { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void },
      status: 204,
      onload: undefined as undefined | (() => void),
      onerror: undefined as undefined | (() => void),
      onabort: undefined as undefined | (() => void),
      open: (method: string, url: string) => appended.push(`${method} ${url}`),
      send(form: FormData) {
        for (const [name] of form.entries()) appended.push(name);
        this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
        this.onload?.();
      },
    };
    const sent = await sendWithProgress(started.upload, jpeg(10), (s, t) => progress.push([s, t]),
      () => request as unknown as XMLHttpRequest);
    expect(sent).toBe(true);
    expect(appended).toEqual(['POST http://s3.test/uploads', 'key', 'file']);
    expect(progress).toEqual([[5, 10]]);
  });
});
