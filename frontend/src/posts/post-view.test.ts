import { describe, expect, it } from 'vitest';
import { member, post } from './fake-posts-api';
import { authorOf, editable, formFieldOf, lastSeenAt, lastSeenPlace, mentionsIn, nextStates } from './post-view';

describe('where and when a pet was last seen', () => {
  const pet = (content: Record<string, unknown>) => post('P1', { kind: 'lost_pet', content: { species: 'cat', ...content } });

  it('names the street and locality, and the neighbourhood when it adds something', () => {
    expect(lastSeenPlace(pet({ last_seen_place: { street: 'Grand-Rue', locality: 'Clervaux', neighbourhood: 'Clervaux-Nord' } })))
      .toBe('Grand-Rue, Clervaux (Clervaux-Nord)');
    expect(lastSeenPlace(pet({ last_seen_place: { street: 'Grand-Rue', locality: 'Clervaux', neighbourhood: 'Clervaux' } })))
      .toBe('Grand-Rue, Clervaux');
    expect(lastSeenPlace(pet({ last_seen_place: { street: null, locality: null, neighbourhood: 'Am Duerf' } }))).toBe('Am Duerf');
    expect(lastSeenPlace(pet({}))).toBe('');
  });

  it('says when it was seen, else when it was posted', () => {
    expect(lastSeenAt(pet({ last_seen_at: '2026-11-25T17:30:00+00:00' }))).toBe('2026-11-25T17:30:00+00:00');
    expect(lastSeenAt(pet({}))).toBe('2026-11-26T10:00:00Z');
  });
});

describe('post view helpers', () => {
  it('offers only the legal next states of each kind', () => {
    expect(nextStates({ kind: 'lost_pet', state: 'lost' })).toEqual(['reunited']);
    expect(nextStates({ kind: 'lost_pet', state: 'reunited' })).toEqual([]);
    expect(nextStates({ kind: 'help_request', state: 'matched' })).toEqual(['done', 'open']);
    expect(nextStates({ kind: 'giveaway', state: 'reserved' })).toEqual(['given', 'available']);
    expect(nextStates({ kind: 'discussion', state: null })).toEqual([]);
  });

  it('finds mentions by whole display name, longest first, each once', () => {
    const members = [member('a', 'Anna'), member('aw', 'Anna Weber'), member('b', 'Ben')];
    expect(mentionsIn('@Anna Weber and @anna, @Annabel and @Ben @Ben', members)).toEqual(['aw', 'a', 'b']);
    expect(mentionsIn('no mention of Ben here', members)).toEqual([]);
  });

  it('maps API field names to form fields', () => {
    expect(formFieldOf('post.lost_pet.species', 'lost_pet')).toBe('species');
    expect(formFieldOf('post.lost_pet.last_seen.lon', 'lost_pet')).toBe('last_seen');
    expect(formFieldOf('post.recommendation', 'recommendation')).toBe('contact');
    expect(formFieldOf('post', 'discussion')).toBe('form');
    expect(formFieldOf('email', 'recommendation')).toBe('email');
    expect(formFieldOf('self', 'recommendation')).toBe('form');
  });

  it('names the author from the members, or says where they come from', () => {
    const names = new Map([['u1', 'Anna']]);
    expect(authorOf({ author_id: 'u1' }, names, false)).toEqual({ name: 'Anna' });
    expect(authorOf({ author_id: 'u9' }, names, true)).toEqual({ unknown: 'nearby' });
    expect(authorOf({ author_id: 'u9', author_name: null }, names, false)).toEqual({ unknown: 'neighbour' });
    expect(authorOf({ author_id: null }, names, false)).toEqual({ unknown: 'gone' });
    // The name the API kept with the post wins, also for an author of a nearby neighbourhood
    expect(authorOf({ author_id: 'u9', author_name: 'Jos from the north' }, names, true)).toEqual({ name: 'Jos from the north' });
    expect(authorOf({ author_id: 'u1', author_name: 'Anna W.' }, names, false)).toEqual({ name: 'Anna W.' });
  });

  it('lets the author edit within 24 hours only', () => {
    const written = post('P1', { author_id: 'me', created_at: '2026-11-26T10:00:00Z' });
    expect(editable(written, 'me', new Date('2026-11-27T09:59:00Z'))).toBe(true);
    expect(editable(written, 'me', new Date('2026-11-27T10:01:00Z'))).toBe(false);
    expect(editable(written, 'other', new Date('2026-11-26T11:00:00Z'))).toBe(false);
  });
});
