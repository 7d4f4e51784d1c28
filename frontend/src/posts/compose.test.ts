import { describe, expect, it } from 'vitest';
import { ComposeForm, localInputValue } from './compose.svelte';
import { fakePostsApi, ok, post, problem } from './fake-posts-api';
import type { Outcome } from '../api/outcome';
import type { NewPost, Post } from './posts-api';

const calm = () => ok({ looks_aggressive: false });
const rude = () => ok({ looks_aggressive: true });

describe('ComposeForm validation', () => {
  it('asks for what each kind needs, as the API would', () => {
    const { api } = fakePostsApi();
    const cases: [ConstructorParameters<typeof ComposeForm>[2], string[]][] = [
      ['discussion', ['text']],
      ['help_request', ['title', 'text']],
      ['giveaway', ['title', 'text']],
      ['lost_pet', ['species', 'description', 'last_seen']],
      ['recommendation', ['trade', 'name', 'text', 'contact']],
    ];
    for (const [kind, missing] of cases) {
      const form = new ComposeForm(api, 'n1', kind);
      expect(form.validate(), kind).toBe(false);
      expect(Object.keys(form.errors).sort(), kind).toEqual([...missing].sort());
    }
  });

  it('refuses a price in a giveaway, a point outside Luxembourg and a malformed phone', () => {
    const { api } = fakePostsApi();
    const give = new ComposeForm(api, 'n1', 'giveaway');
    give.fields.title = 'Bike';
    give.fields.text = 'Yours for 20 €';
    expect(give.validate()).toBe(false);
    expect(give.errors).toEqual({ text: { code: 'price' } });

    const cat = new ComposeForm(api, 'n1', 'lost_pet');
    Object.assign(cat.fields, { species: 'cat', description: 'grey', lat: '48.85', lon: '2.35' });
    expect(cat.validate()).toBe(false);
    expect(cat.errors.last_seen).toEqual({ code: 'outsideLuxembourg' });
    cat.setPoint(50.0949, 6.06294);
    expect(cat.fields.lat).toBe('50.09490');
    expect(cat.validate()).toBe(true);
    expect(cat.validate(true)).toBe(false); // the photo is still processing
    expect(cat.errors.photo_id).toEqual({ code: 'photoBusy' });
    cat.photoSettled(); // the photo is ready now: the message goes
    expect(cat.errors.photo_id).toBeUndefined();

    const pro = new ComposeForm(api, 'n1', 'recommendation');
    Object.assign(pro.fields, { trade: 'plumber', name: 'Jos', text: 'Quick', phone: 'call me' });
    expect(pro.validate()).toBe(false);
    expect(pro.errors).toEqual({ phone: { code: 'phone' } });
    pro.fields.phone = '+352 621 123 456';
    expect(pro.validate()).toBe(true);
  });

  it('builds the body of each kind, coordinates with a decimal comma too', () => {
    const { api } = fakePostsApi();
    const seen = new Date(2026, 11, 6, 17, 45);
    const cat = new ComposeForm(api, 'n1', 'found_pet', undefined, () => seen);
    Object.assign(cat.fields, { species: ' cat ', description: 'grey', lat: '50,1', lon: '6,05' });
    expect(cat.body('PH1')).toEqual({
      kind: 'found_pet', species: 'cat', description: 'grey', last_seen: { lat: 50.1, lon: 6.05 }, last_seen_at: seen.toISOString(), photo_id: 'PH1',
    });
    const talk = new ComposeForm(api, 'n1', 'discussion');
    talk.fields.text = 'Hello';
    expect(talk.body()).toEqual({ kind: 'discussion', title: null, text: 'Hello' });
  });
});

describe('ComposeForm: when a pet was last seen', () => {
  const at = new Date(2026, 11, 6, 17, 45);
  const ready = (form: ComposeForm) => Object.assign(form.fields, { species: 'cat', description: 'grey', lat: '50.05', lon: '6.03' });

  it('starts at now, in the local time a datetime-local field shows', () => {
    const form = new ComposeForm(fakePostsApi().api, 'n1', 'lost_pet', undefined, () => at);
    expect(form.fields.seenAt).toBe('2026-12-06T17:45');
    expect(localInputValue(new Date(2026, 0, 2, 3, 4))).toBe('2026-01-02T03:04');
  });

  it('takes an earlier time and refuses one still to come', () => {
    const form = new ComposeForm(fakePostsApi().api, 'n1', 'lost_pet', undefined, () => at);
    ready(form);
    form.fields.seenAt = '2026-12-05T08:30';
    expect(form.validate()).toBe(true);
    expect(form.body().kind === 'lost_pet' && form.body()).toMatchObject({ last_seen_at: new Date(2026, 11, 5, 8, 30).toISOString() });
    form.fields.seenAt = '2026-12-06T19:00';
    expect(form.validate()).toBe(false);
    expect(form.errors).toEqual({ last_seen_at: { code: 'future' } });
  });

  it('leaves the time to the API when the field is emptied', () => {
    const form = new ComposeForm(fakePostsApi().api, 'n1', 'found_pet', undefined, () => at);
    ready(form);
    form.fields.seenAt = '';
    expect(form.validate()).toBe(true);
    expect(form.body()).toMatchObject({ last_seen_at: null });
  });

  it('an edited post keeps the time it said', () => {
    const editing = post('P1', { kind: 'lost_pet', content: { species: 'cat', description: 'grey', last_seen_cell: 'x', last_seen_at: new Date(2026, 11, 4, 9, 15).toISOString() } });
    const form = new ComposeForm(fakePostsApi().api, 'n1', 'lost_pet', editing, () => at);
    expect(form.fields.seenAt).toBe('2026-12-04T09:15');
  });
});

