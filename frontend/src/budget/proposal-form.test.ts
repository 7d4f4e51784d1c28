import { describe, expect, it } from 'vitest';
import type { EditionRef, Proposal, ProposalRequest } from './budget-api';
import { ProposalForm } from './proposal-form.svelte';

const ref: EditionRef = { lau2: '0501', editionId: 'E1' };
const made = (body: ProposalRequest): Proposal => ({
  id: 'P9', edition_id: 'E1', envelope_id: 'all', final_cents: null, author_name: 'Anna', supports: 0, status: 'submitted', reason: null,
  merged_into: null, implementation: null, funded: null, document: null, comment_count: 0, mine: true, supported: null, created_at: '2026-12-01T10:00:00Z',
  hidden: false, hidden_reason: null, hidden_note: null, hidden_reason_text: null,
  ...body, location: body.location ?? null, photo_ids: body.photo_ids ?? [],
});

function fake() {
  const sent: ProposalRequest[] = [];
  const documents: string[] = [];
  const api = {
    propose: async (_: EditionRef, body: ProposalRequest) => (sent.push(body), { ok: true as const, data: made(body) }),
    startDocument: async (_: EditionRef, id: string, file: { name: string }) => (documents.push(`${id}:${file.name}`), { ok: true as const, data: { url: 'https://s3/x', fields: { key: 'k' }, max_bytes: 1 } }),
  };
  return { api, sent, documents };
}

describe('a new proposal', () => {
  it('names each missing field and sends nothing', async () => {
    const { api, sent } = fake();
    const form = new ProposalForm(api, ref);
    expect(await form.submit(null)).toBeNull();
    expect(form.errors).toEqual({ title: 'required', description: 'required', category: 'required', estimated_cents: 'amount' });
    expect(sent).toEqual([]);
  });

  it('sends euros as cents, the point and the photo, then its PDF', async () => {
    const { api, sent, documents } = fake();
    const files: string[] = [];
    const form = new ProposalForm(api, ref, async (_url, _fields, file) => (files.push(file.name), true));
    form.title = ' Benches ';
    form.description = 'Along the river';
    form.category = 'public_space';
    form.euros = '12.500,50';
    form.pick(49.75, 6.1);
    form.pdf = new File(['%PDF-1.4'], 'plan.pdf', { type: 'application/pdf' });
    const proposal = await form.submit('PH1');
    expect(proposal?.id).toBe('P9');
    expect(sent).toEqual([{ title: 'Benches', description: 'Along the river', category: 'public_space', estimated_cents: 1_250_050, location: { lat: 49.75, lon: 6.1 }, photo_ids: ['PH1'] }]);
    expect(documents).toEqual(['P9:plan.pdf']);
    expect(files).toEqual(['plan.pdf']);
    expect(form.documentFailed).toBe(false);
  });

  it('refuses a half-typed point and a file that is no PDF', async () => {
    const { api } = fake();
    const form = new ProposalForm(api, ref);
    Object.assign(form, { title: 'T', description: 'D', category: 'sport', euros: '80', lat: '49.7' });
    form.pdf = new File(['x'], 'photo.png', { type: 'image/png' });
    expect(await form.submit(null)).toBeNull();
    expect(form.errors).toEqual({ location: 'coordinates', document: 'pdf' });
  });
});