describe('ComposeForm publishing', () => {
  it('a calm text is published after the tone check', async () => {
    const written: NewPost[] = [];
    const { api, named } = fakePostsApi({ toneCheck: calm, write: (_id, body) => (written.push(body), ok(post('NEW'))) });
    const form = new ComposeForm(api, 'n1', 'discussion');
    form.fields.text = 'Street party on Saturday';
    await form.submit();
    expect(named('toneCheck')).toEqual([['Street party on Saturday']]);
    expect(written).toEqual([{ kind: 'discussion', title: null, text: 'Street party on Saturday' }]);
    expect(form.current).toMatchObject({ phase: 'published', post: { id: 'NEW' } });
  });

  it('an aggressive text asks first; Edit goes back, Publish anyway publishes', async () => {
    const { api, named } = fakePostsApi({ toneCheck: rude, write: () => ok(post('NEW')) });
    const form = new ComposeForm(api, 'n1', 'discussion');
    form.fields.text = 'Shut up, idiot';
    await form.submit();
    expect(form.current.phase).toBe('tone');
    expect(named('write')).toHaveLength(0);
    form.edit();
    expect(form.current.phase).toBe('editing');
    expect(form.fields.text).toBe('Shut up, idiot');
    await form.submit();
    expect(form.current.phase).toBe('tone');
    await form.publish();
    expect(named('write')).toHaveLength(1);
    expect(form.current.phase).toBe('published');
  });

  it('publishes even when the tone check cannot be made (a reminder, never a block)', async () => {
    const { api, named } = fakePostsApi({ toneCheck: () => problem(500), write: () => ok(post('NEW')) });
    const form = new ComposeForm(api, 'n1', 'discussion');
    form.fields.text = 'Hello';
    await form.submit();
    expect(named('write')).toHaveLength(1);
  });

  it('sends a help request with the skill it needs, or none, and keeps it when editing', () => {
    const { api } = fakePostsApi();
    const form = new ComposeForm(api, 'n1', 'help_request');
    Object.assign(form.fields, { title: 'Sofa', text: 'Carry a sofa' });
    expect(form.body()).toEqual({ kind: 'help_request', title: 'Sofa', text: 'Carry a sofa', skill: null });
    form.fields.skill = 'moving_help';
    expect(form.body()).toMatchObject({ skill: 'moving_help' });
    const edited = new ComposeForm(api, 'n1', 'help_request', post('p1', { kind: 'help_request', content: { title: 'Sofa', text: 'x', skill: 'moving_help' } }));
    expect(edited.fields.skill).toBe('moving_help');
    const odd = new ComposeForm(api, 'n1', 'help_request', post('p2', { kind: 'help_request', content: { title: 'Sofa', text: 'x', skill: 'juggling' } }));
    expect(odd.fields.skill).toBe('');
  });

  it('invalid fields are not sent at all', async () => {
    const { api, calls } = fakePostsApi({ toneCheck: calm });
    const form = new ComposeForm(api, 'n1', 'help_request');
    await form.submit();
    expect(calls).toEqual([]);
    expect(form.firstError).toBe('title');
    expect(form.attempt).toBe(1);
  });

  it('puts the API field errors next to their fields, the first one first', async () => {
    const { api } = fakePostsApi({
      toneCheck: calm,
      write: () => problem(400, { 'post.lost_pet.last_seen.lat': 'inside Luxembourg', 'post.lost_pet.species': 'too short' }),
    });
    const form = new ComposeForm(api, 'n1', 'lost_pet');
    Object.assign(form.fields, { species: 'cat', description: 'grey', lat: '49.6', lon: '6.1' });
    await form.submit();
    expect(form.current.phase).toBe('editing');
    expect(form.errors).toEqual({ last_seen: { code: 'api', detail: 'inside Luxembourg' }, species: { code: 'api', detail: 'too short' } });
    expect(form.firstError).toBe('species');
  });

  it('a recommendation without contact (model error) and of oneself (409 on email) land on their fields', async () => {
    let answer: Outcome<Post> = problem(400, { 'post.recommendation': 'give a phone, an email or a website' });
    const { api } = fakePostsApi({ toneCheck: calm, write: () => answer });
    const form = new ComposeForm(api, 'n1', 'recommendation');
    Object.assign(form.fields, { trade: 'plumber', name: 'Jos', text: 'Good', email: 'jos@example.lu' });
    await form.submit();
    expect(form.errors).toEqual({ contact: { code: 'api', detail: 'give a phone, an email or a website' } });
    answer = problem(409, { email: 'your own email' });
    await form.submit();
    expect(form.errors).toEqual({ email: { code: 'api', detail: 'your own email' } });
  });

  it('edits an existing post with PATCH, prefilled from its content', async () => {
    const { api, named } = fakePostsApi({ toneCheck: calm, edit: (id) => ok(post(id)) });
    const existing = post('P1', { kind: 'help_offer', content: { title: 'Shopping', text: 'On Mondays' } });
    const form = new ComposeForm(api, 'n1', 'help_offer', existing);
    expect(form.fields.title).toBe('Shopping');
    form.fields.text = 'On Mondays and Fridays';
    await form.submit();
    expect(named('edit')).toEqual([['P1', { kind: 'help_offer', title: 'Shopping', text: 'On Mondays and Fridays' }]]);
  });
});
